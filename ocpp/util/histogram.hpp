#pragma once
// Histogram: durations counted into fixed buckets (Prometheus style, cumulative on read). Observing is lock-free and
// safe from any thread, so a worker thread and an event loop can share one.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace ocpp {

class Histogram {
public:
    // Upper bounds in seconds, ascending; the default spans 0.5 ms to 10 s.
    explicit Histogram(std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                     2.5, 5, 10});
    void observe(std::chrono::nanoseconds d);

    struct Snapshot {
        std::vector<double> bounds;
        std::vector<std::uint64_t> cumulative; // per bound, then +Inf last
        double sum_seconds = 0;
        std::uint64_t count = 0;
    };
    Snapshot snapshot() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_; // bounds_.size() + 1
    std::atomic<std::uint64_t> sum_ns_{0};
};

} // namespace ocpp
