#include "tests/support/wait.hpp"

#include <algorithm>
#include <thread>

namespace ocppkit::test {

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout, std::chrono::milliseconds every) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::min(std::chrono::milliseconds(2), every);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, every);
    }
    return pred();
}

bool settle(const std::function<std::size_t()>& run_pending, std::chrono::milliseconds quiet,
            std::chrono::milliseconds limit) {
    auto quiet_since = std::chrono::steady_clock::now();
    const auto end = quiet_since + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (run_pending() > 0) {
            quiet_since = std::chrono::steady_clock::now();
        } else if (std::chrono::steady_clock::now() - quiet_since > quiet) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

} // namespace ocppkit::test
