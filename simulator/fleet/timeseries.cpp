#include "simulator/fleet/timeseries.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace sim {

namespace {

std::uint32_t clamp32(std::uint64_t v) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(v, std::numeric_limits<std::uint32_t>::max()));
}

std::uint32_t delta(std::uint64_t now, std::uint64_t before) {
    return clamp32(now >= before ? now - before : 0);
}

std::uint64_t sum_of(const std::map<std::string, std::uint64_t>& m) {
    std::uint64_t n = 0;
    for (const auto& [key, v] : m) {
        n += v;
    }
    return n;
}

// The slot of an interval ending at t: (i * interval, (i + 1) * interval]. Clamped before the cast, which would
// be undefined for a huge t.
std::size_t index_of(double t, double interval) {
    return static_cast<std::size_t>(std::clamp(std::ceil(t / interval - 1e-6) - 1.0, 0.0, 1e18));
}
} // namespace

void Sketch::add(const Sketch& other) {
    std::vector<std::pair<std::uint16_t, std::uint32_t>> out;
    out.reserve(buckets.size() + other.buckets.size());
    auto a = buckets.begin();
    auto b = other.buckets.begin();
    while (a != buckets.end() || b != other.buckets.end()) {
        if (b == other.buckets.end() || (a != buckets.end() && a->first < b->first)) {
            out.push_back(*a++);
        } else if (a == buckets.end() || b->first < a->first) {
            out.push_back(*b++);
        } else {
            out.emplace_back(a->first, clamp32(std::uint64_t{a->second} + b->second));
            ++a;
            ++b;
        }
    }
    buckets = std::move(out);
}

std::uint64_t Sketch::count() const {
    std::uint64_t n = 0;
    for (const auto& [bucket, c] : buckets) {
        n += c;
    }
    return n;
}

double Sketch::quantile_ms(double q) const {
    const std::uint64_t total = count();
    if (total == 0) {
        return 0;
    }
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total))));
    std::uint64_t seen = 0;
    for (const auto& [bucket, c] : buckets) {
        seen += c;
        if (seen >= rank) {
            return LatencyHistogram::bucket_value_us(bucket) / 1000.0;
        }
    }
    return max_ms();
}

double Sketch::max_ms() const {
    return buckets.empty() ? 0 : LatencyHistogram::bucket_value_us(buckets.back().first) / 1000.0;
}

Sketch sketch_difference(const LatencyHistogram& now, const LatencyHistogram& before) {
    Sketch s;
    if (now.count() == before.count()) {
        return s;
    }
    for (int b = 0; b < LatencyHistogram::kBucketCount; ++b) {
        const std::uint64_t n = now.in_bucket(b);
        const std::uint64_t was = before.in_bucket(b);
        if (n > was) {
            s.buckets.emplace_back(static_cast<std::uint16_t>(b), clamp32(n - was));
        }
    }
    return s;
}

LatencyHistogram to_histogram(const Sketch& sketch) {
    LatencyHistogram h;
    for (const auto& [bucket, n] : sketch.buckets) {
        h.add_bucket(bucket, n);
    }
    return h;
}

Sketch to_sketch(const LatencyHistogram& h) {
    return sketch_difference(h, LatencyHistogram{});
}

void Sketch::bound(std::size_t max_buckets) {
    if (buckets.size() <= max_buckets) {
        return;
    }
    // A bucket's index is 32 * (power of two) + sub-bucket: dropping `shift` low bits merges 2^shift neighbours of one
    // power of two. The merged samples stand at the group's middle bucket, so a quantile errs by half a group.
    for (int shift = 1; shift <= 5; ++shift) {
        std::size_t groups = 0;
        int last = -1;
        for (const auto& [bucket, n] : buckets) {
            if ((bucket >> shift) != last) {
                last = bucket >> shift;
                ++groups;
            }
        }
        if (groups > max_buckets && shift < 5) {
            continue;
        }
        std::vector<std::pair<std::uint16_t, std::uint32_t>> out;
        out.reserve(groups);
        for (const auto& [bucket, n] : buckets) {
            const auto middle = static_cast<std::uint16_t>(((bucket >> shift) << shift) + (1 << (shift - 1)));
            if (!out.empty() && out.back().first == middle) {
                out.back().second = clamp32(std::uint64_t{out.back().second} + n);
            } else {
                out.emplace_back(middle, n);
            }
        }
        buckets = std::move(out);
        return;
    }
}

void ActionPoint::add(const ActionPoint& o) {
    sent = clamp32(std::uint64_t{sent} + o.sent);
    ok = clamp32(std::uint64_t{ok} + o.ok);
    call_errors = clamp32(std::uint64_t{call_errors} + o.call_errors);
    timeouts = clamp32(std::uint64_t{timeouts} + o.timeouts);
    failed = clamp32(std::uint64_t{failed} + o.failed);
    latency.add(o.latency);
}

