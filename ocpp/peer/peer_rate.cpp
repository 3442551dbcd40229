// The Peer's message-rate limit: what a peer starts beyond it is refused, and a peer that keeps on is closed (1008).
#include <string>

#include "ocpp/peer/peer.hpp"

namespace ocpp {

namespace {

// 50 -> "50", 2.5 -> "2.5".
std::string rate_text(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s;
}

std::string seconds_text(Clock::Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

} // namespace

std::string Peer::rate_rule() const {
    const auto& limit = rate_.limit();
    return "at most " + rate_text(limit.per_second) + " messages/s (bursts of " + rate_text(limit.burst) + ")";
}

bool Peer::within_rate() {
    // Counted: what the peer starts (CALLs, garbage, answers to nothing); answers to our own calls are not.
    const auto verdict = rate_.on_message(session_->executor().clock().now());
    if (verdict == MessageRate::Verdict::Allow) {
        return true;
    }
    ++stats_.refused_over_rate;
    if (verdict == MessageRate::Verdict::Close) {
        const auto after = seconds_text(rate_.limit().close_after);
        policy_closed_ = true;
        log_.warn(tag_, "closing with 1008: over the message-rate limit (" + rate_rule() + ") for " + after);
        session_->close(1008, "message rate limit exceeded for " + after);
        return false;
    }
    warnings_.log_with(LogLevel::Warn, "messages over the rate limit",
                       [&] { return "refused a message over the rate limit: " + rate_rule(); });
    return false;
}

} // namespace ocpp
