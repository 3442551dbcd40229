// The time series as JSON: compact rows of numbers under named columns, the per-action rows with their sketches.
#include <cmath>
#include <cstdio>
#include <map>

#include "simulator/fleet/timeseries.hpp"

namespace sim {

namespace {

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

bool valid_t(double t, double last_t) {
    return std::isfinite(t) && t >= 0 && t <= last_t;
}

std::string seconds(double t) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.0f", t);
    return buf;
}

std::optional<std::uint32_t> count_at(const rapidjson::Value& row, rapidjson::SizeType i) {
    if (i >= row.Size() || !row[i].IsUint()) {
        return std::nullopt;
    }
    return row[i].GetUint();
}

} // namespace

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
            const ActionPoint* p = in.action(k);
            if (p && !(p->empty() && p->latency.buckets.empty())) {
                write_row(w, in.t_s, *p, true);
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

ocpp::Result<Series> read_series(const rapidjson::Value& v) {
    if (!v.IsObject()) {
        return bad("", "expected an object");
    }
    Series s;
    // A tiny interval would make every per-second rate and every axis of the plots infinite.
    if (!v.HasMember("interval_s") || !v["interval_s"].IsNumber() || !std::isfinite(v["interval_s"].GetDouble()) ||
        v["interval_s"].GetDouble() < kMinIntervalS || v["interval_s"].GetDouble() > kMaxIntervalS) {
        return bad("interval_s", "expected a number of seconds from 0.001 to 86400");
    }
    s.interval_s = v["interval_s"].GetDouble();
    if (!v.HasMember("fleet") || !v["fleet"].IsArray()) {
        return bad("fleet", "expected an array of rows");
    }
    if (v["fleet"].Size() > kMaxSeriesRows) {
        return bad("fleet", "more than " + std::to_string(kMaxSeriesRows) + " rows");
    }
    const double last_t = static_cast<double>(kMaxSeriesRows) * s.interval_s;
    for (const auto& row : v["fleet"].GetArray()) {
        if (!row.IsArray() || row.Size() != kFleetCount || !row[0].IsNumber()) {
            return bad("fleet[" + std::to_string(s.intervals.size()) + "]",
                       "expected " + std::to_string(kFleetCount) + " numbers");
        }
        if (!valid_t(row[0].GetDouble(), last_t)) {
            return bad("fleet[" + std::to_string(s.intervals.size()) + "][0]",
                       "t must be a number of seconds from 0 to " + seconds(last_t));
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
    if (v["actions"].MemberCount() > kMaxSeriesActions) {
        return bad("actions", "more than " + std::to_string(kMaxSeriesActions) + " actions");
    }
    std::size_t action_rows = 0;
    for (const auto& m : v["actions"].GetObject()) {
        const std::string name = m.name.GetString();
        if (!m.value.IsArray()) {
            return bad("actions." + name, "expected an array of rows");
        }
        action_rows += m.value.Size();
        if (action_rows > kMaxSeriesActionRows) {
            return bad("actions", "more than " + std::to_string(kMaxSeriesActionRows) + " rows of all actions");
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
            ActionPoint& mine = s.intervals[i].action_at(k);
            mine.add(p);
            mine.latency.bound(); // a report of an older version may hold up to 1,024 buckets a row
        }
    }
    if (v.HasMember("markers") && v["markers"].IsArray()) {
        if (v["markers"].Size() > kMaxSeriesMarkers) {
            return bad("markers", "more than " + std::to_string(kMaxSeriesMarkers) + " markers");
        }
        for (const auto& m : v["markers"].GetArray()) {
            if (!m.IsObject() || !m.HasMember("t") || !m["t"].IsNumber() || !m.HasMember("kind") ||
                !m["kind"].IsString()) {
                return bad("markers", "expected objects with t and kind");
            }
            Marker mk;
            mk.t_s = m["t"].GetDouble();
            mk.until_s = m.HasMember("until") && m["until"].IsNumber() ? m["until"].GetDouble() : mk.t_s;
            if (!valid_t(mk.t_s, last_t) || !valid_t(mk.until_s, last_t)) {
                return bad("markers", "t and until must be numbers of seconds from 0 to " + seconds(last_t));
            }
            mk.kind = m["kind"].GetString();
            mk.text = m.HasMember("text") && m["text"].IsString() ? m["text"].GetString() : "";
            s.markers.push_back(std::move(mk));
        }
    }
    return s;
}

} // namespace sim