void FleetPoint::add(const FleetPoint& later) {
    connected = later.connected;
    booted = later.booted;
    charging = later.charging;
    for (auto [mine, theirs] : {std::pair{&connects, later.connects},
                                {&disconnects, later.disconnects},
                                {&connect_errors, later.connect_errors},
                                {&boots, later.boots},
                                {&sessions_started, later.sessions_started},
                                {&sessions_completed, later.sessions_completed},
                                {&offline_queued, later.offline_queued}}) {
        *mine = clamp32(std::uint64_t{*mine} + theirs);
    }
}

namespace {

auto find_action(const std::vector<std::pair<std::uint32_t, ActionPoint>>& actions, std::size_t k) {
    return std::lower_bound(
        actions.begin(), actions.end(), k,
        [](const std::pair<std::uint32_t, ActionPoint>& e, std::size_t key) { return e.first < key; });
}

void add_actions(Interval& into, const Interval& from) {
    for (const auto& [k, p] : from.actions) {
        ActionPoint& mine = into.action_at(k);
        mine.add(p);
        mine.latency.bound();
    }
}

} // namespace

const ActionPoint* Interval::action(std::size_t k) const {
    const auto it = find_action(actions, k);
    return it != actions.end() && it->first == k ? &it->second : nullptr;
}

ActionPoint& Interval::action_at(std::size_t k) {
    auto it = actions.begin() + (find_action(actions, k) - actions.cbegin());
    if (it == actions.end() || it->first != k) {
        it = actions.emplace(it, static_cast<std::uint32_t>(k), ActionPoint{});
    }
    return it->second;
}

void Interval::add_later(const Interval& later) {
    const FleetPoint gauges = later.t_s >= t_s ? later.fleet : fleet;
    fleet.add(later.fleet);
    fleet.connected = gauges.connected;
    fleet.booted = gauges.booted;
    fleet.charging = gauges.charging;
    t_s = std::max(t_s, later.t_s);
    add_actions(*this, later);
}

void Interval::add_beside(const Interval& other) {
    const FleetPoint mine = fleet;
    fleet.add(other.fleet);
    fleet.connected = clamp32(std::uint64_t{mine.connected} + other.fleet.connected);
    fleet.booted = clamp32(std::uint64_t{mine.booted} + other.fleet.booted);
    fleet.charging = clamp32(std::uint64_t{mine.charging} + other.fleet.charging);
    t_s = std::max(t_s, other.t_s);
    add_actions(*this, other);
}

ActionPoint Series::all_at(std::size_t i) const {
    ActionPoint all;
    for (const auto& [k, a] : intervals[i].actions) {
        all.add(a);
    }
    return all;
}

double Series::length_of(std::size_t i) const {
    const double t = intervals[i].t_s;
    const double previous = i == 0 ? 0 : intervals[i - 1].t_s;
    const double start = std::max(previous, static_cast<double>(index_of(t, interval_s)) * interval_s);
    const double length = t - start;
    return length > 0 && length < interval_s ? std::max(length, kMinIntervalS) : interval_s;
}

std::size_t Series::memory_bytes() const {
    std::size_t n = sizeof(Series) + intervals.capacity() * sizeof(Interval);
    for (const auto& in : intervals) {
        n += in.actions.capacity() * sizeof(in.actions[0]);
        for (const auto& [k, a] : in.actions) {
            n += a.latency.buckets.capacity() * sizeof(a.latency.buckets[0]);
        }
    }
    return n;
}

SeriesRecorder::SeriesRecorder(double interval_s, std::size_t max_intervals)
    : max_intervals_(std::max<std::size_t>(max_intervals, 2)) {
    series_.interval_s = interval_s;
}

void SeriesRecorder::mark(Marker m) {
    if (series_.markers.size() < kMaxSeriesMarkers) {
        series_.markers.push_back(std::move(m));
    }
}

std::size_t SeriesRecorder::action_index(const std::string& name) {
    const auto it = std::find(series_.actions.begin(), series_.actions.end(), name);
    if (it != series_.actions.end()) {
        return static_cast<std::size_t>(it - series_.actions.begin());
    }
    series_.actions.push_back(name);
    return series_.actions.size() - 1;
}

