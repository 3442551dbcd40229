// `ocpp-simulator report html|compare|merge` on saved reports: the numbers, the exit codes and the messages, and
// every bad input (missing, corrupt, of another format version).
#include <gtest/gtest.h>

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "simulator/fleet/report.hpp"
#include "simulator/report/compare.hpp"
#include "simulator/report/html.hpp"
#include "simulator/report/report_file.hpp"
#include "tests/support/run_binary.hpp"

namespace sim {
namespace {

using std::chrono::milliseconds;

// A run of `seconds` whose Heartbeats are answered `per_s` per second in `latency`, with its time series.
std::string report_of(int seconds, int per_s, milliseconds latency, int shard = 1) {
    RunSummary run;
    run.chargers = 10;
    run.started = std::chrono::system_clock::time_point{std::chrono::seconds{1767225600}};
    run.ended = run.started + std::chrono::seconds(seconds);
    run.duration_s = seconds;
    SeriesRecorder recorder;
    for (int t = 1; t <= seconds; ++t) {
        ActionStats& hb = run.stats.action("Heartbeat");
        for (int i = 0; i < per_s; ++i) {
            ++hb.sent;
            ++hb.ok;
            hb.latency.record(latency);
        }
        if (t == 1) {
            ActionStats& boot = run.stats.action("BootNotification");
            boot.sent = boot.ok = 10;
            for (int i = 0; i < 10; ++i) {
                boot.latency.record(milliseconds(2));
            }
            run.stats.boots_accepted = 10;
        }
        run.stats.connected = run.stats.booted = 10;
        recorder.record(t, run.stats);
    }
    recorder.mark(Marker{0, 1, "ramp", "10 chargers started at 200/s"});
    run.series = recorder.series();
    Options options;
    options.url = "ws://127.0.0.1:9/ocpp";
    options.shard = Shard{static_cast<std::uint64_t>(shard), 2};
    return report_json(run, options, {});
}

rapidjson::Document parsed(const std::string& text) {
    auto d = parse_report(text, "test");
    EXPECT_TRUE(d) << (d ? "" : d.error().message);
    return std::move(*d);
}

TEST(ReportCompare, PrintsEachActionsChange) {
    const auto base = parsed(report_of(10, 100, milliseconds(10)));
    const auto next = parsed(report_of(10, 80, milliseconds(12)));
    const Comparison c = compare_reports(base, next, {});
    EXPECT_NE(c.table.find("Heartbeat"), std::string::npos) << c.table;
    EXPECT_NE(c.table.find("100.0"), std::string::npos) << c.table;
    EXPECT_NE(c.table.find("80.0"), std::string::npos) << c.table;
    EXPECT_NE(c.table.find("-20.0 %"), std::string::npos) << c.table;
    EXPECT_NE(c.table.find("BootNotification"), std::string::npos);
    EXPECT_NE(c.table.find("\nall "), std::string::npos);
    EXPECT_TRUE(c.failures.empty());
}

TEST(ReportCompare, ThresholdsFailTheComparison) {
    const auto base = parsed(report_of(10, 100, milliseconds(10)));
    const auto slower = parsed(report_of(10, 100, milliseconds(15)));
    const auto fewer = parsed(report_of(10, 50, milliseconds(10)));
    CompareLimits p99;
    p99.max_p99_regression_pct = 20;
    auto c = compare_reports(base, slower, p99);
    ASSERT_EQ(c.failures.size(), 2u); // Heartbeat and all
    EXPECT_NE(c.failures[0].find("Heartbeat: p99"), std::string::npos) << c.failures[0];
    EXPECT_NE(c.failures[0].find("--max-p99-regression 20.0 %"), std::string::npos) << c.failures[0];
    p99.max_p99_regression_pct = 60; // +50 % is within
    EXPECT_TRUE(compare_reports(base, slower, p99).failures.empty());

    CompareLimits drop;
    drop.max_throughput_drop_pct = 10;
    c = compare_reports(base, fewer, drop);
    ASSERT_FALSE(c.failures.empty());
    EXPECT_NE(c.failures[0].find("--max-throughput-drop 10.0 %"), std::string::npos) << c.failures[0];
    drop.max_throughput_drop_pct = 60;
    EXPECT_TRUE(compare_reports(base, fewer, drop).failures.empty());
}

TEST(ReportMerge, ShardsAddUpWithLatencyFromTheSketches) {
    std::vector<rapidjson::Document> docs;
    docs.push_back(parsed(report_of(5, 10, milliseconds(1), 1)));
    docs.push_back(parsed(report_of(5, 10, milliseconds(100), 2)));
    auto merged = merge_reports(docs, {"a.json", "b.json"});
    ASSERT_TRUE(merged) << merged.error().message;
    const auto m = parsed(*merged);
    EXPECT_EQ(m["actions"]["Heartbeat"]["sent"].GetUint64(), 100u);
    EXPECT_EQ(m["actions"]["BootNotification"]["ok"].GetUint64(), 20u);
    EXPECT_EQ(m["all_actions"]["sent"].GetUint64(), 120u);
    EXPECT_EQ(m["boots"]["accepted"].GetUint64(), 20u);
    EXPECT_EQ(m["chargers"]["planned"].GetUint64(), 20u);
    // Half the Heartbeats took 1 ms, half 100 ms: the p99 of the merge is the slow shard's.
    EXPECT_NEAR(m["actions"]["Heartbeat"]["latency_ms"]["p99"].GetDouble(), 100.0, 2.0);
    EXPECT_NEAR(m["actions"]["Heartbeat"]["latency_ms"]["p50"].GetDouble(), 1.0, 0.1);
    auto series = read_series(m["timeseries"]);
    ASSERT_TRUE(series) << series.error().message;
    ASSERT_EQ(series->intervals.size(), 5u);
    EXPECT_EQ(series->all_at(2).sent, 20u);
    EXPECT_EQ(series->intervals[2].fleet.connected, 20u);
    EXPECT_EQ(m["merged_from"].Size(), 2u);
}

// Shard 1's series beside totals of every shard would show a part of the fleet as the whole: refused, naming both.
TEST(ReportMerge, RefusesShardsOfWhichOnlySomeHaveATimeSeries) {
    for (const bool first_has_one : {true, false}) {
        std::vector<rapidjson::Document> docs;
        docs.push_back(parsed(report_of(5, 10, milliseconds(1), 1)));
        docs.push_back(parsed(report_of(5, 10, milliseconds(1), 2)));
        docs[first_has_one ? 1 : 0]["timeseries"].SetNull();
        auto merged = merge_reports(docs, {"a.json", "b.json"});
        ASSERT_FALSE(merged);
        const std::string expected = first_has_one ? "a.json has a time series but b.json has none"
                                                   : "b.json has a time series but a.json has none";
        EXPECT_NE(merged.error().message.find(expected), std::string::npos) << merged.error().message;
    }
    std::vector<rapidjson::Document> none;
    none.push_back(parsed(report_of(5, 10, milliseconds(1), 1)));
    none.push_back(parsed(report_of(5, 10, milliseconds(1), 2)));
    none[0]["timeseries"].SetNull();
    none[1]["timeseries"].SetNull();
    auto merged = merge_reports(none, {"a.json", "b.json"});
    ASSERT_TRUE(merged) << merged.error().message;
    EXPECT_TRUE(parsed(*merged)["timeseries"].IsNull());

    ocppkit::test::ScratchDir dir;
    rapidjson::Document without = parsed(report_of(5, 10, milliseconds(1), 2));
    without["timeseries"].SetNull();
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> w(text);
    without.Accept(w);
    const std::string with_file = dir.file("with.json", report_of(5, 10, milliseconds(1), 1));
    const std::string without_file = dir.file("without.json", text.GetString());
    testing::internal::CaptureStderr();
    EXPECT_EQ(report_main({"merge", with_file, without_file, "-o", dir.path + "/m.json"}), 2);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("without.json has none (run with --timeseries off)"), std::string::npos) << err;
}

// Each shard within the bounds of a report, but together past them: refused rather than written unreadable.
TEST(ReportMerge, RefusesAMergedSeriesPastTheBoundsOfAReport) {
    auto shard = [](const std::string& prefix) {
        RunSummary run;
        SeriesRecorder recorder;
        for (std::size_t k = 0; k < kMaxSeriesActions / 2 + 1; ++k) {
            ActionStats& a = run.stats.action(prefix + std::to_string(k));
            a.sent = a.ok = 1;
            a.latency.record(milliseconds(1));
        }
        recorder.record(1, run.stats);
        run.series = recorder.series();
        return parsed(report_json(run, Options{}, {}));
    };
    std::vector<rapidjson::Document> docs;
    docs.push_back(shard("A"));
    docs.push_back(shard("B"));
    auto merged = merge_reports(docs, {"a.json", "b.json"});
    ASSERT_FALSE(merged);
    EXPECT_NE(merged.error().message.find("report merge: the merged time series would have " +
                                          std::to_string(kMaxSeriesActions + 2) + " actions"),
              std::string::npos)
        << merged.error().message;
}

TEST(ReportHtml, IsSelfContainedWithPlotsAndTotals) {
    const auto doc = parsed(report_of(30, 100, milliseconds(10)));
    auto page = render_html(doc);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_NE(page->find("<svg"), std::string::npos);
    EXPECT_NE(page->find("Heartbeat: latency per interval"), std::string::npos);
    EXPECT_NE(page->find("<th>Heartbeat</th><td>3,000</td>"), std::string::npos);
    EXPECT_NE(page->find("ramp at 0 s to 1 s"), std::string::npos);
    // Nothing to fetch: no script, style sheet, image, font or frame from anywhere.
    for (const char* fetch : {"<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import"}) {
        EXPECT_EQ(page->find(fetch), std::string::npos) << fetch;
    }
}

TEST(ReportFile, BadInputsGiveClearErrors) {
    auto missing = load_report("/nonexistent/dir/report.json");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("/nonexistent/dir/report.json"), std::string::npos);

