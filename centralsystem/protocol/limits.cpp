#include "centralsystem/protocol/limits.hpp"

#include <algorithm>

namespace cs {

SampleBudget::Take SampleBudget::take(const std::string& charger, std::optional<std::int64_t> transaction,
                                      std::size_t samples, ocpp::Clock::TimePoint now) {
    if (per_minute_ <= 0) {
        return Take{samples, false};
    }
    auto& entries = chargers_[charger];
    // Windows that ended are forgotten, so a key starts afresh and the table stays small.
    entries.erase(
        std::remove_if(entries.begin(), entries.end(), [now](const Entry& e) { return now - e.since >= kWindow; }),
        entries.end());
    auto it =
        std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.transaction == transaction; });
    if (it == entries.end()) {
        if (entries.size() >= kKeysPerCharger) {
            // The key with the fewest samples goes: a flooded transaction keeps its count.
            entries.erase(std::min_element(entries.begin(), entries.end(),
                                           [](const Entry& a, const Entry& b) { return a.count < b.count; }));
        }
        entries.push_back(Entry{transaction, now, 0, false});
        it = entries.end() - 1;
    }
    const auto budget = static_cast<std::size_t>(per_minute_);
    Take t;
    t.allowed = std::min(samples, budget - std::min(budget, it->count));
    it->count += t.allowed;
    if (t.allowed < samples && !it->trimmed) {
        it->trimmed = true;
        t.first_trim = true;
    }
    return t;
}

void NoticeThrottle::expire(ocpp::Clock::TimePoint now) {
    // Times are queued in the order allow() was called; a clock stepping back only delays the expiry.
    while (!order_.empty() && now - order_.front().first >= kWindow) {
        auto it = last_.find(order_.front().second);
        if (it != last_.end() && it->second == order_.front().first) {
            last_.erase(it);
        }
        order_.pop_front();
    }
}

bool NoticeThrottle::allow(const std::string& subject, ocpp::Clock::TimePoint now) {
    expire(now);
    auto it = last_.find(subject);
    if (it != last_.end()) {
        if (now - it->second < kWindow) {
            return false;
        }
        it->second = now; // only with a clock that stepped back: expire() has not reached it yet
        order_.emplace_back(now, subject);
        return true;
    }
    if (last_.size() >= kSubjects) {
        return false; // quiet until the oldest window ends
    }
    last_.emplace(subject, now);
    order_.emplace_back(now, subject);
    return true;
}

} // namespace cs
