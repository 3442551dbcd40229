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

} // namespace ocppkit::test
