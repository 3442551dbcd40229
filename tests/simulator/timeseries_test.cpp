// The time series of a run: per-interval deltas and sketches, coarsening, JSON round trip, merging shards, and the
// bounds of an hour of a large fleet.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "simulator/fleet/report.hpp"
#include "simulator/fleet/timeseries.hpp"

namespace sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

void calls(Stats& s, const std::string& action, int n, milliseconds latency) {
    ActionStats& a = s.action(action);
    for (int i = 0; i < n; ++i) {
        ++a.sent;
        ++a.ok;
        a.latency.record(latency);
    }
}

std::string to_json(const Series& s) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    write_series(w, s);
    return buffer.GetString();
}

// The whole JSON report of a run with this series, as the run writes it.
std::string report_with(const Series& s, const Stats& totals) {
    RunSummary run;
    run.stats = totals;
    run.duration_s = 3600;
    run.series = s;
    return report_json(run, Options{}, {});
}

TEST(SeriesRecorder, IntervalsHoldTheirOwnCallsAndLatencies) {
    SeriesRecorder r;
    Stats s;
    calls(s, "Heartbeat", 100, milliseconds(1));
    s.connected = 10;
    s.connects = 10;
    r.record(1, s);
    calls(s, "Heartbeat", 50, milliseconds(100)); // the second second is slow
    s.connect_errors["refused"] = 3;
    r.record(2, s);

    const Series& series = r.series();
    ASSERT_EQ(series.intervals.size(), 2u);
    const ActionPoint first = series.all_at(0), second = series.all_at(1);
    EXPECT_EQ(first.sent, 100u);
    EXPECT_EQ(second.sent, 50u);
    EXPECT_NEAR(first.latency.quantile_ms(0.99), 1.0, 0.05);
    // The cumulative p50 would still be 1 ms; the interval's is its own 100 ms.
    EXPECT_NEAR(second.latency.quantile_ms(0.50), 100.0, 2.0);
    EXPECT_NEAR(*r.last_p99_ms(), 100.0, 2.0);
    EXPECT_EQ(series.intervals[0].fleet.connects, 10u);
    EXPECT_EQ(series.intervals[1].fleet.connects, 0u);
    EXPECT_EQ(series.intervals[1].fleet.connect_errors, 3u);
    EXPECT_EQ(series.intervals[1].fleet.connected, 10u);
}

TEST(SeriesRecorder, AnIdleIntervalHasNoP99) {
    SeriesRecorder r;
    Stats s;
    calls(s, "Heartbeat", 5, milliseconds(2));
    r.record(1, s);
    r.record(2, s);
    EXPECT_FALSE(r.last_p99_ms().has_value());
    EXPECT_EQ(r.series().all_at(1).sent, 0u);
}

TEST(SeriesRecorder, CoarsensPastItsLimitAndKeepsEveryCall) {
    SeriesRecorder r(1, 4);
    Stats s;
    for (int t = 1; t <= 10; ++t) {
        calls(s, "Heartbeat", t, milliseconds(t));
        r.record(t, s);
    }
    const Series& series = r.series();
    EXPECT_LE(series.intervals.size(), 4u);
    EXPECT_GT(series.interval_s, 1.0);
    std::uint64_t sent = 0;
    for (std::size_t i = 0; i < series.intervals.size(); ++i) {
        sent += series.all_at(i).sent;
    }
    EXPECT_EQ(sent, 55u);
    EXPECT_DOUBLE_EQ(series.intervals.back().t_s, 10.0);
}

TEST(Series, JsonRoundTripKeepsCountsSketchesAndMarkers) {
    SeriesRecorder r;
    Stats s;
    calls(s, "Heartbeat", 20, milliseconds(3));
    calls(s, "BootNotification", 2, milliseconds(40));
    s.charging = 4;
    r.record(1, s);
    calls(s, "Heartbeat", 7, milliseconds(9));
    r.record(2, s);
    r.mark(Marker{0, 1.5, "ramp", "2 chargers"});
    rapidjson::Document doc;
    doc.Parse(to_json(r.series()).c_str());
    auto back = read_series(doc);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->intervals.size(), 2u);
    EXPECT_EQ(back->actions.size(), 2u);
    EXPECT_EQ(back->all_at(0).sent, 22u);
    EXPECT_EQ(back->all_at(1).sent, 7u);
    EXPECT_EQ(back->intervals[0].fleet.charging, 4u);
    EXPECT_DOUBLE_EQ(back->all_at(1).latency.quantile_ms(0.5), r.series().all_at(1).latency.quantile_ms(0.5));
    ASSERT_EQ(back->markers.size(), 1u);
    EXPECT_EQ(back->markers[0].kind, "ramp");
    EXPECT_DOUBLE_EQ(back->markers[0].until_s, 1.5);
}

