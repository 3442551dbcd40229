// `report merge`: the reports of the shards of one fleet (--shard i/n) as one report of the same format.
#include <algorithm>
#include <optional>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "ocpp/system/small_file.hpp"
#include "simulator/fleet/timeseries.hpp"
#include "simulator/report/compare.hpp"
#include "simulator/report/report_file.hpp"

namespace sim {

namespace {

using Alloc = rapidjson::Document::AllocatorType;

// Adds every number of `from` into `into`, member by member and through nested objects.
void add_numbers(rapidjson::Value& into, const rapidjson::Value& from, Alloc& alloc) {
    if (!into.IsObject() || !from.IsObject()) {
        return; // a shape this merge does not know stays as the first shard has it
    }
    for (const auto& m : from.GetObject()) {
        auto it = into.FindMember(m.name);
        if (it == into.MemberEnd()) {
            into.AddMember(rapidjson::Value(m.name, alloc), rapidjson::Value(m.value, alloc), alloc);
        } else if (m.value.IsUint64() && it->value.IsUint64()) {
            it->value.SetUint64(it->value.GetUint64() + m.value.GetUint64());
        } else if (m.value.IsObject() && it->value.IsObject()) {
            add_numbers(it->value, m.value, alloc);
        }
    }
}

Sketch sketch_of(const rapidjson::Value& action) {
    Sketch s;
    const rapidjson::Value* lat = object_at(action, "latency_ms");
    if (!lat || !lat->HasMember("sketch") || !(*lat)["sketch"].IsArray()) {
        return s;
    }
    const auto& a = (*lat)["sketch"];
    for (rapidjson::SizeType i = 0; i + 1 < a.Size(); i += 2) {
        if (a[i].IsUint() && a[i + 1].IsUint() && a[i].GetUint() < LatencyHistogram::kBucketCount &&
            (s.buckets.empty() || s.buckets.back().first < a[i].GetUint())) {
            s.buckets.emplace_back(static_cast<std::uint16_t>(a[i].GetUint()), a[i + 1].GetUint());
        }
    }
    return s;
}

// Rewrites latency_ms of an action object from a merged sketch; `max` and `mean` come from the shards' own.
void set_latency(rapidjson::Value& action, const Sketch& sketch, double max, double mean, Alloc& alloc) {
    rapidjson::Value lat(rapidjson::kObjectType);
    lat.AddMember("count", sketch.count(), alloc);
    lat.AddMember("p50", sketch.quantile_ms(0.50), alloc);
    lat.AddMember("p95", sketch.quantile_ms(0.95), alloc);
    lat.AddMember("p99", sketch.quantile_ms(0.99), alloc);
    lat.AddMember("max", max, alloc);
    lat.AddMember("mean", mean, alloc);
    rapidjson::Value buckets(rapidjson::kArrayType);
    for (const auto& [bucket, n] : sketch.buckets) {
        buckets.PushBack(static_cast<unsigned>(bucket), alloc).PushBack(n, alloc);
    }
    lat.AddMember("sketch", buckets, alloc);
    if (action.HasMember("latency_ms")) {
        action["latency_ms"] = lat;
    } else {
        action.AddMember("latency_ms", lat, alloc);
    }
}

struct LatencyTotals {
    Sketch sketch;
    double max = 0, weighted_mean = 0;
    void add(const rapidjson::Value& action) {
        sketch.add(sketch_of(action));
        if (const rapidjson::Value* lat = object_at(action, "latency_ms")) {
            max = std::max(max, number_at(*lat, "max"));
            weighted_mean += number_at(*lat, "mean") * number_at(*lat, "count");
        }
    }
    double mean() const { return sketch.count() ? weighted_mean / static_cast<double>(sketch.count()) : 0; }
};

void keep(rapidjson::Value& doc, const char* key, const rapidjson::Value& other, bool larger, Alloc& alloc) {
    if (!other.HasMember(key) || !other[key].IsString()) {
        return;
    }
    const std::string theirs = other[key].GetString();
    if (!doc.HasMember(key) || !doc[key].IsString() ||
        (larger ? theirs > doc[key].GetString() : theirs < doc[key].GetString())) {
        doc.RemoveMember(key);
        doc.AddMember(rapidjson::StringRef(key), rapidjson::Value(theirs.c_str(), alloc), alloc);
    }
}

void set_number(rapidjson::Value& doc, const char* key, double v, Alloc& alloc) {
    doc.RemoveMember(key);
    doc.AddMember(rapidjson::StringRef(key), v, alloc);
}

} // namespace

ocpp::Result<std::vector<rapidjson::Document>> load_reports(const std::vector<std::string>& files,
                                                            std::size_t max_total_bytes) {
    std::vector<rapidjson::Document> docs;
    std::size_t total = 0;
    for (const auto& f : files) {
        auto text = ocpp::read_small_file(f, kMaxReportBytes);
        if (!text) {
            return ocpp::make_error(text.error().kind, f + ": " + text.error().message);
        }
        total += text->size();
        if (total > max_total_bytes) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid, "merge: " + f + " brings the reports to " +
                                                                  std::to_string(total) + " bytes, more than the " +
                                                                  std::to_string(max_total_bytes) +
                                                                  " bytes one merge reads; merge them in groups");
        }
        auto d = parse_report(*text, f);
        if (!d) {
            return d.error();
        }
        docs.push_back(std::move(*d));
    }
    return docs;
}

