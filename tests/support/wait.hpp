#pragma once
// The one way a test waits for something another thread or process does: poll a predicate with a bounded wait.
#include <chrono>
#include <cstddef>
#include <functional>

namespace ocppkit::test {

// Polls pred until it holds or timeout passes; the pause between polls starts at 2 ms and doubles up to `every`, so
// a quick condition is seen at once and a slow one (an HTTP probe, a log file) is not hammered. Returns pred's last
// value.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                std::chrono::milliseconds every = std::chrono::milliseconds(20));

// Drives a manual loop: calls run_pending (how many handlers it ran) until nothing ran for `quiet` (another thread,
// such as a store worker, may still post answers meanwhile) or `limit` passes; false when it never settled.
bool settle(const std::function<std::size_t()>& run_pending, std::chrono::milliseconds quiet,
            std::chrono::milliseconds limit = std::chrono::seconds(5));

} // namespace ocppkit::test