    auto corrupt = parse_report("{\"tool\": \"ocpp-simulator\", ", "run.json");
    ASSERT_FALSE(corrupt);
    EXPECT_NE(corrupt.error().message.find("run.json: not JSON"), std::string::npos) << corrupt.error().message;

    auto other = parse_report(R"({"tool": "k6"})", "k6.json");
    ASSERT_FALSE(other);
    EXPECT_NE(other.error().message.find("not a load report of ocpp-simulator"), std::string::npos);

    auto old = parse_report(R"({"tool": "ocpp-simulator", "actions": {}})", "old.json");
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().message.find("old.json: report format version 1, this program reads 2"), std::string::npos)
        << old.error().message;

    auto future = parse_report(R"({"tool": "ocpp-simulator", "format_version": 3, "actions": {}})", "new.json");
    ASSERT_FALSE(future);
    EXPECT_NE(future.error().message.find("format version 3"), std::string::npos);

    auto not_object =
        parse_report(R"({"tool": "ocpp-simulator", "format_version": 2, "actions": {"Heartbeat": 3}})", "odd.json");
    ASSERT_FALSE(not_object);
    EXPECT_NE(not_object.error().message.find("odd.json: actions.Heartbeat is not an object"), std::string::npos);

    auto broken_series = parsed(report_of(3, 1, milliseconds(1)));
    broken_series["timeseries"]["interval_s"].SetInt(0);
    auto page = render_html(broken_series);
    ASSERT_FALSE(page);
    EXPECT_NE(page.error().message.find("timeseries.interval_s"), std::string::npos);
}

