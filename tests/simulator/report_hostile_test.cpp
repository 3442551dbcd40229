// Hostile report files given to `report html|compare|merge`: each gets a clear error naming the field, never an
// endless loop, an unbounded allocation, a stack overflow or unescaped markup.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "simulator/fleet/timeseries.hpp"
#include "simulator/report/compare.hpp"
#include "simulator/report/html.hpp"
#include "simulator/report/report_file.hpp"
#include "simulator/report/svg.hpp"
#include "tests/support/run_binary.hpp"

namespace sim {
namespace {

// A report of the current format whose time series has `interval`, one fleet row at `t` and `actions` as given.
std::string report_with(const std::string& interval, const std::string& t, const std::string& actions = "{}",
                        const std::string& extra = "") {
    return R"({"tool": "ocpp-simulator", "format_version": 2, "actions": {"Heartbeat": {"sent": 1}},)" + extra +
           R"( "timeseries": {"interval_s": )" + interval + R"(, "fleet": [[)" + t +
           R"(, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]], "actions": )" + actions + R"(, "markers": []}})";
}

std::string error_of(const std::string& text) {
    auto doc = parse_report(text, "hostile.json");
    if (!doc) {
        return doc.error().message;
    }
    auto page = render_html(*doc);
    return page ? "" : page.error().message;
}

TEST(ReportHostile, IntervalMustBeFiniteAndSensible) {
    for (const char* interval : {"1e-300", "0.0001", "-1", "0", "1e9", "\"1\""}) {
        const std::string err = error_of(report_with(interval, "1"));
        EXPECT_NE(err.find("timeseries.interval_s: expected a number of seconds from 0.001 to 86400"),
                  std::string::npos)
            << interval << ": " << err;
    }
    EXPECT_EQ(error_of(report_with("0.001", "0.001")), "");
    EXPECT_EQ(error_of(report_with("86400", "86400")), "");
}

TEST(ReportHostile, RowTimeMustBeFiniteAndWithinTheRows) {
    for (const char* t : {"1e12", "-1", "8193"}) {
        const std::string err = error_of(report_with("1", t));
        EXPECT_NE(err.find("timeseries.fleet[0][0]: t must be a number of seconds from 0 to 8192"), std::string::npos)
            << t << ": " << err;
    }
    const std::string marker =
        R"({"tool": "ocpp-simulator", "format_version": 2, "actions": {}, "timeseries": {"interval_s": 1,
        "fleet": [], "actions": {}, "markers": [{"t": 1e300, "kind": "fault"}]}})";
    EXPECT_NE(error_of(marker).find("timeseries.markers: t and until must be"), std::string::npos);
}

TEST(ReportHostile, MergeOfAFarRowIsRefusedQuickly) {
    ocppkit::test::ScratchDir dir;
    const std::string good = dir.file("good.json", report_with("1", "1"));
    const std::string far = dir.file("far.json", report_with("1", "1e12"));
    testing::internal::CaptureStderr();
    EXPECT_EQ(report_main({"merge", good, far, "-o", dir.path + "/m.json"}), 2);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("far.json: timeseries.fleet[0][0]: t must be"), std::string::npos) << err;
}

TEST(ReportHostile, MergeSeriesSkipsIndexesBeyondTheRows) {
    Series far;
    Interval in;
    in.t_s = 1e15; // built in code, not read: read_series refuses it
    far.intervals.push_back(in);
    in.t_s = std::numeric_limits<double>::infinity();
    far.intervals.push_back(in);
    in.t_s = 2;
    in.fleet.connected = 7;
    far.intervals.push_back(in);
    const Series merged = merge_series({far, far});
    ASSERT_EQ(merged.intervals.size(), 2u);
    EXPECT_EQ(merged.intervals[1].fleet.connected, 14u);
}

TEST(ReportHostile, DeepNestingIsAnErrorNotACrash) {
    const std::string deep = std::string(2'000'000, '[') + std::string(2'000'000, ']');
    auto doc = parse_report(deep, "deep.json");
    ASSERT_FALSE(doc);
    EXPECT_NE(doc.error().message.find("deep.json: nested deeper than 32 levels"), std::string::npos)
        << doc.error().message;
    const std::string in_options =
        report_with("1", "1", "{}", R"( "options": {"x": )" + std::string(40, '[') + std::string(40, ']') + "},");
    EXPECT_NE(error_of(in_options).find("nested deeper than 32 levels"), std::string::npos);
}

