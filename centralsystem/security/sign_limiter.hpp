#pragma once
// SignLimiter: how many CSRs the CA signs for one charger. A charger sending 1,000 SignCertificate requests gets one
// signing at a time and at most `per_window` certificates per window; the rest are Rejected without any CA work.
// Lives on the central system's loop.
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

#include "ocpp/util/clock.hpp"

namespace cs::security {

class SignLimiter {
public:
    struct Limits {
        int per_window = 5;
        ocpp::Clock::Duration window = std::chrono::hours(1);
        std::size_t chargers = 100000; // chargers tracked at once; beyond, the oldest entries are forgotten
    };
    SignLimiter() = default;
    explicit SignLimiter(Limits limits)
        : limits_(limits) {}

    // Why a signing for `id` may not start now, or "" when it may (then it counts and is in flight until done()).
    std::string refuse(const std::string& id, ocpp::Clock::TimePoint now);
    // The signing for `id` finished (signed or not).
    void done(const std::string& id);
    // The signing for `id` could not even be queued (the CA is busy): it does not count against the charger.
    void cancel(const std::string& id);

private:
    struct Entry {
        std::deque<ocpp::Clock::TimePoint> started; // within the window
        bool in_flight = false;
    };
    void forget_old(ocpp::Clock::TimePoint now);

    Limits limits_;
    std::unordered_map<std::string, Entry> entries_;
};

} // namespace cs::security
