#include "tester/checks/rate.hpp"

#include <algorithm>
#include <cstdio>

namespace tester {

bool FrameRate::frame(ocpp::Clock::TimePoint at) {
    if (!started_ || at - window_start_ >= kWindow) {
        started_ = true;
        window_start_ = at;
        in_window_ = 0;
    }
    ++in_window_;
    ++total_;
    peak_ = std::max(peak_, in_window_);
    if (in_window_ > limit_) {
        flood_seconds_ = std::chrono::duration<double>(at - window_start_).count();
        return false;
    }
    return true;
}

Outcome FrameRate::within() const {
    return Outcome::pass(std::to_string(total_) + " frames from the charger, at most " + std::to_string(peak_) +
                         " within " + std::to_string(kWindow.count()) + " s (the limit is " + std::to_string(limit_) +
                         ")");
}

Outcome FrameRate::flooded() const {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", flood_seconds_);
    return Outcome::fail("the charger sent " + std::to_string(in_window_) + " frames within " + took +
                             ", more than the limit of " + std::to_string(limit_) + " per " +
                             std::to_string(kWindow.count()) + " s; the tester closed the connection (1008)",
                         "The charger sends far more messages than any OCPP 1.6 charger needs (a few a minute, "
                         "a burst of a few dozen at boot). This is usually a firmware loop: a message repeated "
                         "without waiting for its answer, or a queue replayed again and again. Check the charger's "
                         "log and its firmware; the capture shows which message repeats.");
}

} // namespace tester
