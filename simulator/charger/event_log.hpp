#pragma once
// EventLog: the last few things that happened to a charger (status changes, boots, connection losses, firmware and
// diagnostics statuses), for the diagnostics file GetDiagnostics uploads. A fixed ring of small records: a fleet of
// 10,000 chargers spends about 0.5 KiB each on it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sim {

class EventLog {
public:
    enum class Kind : std::uint8_t { Status, Boot, Disconnected, Firmware, Diagnostics };
    struct Event {
        std::int64_t unix_ms = 0;
        Kind kind = Kind::Status;
        std::int16_t connector = 0;
        std::uint8_t value = 0; // the status enum's value
    };
    static constexpr std::size_t kCapacity = 32;

    void add(std::int64_t unix_ms, Kind kind, int connector = 0, int value = 0) {
        ring_[next_ % kCapacity] =
            Event{unix_ms, kind, static_cast<std::int16_t>(connector), static_cast<std::uint8_t>(value)};
        ++next_;
    }
    // Calls fn(event) oldest first for the events kept.
    template <class Fn> void for_each(Fn fn) const {
        const std::size_t n = next_ < kCapacity ? next_ : kCapacity;
        for (std::size_t i = next_ - n; i < next_; ++i) {
            fn(ring_[i % kCapacity]);
        }
    }
    std::size_t total() const { return next_; } // ever added

private:
    std::array<Event, kCapacity> ring_{};
    std::size_t next_ = 0;
};

} // namespace sim
