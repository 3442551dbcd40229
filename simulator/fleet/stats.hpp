#pragma once
// Load statistics of one event loop's chargers: per-action counts and latency histograms, connection errors by
// cause, and gauges. One Stats per loop (no locks on the hot path); the fleet merges copies for reports.
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "ocpp/util/clock.hpp"

namespace sim {

// Log-linear latency histogram from 1 µs to ~1 h with ≤ 3 % relative error per bucket.
class LatencyHistogram {
public:
    void record(ocpp::Clock::Duration d);
    void merge(const LatencyHistogram& other);
    std::uint64_t count() const { return count_; }
    // The value below which `q` (0..1) of the samples fall, in milliseconds; 0 when empty.
    double quantile_ms(double q) const;
    double max_ms() const { return max_us_ / 1000.0; }
    double mean_ms() const { return count_ ? sum_us_ / 1000.0 / static_cast<double>(count_) : 0.0; }

    // Bucket access, for the per-interval sketches of the time series (timeseries.cpp) and the Prometheus buckets.
    static constexpr int kBucketCount = 32 * 32;
    std::uint64_t in_bucket(int bucket) const { return buckets_[static_cast<std::size_t>(bucket)]; }
    // Adds `n` samples at a bucket's representative value (rebuilding a histogram from a saved sketch).
    void add_bucket(int bucket, std::uint64_t n);
    // The value that stands for a bucket's samples, in microseconds: exact below 32, else the bucket's midpoint.
    static double bucket_value_us(int bucket);
    // Exclusive upper bound of a bucket, in microseconds.
    static double bucket_upper_us(int bucket);

private:
    static constexpr int kSubBuckets = 32; // per power of two
    static constexpr int kBuckets = 32 * kSubBuckets;
    static int bucket_of(std::uint64_t us);
    std::array<std::uint64_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0;
    double sum_us_ = 0;
    std::uint64_t max_us_ = 0;
};

struct ActionStats {
    std::uint64_t sent = 0;
    std::uint64_t ok = 0;
    std::uint64_t call_errors = 0; // answered with a CALLERROR
    std::uint64_t timeouts = 0;
    std::uint64_t failed = 0; // closed before an answer, invalid answer, queue full
    LatencyHistogram latency; // of answered calls (ok and CALLERROR)
    void merge(const ActionStats& o);
};

// Firmware Management of a fleet: the status notifications sent, by status, and the span of a firmware roll-out.
struct FirmwareStats {
    std::map<std::string, std::uint64_t> firmware;    // FirmwareStatusNotification sent, by status
    std::map<std::string, std::uint64_t> diagnostics; // DiagnosticsStatusNotification sent, by status
    std::int64_t first_update_ms = 0;                 // wall clock of the first UpdateFirmware received; 0: none
    std::int64_t last_installed_ms = 0;               // wall clock of the last Installed sent; 0: none
    void merge(const FirmwareStats& o);
    // Seconds from the first UpdateFirmware to the last Installed; negative until both happened.
    double rollout_s() const;
};

struct Stats {
    std::map<std::string, ActionStats> actions;          // by action name, CALLs the chargers sent
    std::map<std::string, std::uint64_t> calls_answered; // CALLs from the central system, by action
    std::uint64_t connect_attempts = 0;
    std::uint64_t connects = 0;
    std::uint64_t disconnects = 0;                       // connections lost after they were open
    std::map<std::string, std::uint64_t> connect_errors; // by cause: refused, timeout, tls, http-401, ...
    std::uint64_t boots_accepted = 0, boots_pending = 0, boots_rejected = 0;
    std::uint64_t sessions_started = 0, sessions_completed = 0, sessions_refused = 0;
    std::uint64_t offline_queued = 0, offline_replayed = 0, offline_dropped = 0;
    // Gauges, set by the owner when it takes a snapshot.
    std::uint64_t connected = 0, booted = 0, charging = 0;
    std::uint64_t offline_queue = 0; // messages waiting in the chargers' offline queues
    FirmwareStats firmware;          // UpdateFirmware and GetDiagnostics (charger/firmware.cpp)

    ActionStats& action(const std::string& name) { return actions[name]; }
    void merge(const Stats& o); // adds counters and gauges
    std::uint64_t total_sent() const;
    std::uint64_t total_errors() const; // CALLERRORs + timeouts + failures + connection errors
};

} // namespace sim
