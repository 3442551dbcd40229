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

// Milliseconds to the microsecond: enough for a report, and short in JSON.
double rounded(double ms) {
    return std::round(ms * 1000.0) / 1000.0;
}

const char* const kFleetColumns[] = {"t",
                                     "connected",
                                     "booted",
                                     "charging",
                                     "connects",
                                     "disconnects",
                                     "connect_errors",
                                     "boots",
                                     "sessions_started",
                                     "sessions_completed",
                                     "offline_queued"};
const char* const kActionColumns[] = {"t",   "sent", "ok",  "call_errors", "timeouts", "failed",
                                      "p50", "p95",  "p99", "max",         "sketch"};
constexpr std::size_t kFleetCount = sizeof kFleetColumns / sizeof *kFleetColumns;
constexpr std::size_t kActionCount = sizeof kActionColumns / sizeof *kActionColumns;

std::uint32_t FleetPoint::*const kFleetFields[] = {
    &FleetPoint::connected,          &FleetPoint::booted,         &FleetPoint::charging, &FleetPoint::connects,
    &FleetPoint::disconnects,        &FleetPoint::connect_errors, &FleetPoint::boots,    &FleetPoint::sessions_started,
    &FleetPoint::sessions_completed, &FleetPoint::offline_queued};
std::uint32_t ActionPoint::*const kActionFields[] = {&ActionPoint::sent, &ActionPoint::ok, &ActionPoint::call_errors,
                                                     &ActionPoint::timeouts, &ActionPoint::failed};

void write_row(JsonWriter& w, double t, const ActionPoint& a, bool with_sketch) {
    w.StartArray();
    w.Double(t);
    for (auto field : kActionFields) {
        w.Uint(a.*field);
    }
    for (double q : {0.50, 0.95, 0.99}) {
        w.Double(rounded(a.latency.quantile_ms(q)));
    }
    w.Double(rounded(a.latency.max_ms()));
    if (with_sketch) {
        w.StartArray();
        for (const auto& [bucket, n] : a.latency.buckets) {
            w.Uint(bucket);
            w.Uint(n);
        }
        w.EndArray();
    }
    w.EndArray();
}

