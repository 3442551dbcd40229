#pragma once
// The time series of a run: per interval (1 s) the fleet's gauges and counter deltas and, per action, the calls of
// that interval alone with a sparse latency sketch (the non-empty buckets of LatencyHistogram). The recorder runs on
// the main thread from the merged cumulative snapshots, so the chargers' hot path pays nothing; a run longer than
// max_intervals merges neighbouring intervals (the interval doubles) so that memory and the report stay bounded.
// Interval i covers (i * interval_s, (i + 1) * interval_s]: counters are what happened in it, gauges (connected,
// booted, charging) their value at its end, that is at the last second the interval holds.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "ocpp/util/result.hpp"
#include "simulator/fleet/stats.hpp"

namespace sim {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// Occupied buckets one interval's sketch keeps at most: a wider spread is held at a coarser resolution, so that the
// size of a row (and of the report) does not depend on how widely the latencies spread.
constexpr std::size_t kMaxSketchBuckets = 64;

// A latency histogram's non-empty buckets as (bucket, count), bucket ascending.
struct Sketch {
    std::vector<std::pair<std::uint16_t, std::uint32_t>> buckets;
    void add(const Sketch& other);
    // Merges neighbouring buckets (2, 4, ... 32 of a power of two into one, at the middle one) until at most
    // `max_buckets` remain; a sketch within the bound stays as it is. Two per power of two always fit 64.
    void bound(std::size_t max_buckets = kMaxSketchBuckets);
    std::uint64_t count() const;
    double quantile_ms(double q) const; // 0 when empty
    double max_ms() const;              // the highest bucket's value; 0 when empty
};
// The samples `now` holds beyond `before` (the same histogram earlier).
Sketch sketch_difference(const LatencyHistogram& now, const LatencyHistogram& before);
// The histogram a sketch stands for.
LatencyHistogram to_histogram(const Sketch& sketch);
Sketch to_sketch(const LatencyHistogram& h);

// One action in one interval.
struct ActionPoint {
    std::uint32_t sent = 0, ok = 0, call_errors = 0, timeouts = 0, failed = 0;
    Sketch latency; // answered calls of the interval
    void add(const ActionPoint& o);
    bool empty() const { return sent == 0 && ok == 0 && call_errors == 0 && timeouts == 0 && failed == 0; }
};

// The fleet in one interval: gauges at its end, counters for the interval.
struct FleetPoint {
    std::uint32_t connected = 0, booted = 0, charging = 0;
    std::uint32_t connects = 0, disconnects = 0, connect_errors = 0, boots = 0, sessions_started = 0,
                  sessions_completed = 0, offline_queued = 0;
    void add(const FleetPoint& later); // counters add up, gauges take the later value
};

struct Interval {
    double t_s = 0; // end of the interval (of its last second), seconds since the run started
    FleetPoint fleet;
    // The actions that were not idle as (index in Series::actions, point), index ascending: sparse, so that a series
    // holds only the rows it has, however many actions it names.
    std::vector<std::pair<std::uint32_t, ActionPoint>> actions;
    const ActionPoint* action(std::size_t k) const; // nullptr when action k was idle
    ActionPoint& action_at(std::size_t k);          // action k's point, added idle when missing
    // One shard's later interval of the same slot: counters and sketches add, gauges and t from the later one.
    void add_later(const Interval& later);
    // Another shard's interval of the same slot: counters, sketches and gauges (other chargers) all add up.
    void add_beside(const Interval& other);
};

// Something to show on the time axis: the ramp (a span), a churn round, an injected fault.
struct Marker {
    double t_s = 0;
    double until_s = 0; // == t_s for a moment
    std::string kind;   // "ramp", "churn", "fault"
    std::string text;
};

struct Series {
    double interval_s = 1;
    std::vector<std::string> actions;
    std::vector<Interval> intervals;
    std::vector<Marker> markers;
    // All actions of interval i together.
    ActionPoint all_at(std::size_t i) const;
    // Seconds interval i really covers: interval_s, but less for a last interval cut short by the end of the run.
    double length_of(std::size_t i) const;
    // Approximate bytes held, for the memory benchmark.
    std::size_t memory_bytes() const;
};

// Builds a Series from the cumulative snapshots the run takes once per interval.
class SeriesRecorder {
public:
    explicit SeriesRecorder(double interval_s = 1, std::size_t max_intervals = 4000);
    // `cumulative` is the fleet's merged statistics at `t_s` seconds since the start. Once the interval has grown
    // past 1 s, the seconds of one interval add up in its row until it is full.
    void record(double t_s, const Stats& cumulative);
    // Beyond kMaxSeriesMarkers (a week of churn rounds) further markers are left out: the report stays readable.
    void mark(Marker m);
    const Series& series() const { return series_; }
    // The last interval's p99 over all actions; nullopt when nothing was answered in it.
    std::optional<double> last_p99_ms() const;

private:
    std::size_t action_index(const std::string& name);
    void coarsen(); // merges the intervals of each doubled slot, doubling interval_s
    Series series_;
    std::size_t max_intervals_;
    Stats previous_;
};

// What read_series accepts from a report file: bounds that keep every rate, axis and merge finite and small, near
// what the recorder writes (at most 4,000 rows of the ~20 actions a charger sends, a marker per churn round).
constexpr double kMinIntervalS = 0.001, kMaxIntervalS = 86400;
constexpr std::size_t kMaxSeriesRows = 8192;          // fleet rows; every t lies within rows * interval_s
constexpr std::size_t kMaxSeriesActions = 64;         // action names
constexpr std::size_t kMaxSeriesActionRows = 131'072; // per-action rows of all actions together
constexpr std::size_t kMaxSeriesMarkers = 10'000;

// Writes the "timeseries" object (its value) with the writer.
void write_series(JsonWriter& w, const Series& s);
// Reads what write_series wrote; the error names the field that is wrong.
ocpp::Result<Series> read_series(const rapidjson::Value& v);
// Shards of one run side by side: intervals are matched by their slot (t / the largest interval); a shard's rows of
// one slot add up as one interval (gauges from the later row), then the shards add up (gauges too).
Series merge_series(const std::vector<Series>& shards);

} // namespace sim