ocpp::Result<std::string> merge_reports(const std::vector<rapidjson::Document>& shards,
                                        const std::vector<std::string>& names) {
    if (shards.empty()) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, "report merge: no reports to merge");
    }
    rapidjson::Document out;
    Alloc& alloc = out.GetAllocator();
    out.CopyFrom(shards[0], alloc);
    std::map<std::string, LatencyTotals> latency;
    LatencyTotals all;
    std::vector<Series> series;
    std::optional<std::size_t> with_series, without_series; // a shard of each kind, for the message
    for (std::size_t i = 0; i < shards.size(); ++i) {
        const auto& d = shards[i];
        for (const auto& m : d["actions"].GetObject()) {
            latency[m.name.GetString()].add(m.value);
            all.add(m.value);
        }
        if (d.HasMember("timeseries") && !d["timeseries"].IsNull()) {
            auto s = read_series(d["timeseries"]);
            if (!s) {
                return ocpp::make_error(ocpp::ErrorKind::Invalid, names[i] + ": " + s.error().message);
            }
            series.push_back(std::move(*s));
            with_series = with_series.value_or(i);
        } else {
            without_series = without_series.value_or(i);
        }
        if (with_series && without_series) {
            // Shard 1's series beside totals of every shard would plot a part of the fleet as if it were the whole.
            return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                    "report merge: " + names[*with_series] + " has a time series but " +
                                        names[*without_series] +
                                        " has none (run with --timeseries off); merge reports that all have one, "
                                        "or none");
        }
        if (i == 0) {
            continue;
        }
        for (const char* group :
             {"actions", "calls_answered", "chargers", "connections", "boots", "sessions", "offline", "firmware"}) {
            if (const rapidjson::Value* g = object_at(d, group)) {
                if (!out.HasMember(group)) {
                    out.AddMember(rapidjson::StringRef(group), rapidjson::Value(rapidjson::kObjectType), alloc);
                }
                add_numbers(out[group], *g, alloc); // nothing when the first shard's is not an object
            }
        }
        for (const char* total : {"total_sent", "total_errors"}) {
            if (out.HasMember(total) && out[total].IsUint64() && d.HasMember(total) && d[total].IsUint64()) {
                out[total].SetUint64(out[total].GetUint64() + d[total].GetUint64());
            }
        }
        set_number(out, "duration_s", std::max(number_at(out, "duration_s"), number_at(d, "duration_s")), alloc);
        keep(out, "started", d, false, alloc);
        keep(out, "ended", d, true, alloc);
        if (d.HasMember("interrupted") && d["interrupted"].IsTrue()) {
            out.RemoveMember("interrupted");
            out.AddMember("interrupted", true, alloc);
        }
        const rapidjson::Value* theirs = object_at(d, "thresholds");
        if (object_at(out, "thresholds") && theirs && theirs->HasMember("passed") && (*theirs)["passed"].IsFalse()) {
            out["thresholds"].RemoveMember("passed");
            out["thresholds"].AddMember("passed", false, alloc);
        }
    }
    for (auto& m : out["actions"].GetObject()) {
        const LatencyTotals& t = latency[m.name.GetString()];
        set_latency(m.value, t.sketch, t.max, t.mean(), alloc);
    }
    if (out.HasMember("all_actions") && out["all_actions"].IsObject()) {
        rapidjson::Value sum(rapidjson::kObjectType);
        for (const auto& m : out["actions"].GetObject()) {
            rapidjson::Value counts(rapidjson::kObjectType);
            for (const char* key : {"sent", "ok", "call_errors", "timeouts", "failed"}) {
                if (m.value.HasMember(key)) {
                    counts.AddMember(rapidjson::StringRef(key), rapidjson::Value(m.value[key], alloc), alloc);
                }
            }
            add_numbers(sum, counts, alloc);
        }
        set_latency(sum, all.sketch, all.max, all.mean(), alloc);
        out["all_actions"] = sum;
    }
    rapidjson::Value merged_from(rapidjson::kArrayType);
    for (const auto& n : names) {
        merged_from.PushBack(rapidjson::Value(n.c_str(), alloc), alloc);
    }
    out.RemoveMember("merged_from");
    out.AddMember("merged_from", merged_from, alloc);
    if (series.size() == shards.size()) {
        const Series merged = merge_series(series);
        std::size_t action_rows = 0;
        for (const auto& in : merged.intervals) {
            action_rows += in.actions.size();
        }
        // Shards of different actions could add up to a series no report command would read back.
        if (merged.actions.size() > kMaxSeriesActions || action_rows > kMaxSeriesActionRows) {
            return ocpp::make_error(
                ocpp::ErrorKind::Invalid,
                "report merge: the merged time series would have " + std::to_string(merged.actions.size()) +
                    " actions and " + std::to_string(action_rows) + " action rows, more than a report holds (" +
                    std::to_string(kMaxSeriesActions) + " and " + std::to_string(kMaxSeriesActionRows) + ")");
        }
        rapidjson::StringBuffer buffer;
        JsonWriter w(buffer);
        write_series(w, merged);
        rapidjson::Document ts(&alloc);
        ts.Parse(buffer.GetString(), buffer.GetSize());
        out["timeseries"] = static_cast<rapidjson::Value&>(ts);
    }
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.SetIndent(' ', 2);
    w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    out.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

} // namespace sim
