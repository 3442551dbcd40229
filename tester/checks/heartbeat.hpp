#pragma once
// Check 6: the Heartbeat arrives at the interval the tester set in its BootNotification answer, and the charger's
// clock agrees with the tester's (warning above 60 s, failure above 10 minutes). A Heartbeat counts as evidence only
// when it comes at least max(0.8 x interval, interval - tolerance) and at most interval + tolerance (10 % + 2 s)
// after the BootNotification answer, the previous Heartbeat or the charger's previous message: a Heartbeat right
// after boot proves nothing about the interval, whatever the interval.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/text/datetime.hpp"
#include "ocpp/util/clock.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

// Times the first Heartbeat after boot. Pure logic on time points: the test run feeds it and arms the deadline.
class HeartbeatWatch {
public:
    using TimePoint = ocpp::Clock::TimePoint;
    using Duration = ocpp::Clock::Duration;
    // A heartbeat this soon after boot is a clock sync some chargers send, not the interval (ignored once).
    static constexpr std::chrono::seconds kSyncWindow{5};

    explicit HeartbeatWatch(std::chrono::seconds interval)
        : interval_(interval) {}

    std::chrono::seconds interval() const { return interval_; }
    Duration tolerance() const; // 10 % of the interval + 2 s
    // The shortest gap that counts: 80 % of the interval, or interval - tolerance when that is longer.
    Duration shortest() const;
    void booted(TimePoint at);
    // Any other message from the charger: OCPP lets a charger skip a heartbeat after other traffic.
    void message(TimePoint at);
    // A Heartbeat arrived: the verdict, or nullopt when it does not count (before boot, or the clock sync some
    // chargers send right after boot, taken once: the next Heartbeat must then come one interval after it).
    std::optional<Outcome> heartbeat(TimePoint at);
    // When a missing Heartbeat becomes a failure (moves later with other traffic).
    TimePoint deadline() const;
    // No Heartbeat by the deadline. `charger_setting` is HeartbeatInterval as GetConfiguration reported it.
    Outcome expired(TimePoint now, std::optional<int> charger_setting) const;
    // The measured interval in ms once a heartbeat counted, else 0.
    double measured_ms() const { return measured_ms_; }

private:
    bool fits(Duration d) const;

    std::chrono::seconds interval_;
    std::optional<TimePoint> boot_, last_heartbeat_, last_message_;
    bool sync_seen_ = false;
    double measured_ms_ = 0;
};

// Collects (charger timestamp, tester time) pairs and judges the skew.
class ClockSkew {
public:
    static constexpr std::chrono::seconds kWarnAbove{60};
    static constexpr std::chrono::seconds kFailAbove{600};

    // `what` names the source, e.g. "StatusNotification".
    void sample(const ocpp::DateTime& charger, const ocpp::DateTime& ours, const std::string& what);
    std::size_t samples() const { return samples_; }
    Outcome outcome() const;

private:
    std::size_t samples_ = 0;
    std::optional<long long> best_ms_; // the sample closest to our clock: stale timestamps only make it look worse
    std::string best_what_;
};

// "2.0 s" for a skew or interval in words.
std::string format_seconds(double seconds);

} // namespace tester
