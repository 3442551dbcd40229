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

bool NoticeThrottle::allow(const std::string& subject, ocpp::Clock::TimePoint now) {
    auto it = last_.find(subject);
    if (it != last_.end()) {
        if (now - it->second < kWindow) {
            return false;
        }
        it->second = now;
        return true;
    }
    if (last_.size() >= kSubjects) {
        if (now < no_sweep_before_) {
            return false; // a storm of new subjects costs one comparison each, not a scan of the table
        }
        auto first_end = ocpp::Clock::TimePoint::max();
        for (auto e = last_.begin(); e != last_.end();) {
            if (now - e->second >= kWindow) {
                e = last_.erase(e);
            } else {
                first_end = std::min(first_end, e->second + kWindow);
                ++e;
            }
        }
        if (last_.size() >= kSubjects) {
            no_sweep_before_ = first_end;
            return false;
        }
    }
    last_.emplace(subject, now);
    return true;
}

} // namespace cs