TEST(Series, ReadingBadJsonNamesTheField) {
    const std::pair<const char*, const char*> cases[] = {
        {R"([])", "timeseries: expected an object"},
        {R"({"fleet": []})", "timeseries.interval_s"},
        {R"({"interval_s": 1, "fleet": [[1, 2]]})", "timeseries.fleet[0]"},
        {R"({"interval_s": 1, "fleet": [], "actions": {}})", ""},
        {R"({"interval_s": 1, "fleet": [[1,0,0,0,0,0,0,0,0,0,0]], "actions": {"Heartbeat": [[2,1,1,0,0,0,1,1,1,1,[]]]}})",
         "timeseries.actions.Heartbeat: a row at t"},
        {R"({"interval_s": 1, "fleet": [[1,0,0,0,0,0,0,0,0,0,0]], "actions": {"Heartbeat": [[1,1,1,0,0,0,1,1,1,1,[5,1,4,1]]]}})",
         "buckets ascending"},
        {R"({"interval_s": 1, "fleet": [[1,0,0,0,0,0,0,0,0,0,0]], "actions": {"Heartbeat": [[1,-1,1,0,0,0,1,1,1,1,[]]]}})",
         "expected counts"},
    };
    for (const auto& [json, expected] : cases) {
        rapidjson::Document doc;
        doc.Parse(json);
        auto r = read_series(doc);
        if (std::string(expected).empty()) {
            EXPECT_TRUE(r) << json;
        } else {
            ASSERT_FALSE(r) << json;
            EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
        }
    }
}

TEST(Series, ShardsMergeByInterval) {
    SeriesRecorder a, b;
    Stats sa, sb;
    calls(sa, "Heartbeat", 10, milliseconds(1));
    sa.connected = 5;
    a.record(1, sa);
    calls(sb, "Heartbeat", 30, milliseconds(50));
    calls(sb, "StatusNotification", 4, milliseconds(2));
    sb.connected = 7;
    b.record(1, sb);
    calls(sb, "Heartbeat", 1, milliseconds(2));
    b.record(2, sb);
    const Series m = merge_series({a.series(), b.series()});
    ASSERT_EQ(m.intervals.size(), 2u);
    EXPECT_EQ(m.all_at(0).sent, 44u);
    EXPECT_EQ(m.all_at(1).sent, 1u);
    EXPECT_EQ(m.intervals[0].fleet.connected, 12u);
    EXPECT_NEAR(m.all_at(0).latency.quantile_ms(0.99), 50.0, 1.0);
    EXPECT_EQ(m.actions.size(), 2u);
}

// Past 4,000 s the interval doubles: every later second must add to its interval's row, so that every row covers one
// whole interval (a rate per second is its count over interval_s) and a gauge is its value at the row's end.
TEST(SeriesRecorder, PastTheFirstCoarseningEveryRowCoversAWholeInterval) {
    SeriesRecorder r;
    Stats s;
    constexpr int kSeconds = 9000; // coarsens at 4,001 s (to 2 s) and at 8,001 s (to 4 s)
    for (int t = 1; t <= kSeconds; ++t) {
        calls(s, "Heartbeat", 10, milliseconds(5));
        s.connected = static_cast<std::uint64_t>(t); // a gauge that tells which second it was taken at
        s.connects += 3;
        r.record(t, s);
    }
    const Series& series = r.series();
    ASSERT_DOUBLE_EQ(series.interval_s, 4.0);
    ASSERT_EQ(series.intervals.size(), static_cast<std::size_t>(kSeconds / 4));
    for (std::size_t i = 0; i < series.intervals.size(); ++i) {
        const Interval& in = series.intervals[i];
        ASSERT_DOUBLE_EQ(in.t_s, static_cast<double>(i + 1) * 4) << "row " << i;
        ASSERT_DOUBLE_EQ(series.length_of(i), 4.0) << "row " << i;
        const ActionPoint all = series.all_at(i);
        ASSERT_EQ(all.sent, 40u) << "row " << i;                               // 10 calls/s over 4 s
        ASSERT_DOUBLE_EQ(all.sent / series.length_of(i), 10.0) << "row " << i; // the rate the plots show
        ASSERT_EQ(in.fleet.connects, 12u) << "row " << i;
        ASSERT_EQ(in.fleet.connected, static_cast<std::uint32_t>(in.t_s)) << "row " << i; // at the row's end
        ASSERT_NEAR(all.latency.quantile_ms(0.99), 5.0, 0.1) << "row " << i;
    }
    // The stop: a last, partial interval is as long as it really was.
    calls(s, "Heartbeat", 5, milliseconds(5));
    r.record(kSeconds + 0.5, s);
    ASSERT_EQ(r.series().intervals.size(), static_cast<std::size_t>(kSeconds / 4 + 1));
    EXPECT_DOUBLE_EQ(r.series().length_of(r.series().intervals.size() - 1), 0.5);
    EXPECT_EQ(r.series().all_at(r.series().intervals.size() - 1).sent, 5u);
}