ocpp::Error bad(const std::string& where, const std::string& what) {
    return ocpp::Error{"timeseries" + (where.empty() ? "" : "." + where) + ": " + what, ocpp::ErrorKind::Invalid};
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

void ActionPoint::add(const ActionPoint& o) {
    for (auto field : kActionFields) {
        this->*field = clamp32(std::uint64_t{this->*field} + o.*field);
    }
    latency.add(o.latency);
}

void FleetPoint::add(const FleetPoint& later) {
    connected = later.connected;
    booted = later.booted;
    charging = later.charging;
    for (auto field : kFleetFields) {
        if (field != &FleetPoint::connected && field != &FleetPoint::booted && field != &FleetPoint::charging) {
            this->*field = clamp32(std::uint64_t{this->*field} + later.*field);
        }
    }
}

ActionPoint Series::all_at(std::size_t i) const {
    ActionPoint all;
    for (const auto& a : intervals[i].actions) {
        all.add(a);
    }
    return all;
}

std::size_t Series::memory_bytes() const {
    std::size_t n = sizeof(Series) + intervals.capacity() * sizeof(Interval);
    for (const auto& in : intervals) {
        n += in.actions.capacity() * sizeof(ActionPoint);
        for (const auto& a : in.actions) {
            n += a.latency.buckets.capacity() * sizeof(a.latency.buckets[0]);
        }
    }
    return n;
}

SeriesRecorder::SeriesRecorder(double interval_s, std::size_t max_intervals)
    : max_intervals_(std::max<std::size_t>(max_intervals, 2)) {
    series_.interval_s = interval_s;
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
        const std::size_t k = action_index(name);
        if (in.actions.size() <= k) {
            in.actions.resize(k + 1);
        }
        in.actions[k] = std::move(p);
    }
    previous_ = now;
    series_.intervals.push_back(std::move(in));
    if (series_.intervals.size() > max_intervals_) {
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
    auto& in = series_.intervals;
    std::vector<Interval> out;
    out.reserve(in.size() / 2 + 1);
    for (std::size_t i = 0; i < in.size(); i += 2) {
        Interval merged = std::move(in[i]);
        if (i + 1 < in.size()) {
            Interval& next = in[i + 1];
            merged.t_s = next.t_s;
            merged.fleet.add(next.fleet);
            if (merged.actions.size() < next.actions.size()) {
                merged.actions.resize(next.actions.size());
            }
            for (std::size_t k = 0; k < next.actions.size(); ++k) {
                merged.actions[k].add(next.actions[k]);
            }
        }
        out.push_back(std::move(merged));
    }
    in = std::move(out);
    series_.interval_s *= 2;
}

void write_series(JsonWriter& w, const Series& s) {
    w.StartObject();
    w.Key("interval_s");
    w.Double(s.interval_s);
    w.Key("fleet_columns");
    w.StartArray();
    for (const char* c : kFleetColumns) {
        w.String(c);
    }
    w.EndArray();
    w.Key("fleet");
    w.StartArray();
    for (const auto& in : s.intervals) {
        w.StartArray();
        w.Double(in.t_s);
        for (auto field : kFleetFields) {
            w.Uint(in.fleet.*field);
        }
        w.EndArray();
    }
    w.EndArray();
    w.Key("action_columns");
    w.StartArray();
    for (const char* c : kActionColumns) {
        w.String(c);
    }
    w.EndArray();
    w.Key("actions");
    w.StartObject();
    for (std::size_t k = 0; k < s.actions.size(); ++k) {
        w.Key(s.actions[k]);
        w.StartArray();
        for (const auto& in : s.intervals) {
            if (k < in.actions.size() && !(in.actions[k].empty() && in.actions[k].latency.buckets.empty())) {
                write_row(w, in.t_s, in.actions[k], true);
            }
        }
        w.EndArray();
    }
    w.EndObject();
    w.Key("all"); // every interval, all actions together (the sketches are in the per-action rows)
    w.StartArray();
    for (std::size_t i = 0; i < s.intervals.size(); ++i) {
        write_row(w, s.intervals[i].t_s, s.all_at(i), false);
    }
    w.EndArray();
    w.Key("markers");
    w.StartArray();
    for (const auto& m : s.markers) {
        w.StartObject();
        w.Key("t");
        w.Double(m.t_s);
        w.Key("until");
        w.Double(m.until_s);
        w.Key("kind");
        w.String(m.kind);
        w.Key("text");
        w.String(m.text);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

namespace {

std::optional<std::uint32_t> count_at(const rapidjson::Value& row, rapidjson::SizeType i) {
    if (i >= row.Size() || !row[i].IsUint()) {
        return std::nullopt;
    }
    return row[i].GetUint();
}

std::size_t index_of(double t, double interval) {
    return static_cast<std::size_t>(std::max(0.0, std::ceil(t / interval - 1e-6) - 1.0));
}

} // namespace

ocpp::Result<Series> read_series(const rapidjson::Value& v) {
    if (!v.IsObject()) {
        return bad("", "expected an object");
    }
    Series s;
    if (!v.HasMember("interval_s") || !v["interval_s"].IsNumber() || v["interval_s"].GetDouble() <= 0) {
        return bad("interval_s", "expected a positive number");
    }
    s.interval_s = v["interval_s"].GetDouble();
    if (!v.HasMember("fleet") || !v["fleet"].IsArray()) {
        return bad("fleet", "expected an array of rows");
    }
    constexpr std::size_t kMaxRows = 1'000'000;
    if (v["fleet"].Size() > kMaxRows) {
        return bad("fleet", "more than " + std::to_string(kMaxRows) + " rows");
    }
    for (const auto& row : v["fleet"].GetArray()) {
        if (!row.IsArray() || row.Size() != kFleetCount || !row[0].IsNumber()) {
            return bad("fleet[" + std::to_string(s.intervals.size()) + "]",
                       "expected " + std::to_string(kFleetCount) + " numbers");
        }
        Interval in;
        in.t_s = row[0].GetDouble();
        for (rapidjson::SizeType c = 1; c < kFleetCount; ++c) {
            auto n = count_at(row, c);
            if (!n) {
                return bad("fleet[" + std::to_string(s.intervals.size()) + "][" + std::to_string(c) + "]",
                           "expected a count");
            }
            in.fleet.*kFleetFields[c - 1] = *n;
        }
        s.intervals.push_back(std::move(in));
    }
    if (!v.HasMember("actions") || !v["actions"].IsObject()) {
        return bad("actions", "expected an object of action names");
    }
    std::map<double, std::size_t> position; // an action row belongs to the fleet row of the same t
    for (std::size_t i = 0; i < s.intervals.size(); ++i) {
        position.emplace(s.intervals[i].t_s, i);
    }
    for (const auto& m : v["actions"].GetObject()) {
        const std::string name = m.name.GetString();
        if (!m.value.IsArray()) {
            return bad("actions." + name, "expected an array of rows");
        }
        const std::size_t k = s.actions.size();
        s.actions.push_back(name);
        for (const auto& row : m.value.GetArray()) {
            if (!row.IsArray() || row.Size() != kActionCount || !row[0].IsNumber() ||
                !row[kActionCount - 1].IsArray()) {
                return bad("actions." + name, "expected rows of " + std::to_string(kActionCount) + " values");
            }
            const auto at = position.find(row[0].GetDouble());
            const std::size_t i = at == position.end() ? s.intervals.size() : at->second;
            if (i >= s.intervals.size()) {
                return bad("actions." + name,
                           "a row at t " + std::to_string(row[0].GetDouble()) + " that no fleet row has");
            }
            ActionPoint p;
            for (rapidjson::SizeType c = 1; c <= 5; ++c) {
                auto n = count_at(row, c);
                if (!n) {
                    return bad("actions." + name, "expected counts in columns 1 to 5");
                }
                p.*kActionFields[c - 1] = *n;
            }
            const auto& sk = row[kActionCount - 1];
            for (rapidjson::SizeType j = 0; j + 1 < sk.Size(); j += 2) {
                if (!sk[j].IsUint() || sk[j].GetUint() >= LatencyHistogram::kBucketCount || !sk[j + 1].IsUint() ||
                    (!p.latency.buckets.empty() && p.latency.buckets.back().first >= sk[j].GetUint())) {
                    return bad("actions." + name, "a sketch of (bucket, count) pairs, buckets ascending");
                }
                p.latency.buckets.emplace_back(static_cast<std::uint16_t>(sk[j].GetUint()), sk[j + 1].GetUint());
            }
            auto& actions = s.intervals[i].actions;
            if (actions.size() <= k) {
                actions.resize(k + 1);
            }
            actions[k].add(p);
        }
    }
    if (v.HasMember("markers") && v["markers"].IsArray()) {
        for (const auto& m : v["markers"].GetArray()) {
            if (!m.IsObject() || !m.HasMember("t") || !m["t"].IsNumber() || !m.HasMember("kind") ||
                !m["kind"].IsString()) {
                return bad("markers", "expected objects with t and kind");
            }
            Marker mk;
            mk.t_s = m["t"].GetDouble();
            mk.until_s = m.HasMember("until") && m["until"].IsNumber() ? m["until"].GetDouble() : mk.t_s;
            mk.kind = m["kind"].GetString();
            mk.text = m.HasMember("text") && m["text"].IsString() ? m["text"].GetString() : "";
            s.markers.push_back(std::move(mk));
        }
    }
    return s;
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
    for (const auto& s : shards) {
        for (const auto& in : s.intervals) {
            const std::size_t i = index_of(in.t_s, out.interval_s);
            while (out.intervals.size() <= i) {
                Interval blank;
                blank.t_s = static_cast<double>(out.intervals.size() + 1) * out.interval_s;
                out.intervals.push_back(std::move(blank));
            }
            Interval& target = out.intervals[i];
            FleetPoint gauges = target.fleet; // gauges of shards add up too: they are different chargers
            target.fleet.add(in.fleet);
            target.fleet.connected = gauges.connected + in.fleet.connected;
            target.fleet.booted = gauges.booted + in.fleet.booted;
            target.fleet.charging = gauges.charging + in.fleet.charging;
            for (std::size_t k = 0; k < in.actions.size(); ++k) {
                const auto it = std::find(out.actions.begin(), out.actions.end(), s.actions[k]);
                const auto j = static_cast<std::size_t>(it - out.actions.begin());
                if (it == out.actions.end()) {
                    out.actions.push_back(s.actions[k]);
                }
                if (target.actions.size() <= j) {
                    target.actions.resize(j + 1);
                }
                target.actions[j].add(in.actions[k]);
            }
        }
        if (&s == &shards.front()) {
            out.markers = s.markers;
        }
    }
    return out;
}

} // namespace sim
