#include "centralsystem/security/sign_limiter.hpp"

namespace cs::security {

std::string SignLimiter::refuse(const std::string& id, ocpp::Clock::TimePoint now) {
    if (entries_.size() >= limits_.chargers && !entries_.count(id)) {
        forget_old(now);
    }
    Entry& e = entries_[id];
    while (!e.started.empty() && now - e.started.front() >= limits_.window) {
        e.started.pop_front();
    }
    if (e.in_flight) {
        return "a certificate request of this charger is being signed; one at a time";
    }
    if (static_cast<int>(e.started.size()) >= limits_.per_window) {
        const auto wait = std::chrono::ceil<std::chrono::seconds>(limits_.window - (now - e.started.front()));
        return "this charger had " + std::to_string(limits_.per_window) +
               " certificates signed recently; try again in " + std::to_string(wait.count()) + " s";
    }
    e.started.push_back(now);
    e.in_flight = true;
    return {};
}

void SignLimiter::done(const std::string& id) {
    auto it = entries_.find(id);
    if (it != entries_.end()) {
        it->second.in_flight = false;
    }
}

void SignLimiter::forget_old(ocpp::Clock::TimePoint now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        const bool idle =
            !it->second.in_flight && (it->second.started.empty() || now - it->second.started.back() >= limits_.window);
        it = idle ? entries_.erase(it) : std::next(it);
    }
    // Still full (a flood of distinct IDs within the window): drop idle entries regardless of age.
    for (auto it = entries_.begin(); entries_.size() >= limits_.chargers && it != entries_.end();) {
        it = it->second.in_flight ? std::next(it) : entries_.erase(it);
    }
}

void SignLimiter::cancel(const std::string& id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) {
        return;
    }
    it->second.in_flight = false;
    if (!it->second.started.empty()) {
        it->second.started.pop_back(); // the start refuse() recorded for this attempt
    }
}

} // namespace cs::security
