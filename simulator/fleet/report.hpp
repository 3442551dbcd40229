#pragma once
// What a run shows: the live status line, the final summary table, the JSON report and the CI thresholds.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/util/clock.hpp"
#include "ocpp/util/result.hpp"
#include "simulator/fleet/stats.hpp"
#include "simulator/fleet/timeseries.hpp"
#include "simulator/options.hpp"

namespace sim {

// The figures of a finished run.
struct RunSummary {
    Stats stats;
    std::uint64_t chargers = 0; // run by this process
    ocpp::Clock::WallTime started{};
    ocpp::Clock::WallTime ended{};
    double duration_s = 0;
    bool interrupted = false;     // stopped by SIGINT/SIGTERM rather than --duration
    bool stopped_in_time = true;  // every charger finished its stop within the grace period
    std::optional<Series> series; // per interval; none with --timeseries off
};

// The version of the JSON report's layout; `report` reads this one only.
inline constexpr int kReportFormatVersion = 2;

// The latency of all actions together.
LatencyHistogram all_latency(const Stats& stats);

// "connected 9,998/10,000  booted 9,990  charging 1,234  calls/s 2,345  p99 12.3 ms  errors 0"
// With `last_p99_ms`, the p99 of the last interval follows the cumulative one: "p99 12.3 ms (last 1 s 9.8 ms)".
std::string status_line(const Stats& stats, std::uint64_t chargers, double calls_per_second,
                        std::optional<double> last_p99_ms = std::nullopt);

// Prints the status line: rewritten in place on a terminal, a plain line every `plain_every` otherwise.
class StatusPrinter {
public:
    // `started` is when the run began: lines show the seconds since then.
    StatusPrinter(std::FILE* out, bool terminal, std::chrono::steady_clock::time_point started,
                  std::chrono::seconds plain_every = std::chrono::seconds(10));
    // Called about once per second with the latest merged statistics.
    void update(const Stats& stats, std::uint64_t chargers, std::chrono::steady_clock::time_point now,
                std::optional<double> last_p99_ms = std::nullopt);
    // Ends an in-place line so that what follows starts on a fresh one.
    void finish();

private:
    std::FILE* out_;
    bool terminal_;
    std::chrono::seconds plain_every_;
    std::chrono::steady_clock::time_point started_{}, last_update_{}, last_plain_{};
    std::uint64_t last_sent_ = 0;
    std::size_t last_width_ = 0;
    bool first_ = true;
};

// The final summary: per-action table, connections and their errors by cause, boots, sessions, offline queue.
std::string summary_table(const RunSummary& run);

// The JSON report: the same figures, the effective options, timestamps and duration.
std::string report_json(const RunSummary& run, const Options& options, const std::vector<std::string>& failures);
ocpp::Result<void> write_file(const std::string& path, const std::string& text);

// The --max-p99-ms / --max-errors thresholds the run exceeded, one line each; empty when it passed.
std::vector<std::string> threshold_failures(const Stats& stats, const Options& options);

} // namespace sim