TEST(ReportHostile, NestedSettingsShowAsTextToALimitedDepth) {
    const std::string nested = report_with("1", "1", "{}", R"( "options": {"x": [1, [2, [3, [4, [5, [6]]]]]]},)");
    auto doc = parse_report(nested, "n.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto page = render_html(*doc);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_NE(page->find("<b>x</b> 1, 2, 3, 4, …"), std::string::npos);
}

TEST(ReportHostile, GroupValuesAreEscaped) {
    const std::string text = report_with(
        "1", "1", "{}", R"( "boots": {"by_status": {"<script>x</script>": "<img src=x onerror=alert(1)>"}},)");
    auto doc = parse_report(text, "x.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto page = render_html(*doc);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->find("<script"), std::string::npos);
    EXPECT_EQ(page->find("<img"), std::string::npos);
    EXPECT_NE(page->find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(ReportHostile, ActionNamesAndRowsAreBounded) {
    std::string actions = "{";
    for (std::size_t i = 0; i <= kMaxSeriesActions; ++i) {
        actions += (i ? ", \"A" : "\"A") + std::to_string(i) + "\": []";
    }
    actions += "}";
    EXPECT_NE(error_of(report_with("1", "1", actions))
                  .find("timeseries.actions: more than " + std::to_string(kMaxSeriesActions) + " actions"),
              std::string::npos);
    std::string rows = "{\"Heartbeat\": [";
    for (std::size_t i = 0; i <= kMaxSeriesActionRows; ++i) {
        rows += i ? ",[]" : "[]";
    }
    rows += "]}";
    EXPECT_NE(
        error_of(report_with("1", "1", rows))
            .find("timeseries.actions: more than " + std::to_string(kMaxSeriesActionRows) + " rows of all actions"),
        std::string::npos);
}

// A report whose time series has fleet rows at t = 1 .. rows, the given "actions" object and markers.
std::string report_of_rows(std::size_t rows, const std::string& actions, const std::string& markers = "[]") {
    std::string fleet;
    for (std::size_t t = 1; t <= rows; ++t) {
        fleet += (t > 1 ? ",[" : "[") + std::to_string(t) + ",1,1,0,0,0,0,0,0,0,0]";
    }
    return R"({"tool": "ocpp-simulator", "format_version": 2, "actions": {"Heartbeat": {"sent": 1}},
        "timeseries": {"interval_s": 1, "fleet": [)" +
           fleet + R"(], "actions": )" + actions + R"(, "markers": )" + markers + "}}";
}

std::string action_rows(std::size_t rows, const std::string& sketch = "[]") {
    std::string out;
    for (std::size_t t = 1; t <= rows; ++t) {
        out += (t > 1 ? ",[" : "[") + std::to_string(t) + ",1,1,0,0,0,1,1,1,1," + sketch + "]";
    }
    return "[" + out + "]";
}

TEST(ReportHostile, RowsAreBoundedNearWhatARunWrites) {
    EXPECT_NE(error_of(report_of_rows(kMaxSeriesRows + 1, "{}")).find("timeseries.fleet: more than 8192 rows"),
              std::string::npos);
    EXPECT_EQ(error_of(report_of_rows(kMaxSeriesRows, "{}")), "");
}

// Idle actions named before a busy one cost nothing in the rows: a row holds only the actions it has.
TEST(ReportHostile, IdleActionsTakeNoMemoryInTheRows) {
    std::string actions = "{";
    for (std::size_t k = 0; k + 1 < kMaxSeriesActions; ++k) {
        actions += "\"Idle" + std::to_string(k) + "\": [], ";
    }
    actions += "\"Busy\": " + action_rows(kMaxSeriesRows) + "}";
    auto doc = parse_report(report_of_rows(kMaxSeriesRows, actions), "idle.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto series = read_series((*doc)["timeseries"]);
    ASSERT_TRUE(series) << series.error().message;
    EXPECT_EQ(series->actions.size(), kMaxSeriesActions);
    EXPECT_LE(series->memory_bytes(), 4u * 1024 * 1024) << series->memory_bytes();
    auto page = render_html(*doc);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_LE(page->size(), 16u * 1024 * 1024);
}

// A row may name every bucket (a report of an older version could); what is kept of it is bounded.
TEST(ReportHostile, ARowsSketchIsKeptBounded) {
    std::string sketch = "[";
    for (int b = 0; b < LatencyHistogram::kBucketCount; ++b) {
        sketch += (b ? "," : "") + std::to_string(b) + ",7";
    }
    sketch += "]";
    auto doc = parse_report(report_of_rows(3, R"({"Heartbeat": )" + action_rows(3, sketch) + "}"), "wide.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto series = read_series((*doc)["timeseries"]);
    ASSERT_TRUE(series) << series.error().message;
    for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_NE(series->intervals[i].action(0), nullptr);
        EXPECT_LE(series->intervals[i].action(0)->latency.buckets.size(), kMaxSketchBuckets);
        EXPECT_EQ(series->intervals[i].action(0)->latency.count(), 7u * 1024);
    }
}

// Every marker on every chart of every action would make a page of hundreds of MiB.
TEST(ReportHostile, MarkersTimesChartsAreCapped) {
    std::string markers = "[";
    for (std::size_t i = 0; i < kMaxSeriesMarkers; ++i) {
        markers += (i ? "," : "") + std::string(R"({"t": )") + std::to_string(i % 8 + 1) +
                   R"(, "kind": "fault", "text": "a fault injected"})";
    }
    markers += "]";
    std::string actions = "{";
    for (std::size_t k = 0; k < kMaxSeriesActions; ++k) {
        actions += (k ? ", \"A" : "\"A") + std::to_string(k) + "\": " + action_rows(8);
    }
    actions += "}";
    auto doc = parse_report(report_of_rows(8, actions, markers), "markers.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto page = render_html(*doc);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_LE(page->size(), 16u * 1024 * 1024) << page->size();
    EXPECT_NE(page->find("and 9,980 more"), std::string::npos);
    EXPECT_NE(page->find(" of the 10,000 markers"), std::string::npos);
}

TEST(ReportHostile, ALargeFileIsRefusedBeforeItIsRead) {
    ocppkit::test::ScratchDir dir;
    const std::string big = dir.file("big.json", "");
    std::filesystem::resize_file(big, kMaxReportBytes + 1); // sparse: nothing is written
    auto doc = load_report(big);
    ASSERT_FALSE(doc);
    EXPECT_NE(doc.error().message.find("big.json"), std::string::npos) << doc.error().message;
    EXPECT_NE(doc.error().message.find("larger than " + std::to_string(kMaxReportBytes) + " bytes"), std::string::npos)
        << doc.error().message;
    EXPECT_LE(kMaxReportBytes, 32u * 1024 * 1024); // a run's report stays under 20 MiB
}

TEST(ReportHostile, MergeReadsAtMostItsBudget) {
    ocppkit::test::ScratchDir dir;
    const std::string one = report_with("1", "1");
    const std::string a = dir.file("a.json", one);
    const std::string b = dir.file("b.json", one);
    auto within = load_reports({a, b}, 2 * one.size());
    ASSERT_TRUE(within) << within.error().message;
    EXPECT_EQ(within->size(), 2u);
    auto past = load_reports({a, b}, 2 * one.size() - 1);
    ASSERT_FALSE(past);
    EXPECT_NE(past.error().message.find("merge: " + b + " brings the reports to " + std::to_string(2 * one.size()) +
                                        " bytes, more than the"),
              std::string::npos)
        << past.error().message;
    EXPECT_GE(kMaxMergeBytes, 8 * kMaxReportBytes);
}

TEST(ReportHostile, InfiniteValuesAreNotPlotted) {
    Chart chart{"Odd", "ms", 0, {}, {}};
    chart.lines.push_back(ChartLine{"p99", "#000", {{1, std::numeric_limits<double>::infinity()}}});
    EXPECT_NE(render_chart(chart).find("Not plotted: the values are not finite"), std::string::npos);
    chart.lines[0].points = {{std::numeric_limits<double>::max() * 2, 1}};
    EXPECT_NE(render_chart(chart).find("Not plotted"), std::string::npos);
}

} // namespace
} // namespace sim
