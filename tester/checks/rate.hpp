#pragma once
// connection.frame_rate: a charger that floods the tester (a firmware loop, or someone testing the tester) fails this
// check and is disconnected, so that one charger cannot take the tester's CPU and memory from the other tests.
#include <chrono>
#include <cstddef>

#include "ocpp/util/clock.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

// Counts the charger's frames in fixed windows of kWindow; more than the limit within one window is a flood.
class FrameRate {
public:
    static constexpr std::chrono::seconds kWindow{10};
    static constexpr std::size_t kDefaultPerWindow = 500; // 50 frames a second, far above any charger's need

    explicit FrameRate(std::size_t max_per_window)
        : limit_(max_per_window) {}

    // One frame from the charger; false once the current window holds more than the limit.
    bool frame(ocpp::Clock::TimePoint at);
    std::size_t total() const { return total_; }
    std::size_t peak() const { return peak_; }
    std::size_t limit() const { return limit_; }
    // The verdicts: within the limit, and the flood that ended the test.
    Outcome within() const;
    Outcome flooded() const;

private:
    std::size_t limit_;
    ocpp::Clock::TimePoint window_start_{};
    bool started_ = false;
    std::size_t in_window_ = 0, peak_ = 0, total_ = 0;
    double flood_seconds_ = 0;
};

} // namespace tester
