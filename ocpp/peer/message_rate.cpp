#include "ocpp/peer/message_rate.hpp"

#include <algorithm>

namespace ocpp {

MessageRate::Verdict MessageRate::on_message(Clock::TimePoint now) {
    if (!enabled()) {
        return Verdict::Allow;
    }
    if (last_) {
        const double elapsed = std::chrono::duration<double>(now - *last_).count();
        tokens_ = std::min(limit_.burst, tokens_ + elapsed * limit_.per_second);
    }
    last_ = now;
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return Verdict::Allow;
    }
    // A run of refusals ends after a quiet second; a peer that slows down when told is never closed.
    if (!over_since_ || now - last_refused_ > std::chrono::seconds(1)) {
        over_since_ = now;
    }
    last_refused_ = now;
    return now - *over_since_ >= limit_.close_after ? Verdict::Close : Verdict::Refuse;
}

} // namespace ocpp
