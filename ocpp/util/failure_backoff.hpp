#pragma once
// FailureBackoff: who failed how often, and until when they must wait. The `threshold`-th failure of one key (a
// Chargebox ID, a source address) and each one after it block the key for a delay that doubles from `first_delay`
// up to `max_delay`; a key without a failure for `forget_after` starts afresh. Only failures count,
// never attempts or successes, so a key that keeps succeeding is never slowed down. The table keeps at most
// `max_keys` keys, forgetting the one whose last failure is oldest: nobody grows it without bound by inventing keys.
// Time comes from an injected Clock; not thread-safe (one event loop owns it).
#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ocpp/util/clock.hpp"

namespace ocpp {

struct BackoffConfig {
    int threshold = 3;                                       // the failure that starts the first delay (1: the first)
    Clock::Duration first_delay = std::chrono::seconds(1);   // the delay the threshold-th failure starts
    Clock::Duration max_delay = std::chrono::minutes(5);     // the delay stops doubling here
    Clock::Duration forget_after = std::chrono::minutes(30); // at least max_delay; a quiet key starts afresh
    std::size_t max_keys = 65536;                            // oldest failure forgotten first beyond this
};

class FailureBackoff {
public:
    FailureBackoff(const Clock& clock, BackoffConfig config);

    // How long the key must still wait; nullopt when it may try now.
    std::optional<Clock::Duration> blocked(std::string_view key) const;
    // Records a failure now; returns the delay it started (nullopt below the threshold).
    std::optional<Clock::Duration> failed(std::string_view key);
    // Failures counted for the key (0 when unknown or forgotten).
    int failures(std::string_view key) const;
    std::size_t size() const { return records_.size(); }
    const BackoffConfig& config() const { return config_; }

private:
    struct Record {
        std::string key;
        int failures = 0;
        Clock::TimePoint last_failure{};
        Clock::TimePoint blocked_until{};
    };
    using Order = std::list<Record>; // most recent failure first
    const Record* find(std::string_view key) const;
    bool stale(const Record& r, Clock::TimePoint now) const { return now - r.last_failure >= config_.forget_after; }

    const Clock& clock_;
    BackoffConfig config_;
    Order order_;
    std::unordered_map<std::string_view, Order::iterator> records_; // views into the keys held by order_
};

// The part of a remote endpoint ("192.0.2.7:53412", "[2001:db8::1]:443") that identifies a source: the IPv4 address,
// or the /64 prefix of an IPv6 address (one host usually holds a whole /64). Other text comes back as it is.
std::string source_of_endpoint(std::string_view endpoint);

} // namespace ocpp