TEST(Series, CoarsenedShardsMergeWithTheirGaugesCountedOnce) {
    SeriesRecorder a, b;
    Stats sa, sb;
    for (int t = 1; t <= 5000; ++t) {
        calls(sa, "Heartbeat", 2, milliseconds(1));
        calls(sb, "Heartbeat", 3, milliseconds(1));
        sa.connected = 100;
        sb.connected = 50;
        a.record(t, sa);
        if (t <= 3000) { // a shard that ended early still has 1 s intervals: its rows fold into the merge's 2 s
            b.record(t, sb);
        }
    }
    ASSERT_DOUBLE_EQ(a.series().interval_s, 2.0);
    ASSERT_DOUBLE_EQ(b.series().interval_s, 1.0);
    const Series m = merge_series({a.series(), b.series()});
    EXPECT_DOUBLE_EQ(m.interval_s, 2.0);
    ASSERT_EQ(m.intervals.size(), 2500u);
    for (std::size_t i = 0; i < m.intervals.size(); ++i) {
        const bool both = i < 1500;
        ASSERT_DOUBLE_EQ(m.intervals[i].t_s, static_cast<double>(i + 1) * 2) << "row " << i;
        ASSERT_EQ(m.all_at(i).sent, both ? 10u : 4u) << "row " << i;
        ASSERT_EQ(m.intervals[i].fleet.connected, both ? 150u : 100u) << "row " << i;
    }
}

TEST(Sketch, AWideSpreadIsKeptAtACoarserResolution) {
    LatencyHistogram h;
    for (int k = 0; k < 150; ++k) { // 150 distinct latencies from 0.2 ms to ~2 s: 150 occupied buckets
        h.record(microseconds(200 + static_cast<std::int64_t>(k) * k * 89));
    }
    Sketch s = to_sketch(h);
    ASSERT_GE(s.buckets.size(), 120u);
    s.bound();
    EXPECT_LE(s.buckets.size(), kMaxSketchBuckets);
    EXPECT_EQ(s.count(), 150u);
    for (double q : {0.5, 0.9, 0.99}) {
        EXPECT_NEAR(s.quantile_ms(q), h.quantile_ms(q), h.quantile_ms(q) * 0.13) << q;
    }
    // Every bucket at once: two per power of two always fit.
    LatencyHistogram every;
    for (int b = 0; b < LatencyHistogram::kBucketCount; ++b) {
        every.add_bucket(b, 1);
    }
    Sketch widest = to_sketch(every);
    widest.bound();
    EXPECT_LE(widest.buckets.size(), kMaxSketchBuckets);
    EXPECT_EQ(widest.count(), 1024u);
    // A narrow sketch keeps its full resolution.
    Sketch narrow;
    narrow.buckets = {{400, 1}, {401, 2}, {430, 3}};
    narrow.bound();
    EXPECT_EQ(narrow.buckets.size(), 3u);
}

// An hour of 10,000 chargers in throughput mode: six actions answered every second, with `fill` putting each
// second's latencies into the histograms. The series must stay within 64 MiB of memory and the whole JSON report
// within 20 MiB.
template <typename Fill> void hour_within_bounds(const char* what, Fill fill) {
    SeriesRecorder r;
    Stats s;
    const char* actions[] = {"Heartbeat", "StatusNotification", "MeterValues",
                             "Authorize", "StartTransaction",   "StopTransaction"};
    for (int t = 1; t <= 3600; ++t) {
        for (const char* a : actions) {
            ActionStats& st = s.action(a);
            fill(st.latency, t);
            st.sent += 2000;
            st.ok += 2000;
        }
        s.connected = s.booted = 10'000;
        r.record(t, s);
    }
    const std::size_t memory = r.series().memory_bytes();
    const std::size_t json = report_with(r.series(), s).size();
    std::printf("hour of 10,000 chargers, %s: series %.1f MiB in memory, %.1f MiB of JSON\n", what, memory / 1048576.0,
                json / 1048576.0);
    EXPECT_EQ(r.series().intervals.size(), 3600u);
    EXPECT_LE(memory, 64u * 1024 * 1024);
    EXPECT_LE(json, 20u * 1024 * 1024);
}

TEST(Series, AnHourOfTenThousandChargersFitsItsBounds) {
    // 60 distinct latencies from 0.2 ms to ~2 s each second.
    hour_within_bounds("60 latencies per action-second", [](LatencyHistogram& h, int t) {
        for (int k = 0; k < 60; ++k) {
            h.record(microseconds(200 + (k * k * 577 + t * 31) % 2'000'000));
        }
    });
    // The worst case: every one of the 1,024 buckets occupied in every action-second, with counts of five digits.
    hour_within_bounds("every bucket in every action-second", [](LatencyHistogram& h, int) {
        for (int b = 0; b < LatencyHistogram::kBucketCount; ++b) {
            h.add_bucket(b, 997);
        }
    });
}

} // namespace
} // namespace sim
