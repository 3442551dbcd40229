#pragma once
// Clock: steady time for timeouts and wall time for OCPP timestamps; injected so tests advance time by hand.
#include <chrono>
#include <cstdint>

namespace ocpp {

// Seconds since 1970 of the system clock (session expiries, signed URL lifetimes).
inline std::int64_t unix_seconds_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class Clock {
public:
    using Duration = std::chrono::steady_clock::duration;
    using TimePoint = std::chrono::steady_clock::time_point;
    using WallTime = std::chrono::system_clock::time_point;
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
    virtual WallTime wall_now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// ManualClock moves only when advance() is called; wall time moves with it.
class ManualClock final : public Clock {
public:
    explicit ManualClock(WallTime wall_start = WallTime{std::chrono::seconds{1767225600}})
        : wall_start_(wall_start) {}
    TimePoint now() const override { return TimePoint{} + elapsed_; }
    WallTime wall_now() const override {
        return wall_start_ + std::chrono::duration_cast<WallTime::duration>(elapsed_);
    }
    void advance(Duration d) { elapsed_ += d; }

private:
    WallTime wall_start_;
    Duration elapsed_{};
};

} // namespace ocpp
