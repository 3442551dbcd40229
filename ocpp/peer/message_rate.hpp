#pragma once
// MessageRate: the per-connection message-rate limit, a token bucket on the connection's clock. Messages beyond it
// are refused; a peer that keeps exceeding it for close_after is to be disconnected.
#include <chrono>
#include <optional>

#include "ocpp/util/clock.hpp"

namespace ocpp {

struct MessageRateLimit {
    double per_second = 50;                                 // sustained messages per second; 0: no limit
    double burst = 200;                                     // messages that may arrive at once after a quiet time
    Clock::Duration close_after = std::chrono::seconds(10); // refusing without a quiet second this long: close
};

class MessageRate {
public:
    enum class Verdict { Allow, Refuse, Close };

    explicit MessageRate(MessageRateLimit limit)
        : limit_(limit)
        , tokens_(limit.burst) {}

    // Counts one message arriving at `now`.
    Verdict on_message(Clock::TimePoint now);
    bool enabled() const { return limit_.per_second > 0; }
    const MessageRateLimit& limit() const { return limit_; }

private:
    MessageRateLimit limit_;
    double tokens_;
    std::optional<Clock::TimePoint> last_;
    std::optional<Clock::TimePoint> over_since_; // first refusal of the current run of refusals
    Clock::TimePoint last_refused_{};
};

} // namespace ocpp
