#include "tester/checks/heartbeat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tester {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {
double ms_of(ocpp::Clock::Duration d) {
    return static_cast<double>(duration_cast<milliseconds>(d).count());
}
} // namespace

std::string format_seconds(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, std::fabs(seconds) < 100 ? "%.1f s" : "%.0f s", seconds);
    return buf;
}

HeartbeatWatch::Duration HeartbeatWatch::tolerance() const {
    return duration_cast<Duration>(interval_) / 10 + std::chrono::seconds(2);
}

HeartbeatWatch::Duration HeartbeatWatch::shortest() const {
    const Duration interval = interval_;
    return std::max<Duration>(interval * 8 / 10, interval - tolerance());
}

bool HeartbeatWatch::fits(Duration d) const {
    const Duration expected = interval_;
    return d >= shortest() && d <= expected + tolerance();
}

void HeartbeatWatch::booted(TimePoint at) {
    boot_ = at;
}

void HeartbeatWatch::message(TimePoint at) {
    if (boot_) {
        last_message_ = at;
    }
}

std::optional<Outcome> HeartbeatWatch::heartbeat(TimePoint at) {
    if (!boot_) {
        return std::nullopt;
    }
    const std::string set = "the tester set " + std::to_string(interval_.count()) + " s";
    struct Ref {
        std::optional<TimePoint> at;
        const char* name;
    };
    for (const Ref& ref : {Ref{last_heartbeat_, "the previous Heartbeat"}, Ref{boot_, "the BootNotification answer"},
                           Ref{last_message_, "the charger's previous message"}}) {
        if (ref.at && at >= *ref.at && fits(at - *ref.at)) {
            measured_ms_ = ms_of(at - *ref.at);
            return Outcome::pass("came " + format_seconds(measured_ms_ / 1000) + " after " + ref.name + "; " + set);
        }
    }
    if (!last_heartbeat_ && !sync_seen_ && at - *boot_ <= kSyncWindow && at - *boot_ < shortest()) {
        sync_seen_ = true;
        last_heartbeat_ = at;
        return std::nullopt;
    }
    const TimePoint from = last_heartbeat_.value_or(*boot_);
    measured_ms_ = ms_of(at - from);
    const bool early = at - from < shortest();
    last_heartbeat_ = at;
    return Outcome::fail("interval not applied: a Heartbeat came " + format_seconds(measured_ms_ / 1000) + " after " +
                             (from == *boot_ ? "the BootNotification answer" : "the previous Heartbeat") + "; " + set +
                             (early ? " (too early)" : " (too late)"),
                         "The charger keeps its own heartbeat interval instead of the one the central system sent "
                         "in the BootNotification answer. It must use that interval (and store it as its "
                         "HeartbeatInterval setting). Check the firmware; as a workaround set HeartbeatInterval on "
                         "the charger by hand.");
}

HeartbeatWatch::TimePoint HeartbeatWatch::deadline() const {
    TimePoint from = boot_.value_or(TimePoint{});
    if (last_heartbeat_ && *last_heartbeat_ > from) {
        from = *last_heartbeat_;
    }
    if (last_message_ && *last_message_ > from) {
        from = *last_message_;
    }
    return from + duration_cast<Duration>(interval_) + tolerance();
}

Outcome HeartbeatWatch::expired(TimePoint now, std::optional<int> charger_setting) const {
    const double waited = boot_ ? ms_of(now - *boot_) / 1000 : 0;
    std::string seen = "no Heartbeat " + format_seconds(waited) +
                       " after the BootNotification answer; the tester set " + std::to_string(interval_.count()) + " s";
    std::string hint = "The charger did not apply the heartbeat interval from the BootNotification answer";
    if (charger_setting && *charger_setting != interval_.count()) {
        seen += " (the charger's HeartbeatInterval setting is still " + std::to_string(*charger_setting) + " s)";
        hint += ": it keeps its own HeartbeatInterval of " + std::to_string(*charger_setting) + " s";
    }
    hint += ". It must send a Heartbeat at the interval the central system gives (interval not applied). Check the "
            "firmware; as a workaround set HeartbeatInterval on the charger by hand.";
    return Outcome::fail(seen, hint);
}

void ClockSkew::sample(const ocpp::DateTime& charger, const ocpp::DateTime& ours, const std::string& what) {
    ++samples_;
    const long long skew = charger.unix_ms() - ours.unix_ms();
    if (!best_ms_ || std::llabs(skew) < std::llabs(*best_ms_)) {
        best_ms_ = skew;
        best_what_ = what;
    }
}

Outcome ClockSkew::outcome() const {
    if (!best_ms_) {
        return Outcome::skipped("the charger sent no timestamps to compare (they are optional in "
                                "StatusNotification)");
    }
    const double s = static_cast<double>(*best_ms_) / 1000.0;
    const std::string seen = "the charger's clock is " + format_seconds(std::fabs(s)) +
                             (s >= 0 ? " ahead of" : " behind") + " the tester's (closest of " +
                             std::to_string(samples_) + " timestamp" + (samples_ == 1 ? "" : "s") + ", from " +
                             best_what_ + ")";
    const std::string hint = "Let the charger take its time from NTP, or from the central system (BootNotification "
                             "and Heartbeat answers carry the time). A wrong clock puts transactions and meter "
                             "values at the wrong time and can make TLS certificates look invalid.";
    const long long abs_ms = std::llabs(*best_ms_);
    if (abs_ms > duration_cast<milliseconds>(kFailAbove).count()) {
        return Outcome::fail(seen, hint);
    }
    if (abs_ms > duration_cast<milliseconds>(kWarnAbove).count()) {
        return Outcome::warn(seen, hint);
    }
    return Outcome::pass(seen);
}

} // namespace tester