// The command itself: exit codes 0 (within), 3 (past a threshold), 2 (bad usage or input), and the files it writes.
TEST(ReportCommand, ExitCodesAndMessages) {
    ocppkit::test::ScratchDir dir;
    const std::string base = dir.file("base.json", report_of(10, 100, milliseconds(10)));
    const std::string slow = dir.file("slow.json", report_of(10, 100, milliseconds(30)));
    const std::string corrupt = dir.file("corrupt.json", "{\"tool\":");
    const std::string old = dir.file("old.json", R"({"tool": "ocpp-simulator", "actions": {}})");

    testing::internal::CaptureStdout();
    EXPECT_EQ(report_main({"compare", base, slow}), 0);
    EXPECT_EQ(report_main({"compare", base, base, "--max-p99-regression", "10"}), 0);
    EXPECT_EQ(report_main({"compare", base, slow, "--max-p99-regression", "10"}), 3);
    EXPECT_EQ(report_main({"compare", base, slow, "--max-throughput-drop", "5"}), 0);
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("REGRESSION Heartbeat: p99"), std::string::npos) << out;
    EXPECT_NE(out.find("within the thresholds"), std::string::npos) << out;

    testing::internal::CaptureStderr();
    EXPECT_EQ(report_main({"compare", base}), 2);
    EXPECT_EQ(report_main({"compare", base, dir.path + "/missing.json"}), 2);
    EXPECT_EQ(report_main({"compare", base, corrupt}), 2);
    EXPECT_EQ(report_main({"compare", base, old}), 2);
    EXPECT_EQ(report_main({"compare", base, base, "--max-p99-regression", "ten"}), 2);
    EXPECT_EQ(report_main({"compare", base, base, "--max-p99-regression"}), 2);
    EXPECT_EQ(report_main({"html", base}), 2);
    EXPECT_EQ(report_main({"merge", base}), 2);
    EXPECT_EQ(report_main({"frobnicate"}), 2);
    const std::string err = testing::internal::GetCapturedStderr();
    for (const char* expected : {"compare: expected BASE.json NEW.json, got 1 files", "missing.json",
                                 "corrupt.json: not JSON", "old.json: report format version 1",
                                 "--max-p99-regression: expected a non-negative "
                                 "percentage, got \"ten\"",
                                 "html: expected REPORT.json -o FILE.html", "unknown command \"frobnicate\""}) {
        EXPECT_NE(err.find(expected), std::string::npos) << expected << "\n" << err;
    }

    EXPECT_EQ(report_main({"html", base, "-o", dir.path + "/r.html"}), 0);
    EXPECT_NE(ocppkit::test::file_text(dir.path + "/r.html").find("<svg"), std::string::npos);
    EXPECT_EQ(report_main({"merge", base, slow, "-o", dir.path + "/m.json"}), 0);
    auto merged = load_report(dir.path + "/m.json");
    ASSERT_TRUE(merged) << merged.error().message;
    EXPECT_EQ((*merged)["actions"]["Heartbeat"]["sent"].GetUint64(), 2000u);
}

} // namespace
} // namespace sim