void SeriesRecorder::record(double t_s, const Stats& now) {
    Interval in;
    in.t_s = t_s;
    const Stats& was = previous_;
    in.fleet.connected = clamp32(now.connected);
    in.fleet.booted = clamp32(now.booted);
    in.fleet.charging = clamp32(now.charging);
    in.fleet.connects = delta(now.connects, was.connects);
    in.fleet.disconnects = delta(now.disconnects, was.disconnects);
    in.fleet.connect_errors = delta(sum_of(now.connect_errors), sum_of(was.connect_errors));
    in.fleet.boots = delta(now.boots_accepted + now.boots_pending + now.boots_rejected,
                           was.boots_accepted + was.boots_pending + was.boots_rejected);
    in.fleet.sessions_started = delta(now.sessions_started, was.sessions_started);
    in.fleet.sessions_completed = delta(now.sessions_completed, was.sessions_completed);
    in.fleet.offline_queued = delta(now.offline_queued, was.offline_queued);
    static const ActionStats kNone{};
    for (const auto& [name, a] : now.actions) {
        const auto before = was.actions.find(name);
        const ActionStats& b = before == was.actions.end() ? kNone : before->second;
        ActionPoint p;
        p.sent = delta(a.sent, b.sent);
        p.ok = delta(a.ok, b.ok);
        p.call_errors = delta(a.call_errors, b.call_errors);
        p.timeouts = delta(a.timeouts, b.timeouts);
        p.failed = delta(a.failed, b.failed);
        p.latency = sketch_difference(a.latency, b.latency);
        if (p.empty() && p.latency.buckets.empty()) {
            continue;
        }
        p.latency.bound();
        in.action_at(action_index(name)) = std::move(p);
    }
    previous_ = now;
    auto& rows = series_.intervals;
    // Past the first coarsening an interval spans several seconds: each second adds to the row until it is full, so
    // every row covers one whole interval (rates per second and gauges stay right).
    if (!rows.empty() && index_of(rows.back().t_s, series_.interval_s) == index_of(t_s, series_.interval_s)) {
        rows.back().add_later(in);
    } else {
        rows.push_back(std::move(in));
    }
    while (rows.size() > max_intervals_) {
        coarsen();
    }
}

std::optional<double> SeriesRecorder::last_p99_ms() const {
    if (series_.intervals.empty()) {
        return std::nullopt;
    }
    const ActionPoint all = series_.all_at(series_.intervals.size() - 1);
    if (all.latency.buckets.empty()) {
        return std::nullopt;
    }
    return all.latency.quantile_ms(0.99);
}

void SeriesRecorder::coarsen() {
    series_.interval_s *= 2;
    std::vector<Interval> out;
    out.reserve(series_.intervals.size() / 2 + 1);
    for (auto& in : series_.intervals) {
        if (!out.empty() && index_of(out.back().t_s, series_.interval_s) == index_of(in.t_s, series_.interval_s)) {
            out.back().add_later(in);
        } else {
            out.push_back(std::move(in));
        }
    }
    series_.intervals = std::move(out);
}

Series merge_series(const std::vector<Series>& shards) {
    Series out;
    if (shards.empty()) {
        return out;
    }
    out.interval_s = 0;
    for (const auto& s : shards) {
        out.interval_s = std::max(out.interval_s, s.interval_s);
    }
    std::map<std::string, std::size_t> action_at; // name to index in out.actions
    std::vector<bool> filled;                     // a shard's row reached the slot (not only a blank)
    for (const auto& s : shards) {
        std::vector<std::size_t> index_here; // this shard's action k is out.actions[index_here[k]]
        for (const auto& name : s.actions) {
            const auto [it, added] = action_at.emplace(name, out.actions.size());
            if (added) {
                out.actions.push_back(name);
            }
            index_here.push_back(it->second);
        }
        // The shard's rows of one slot (a shorter interval than the merge's) first add up as one interval, so its
        // gauges count once; then the shards add up.
        std::map<std::size_t, Interval> slots;
        for (const auto& in : s.intervals) {
            if (!std::isfinite(in.t_s) || in.t_s < 0) {
                continue; // read_series lets none through; a series built in code might
            }
            const std::size_t i = index_of(in.t_s, out.interval_s);
            if (i >= kMaxSeriesRows) {
                continue; // beyond what a report may hold: never grow the merge without bound
            }
            Interval renamed;
            renamed.t_s = in.t_s;
            renamed.fleet = in.fleet;
            for (const auto& [k, p] : in.actions) {
                if (k < index_here.size()) {
                    renamed.action_at(index_here[k]).add(p);
                }
            }
            const auto [slot, added] = slots.try_emplace(i, renamed);
            if (!added) {
                slot->second.add_later(renamed);
            }
        }
        for (const auto& [i, in] : slots) {
            while (out.intervals.size() <= i) {
                Interval blank;
                blank.t_s = static_cast<double>(out.intervals.size() + 1) * out.interval_s;
                out.intervals.push_back(std::move(blank));
                filled.push_back(false);
            }
            if (!filled[i]) {
                out.intervals[i].t_s = in.t_s; // a last interval cut short keeps its real end
                filled[i] = true;
            }
            out.intervals[i].add_beside(in);
        }
        if (&s == &shards.front()) {
            out.markers = s.markers;
        }
    }
    return out;
}

} // namespace sim
