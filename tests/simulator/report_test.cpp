// The run's output: status line, summary table, JSON report and CI thresholds.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <rapidjson/document.h>

#include "simulator/fleet/report.hpp"

namespace sim {
namespace {

using std::chrono::milliseconds;

RunSummary sample_run() {
    RunSummary run;
    run.chargers = 10;
    run.started = std::chrono::system_clock::time_point{std::chrono::seconds{1767225600}}; // 2026-01-01T00:00:00Z
    run.ended = run.started + std::chrono::seconds(61);
    run.duration_s = 61.0;
    Stats& s = run.stats;
    auto& hb = s.action("Heartbeat");
    hb.sent = 100;
    hb.ok = 97;
    hb.call_errors = 1;
    hb.timeouts = 2;
    for (int i = 1; i <= 98; ++i) {
        hb.latency.record(milliseconds(i));
    }
    auto& boot = s.action("BootNotification");
    boot.sent = 10;
    boot.ok = 10;
    for (int i = 0; i < 10; ++i) {
        boot.latency.record(milliseconds(3));
    }
    s.calls_answered["RemoteStartTransaction"] = 2;
    s.connect_attempts = 13;
    s.connects = 10;
    s.connect_errors["refused"] = 3;
    s.boots_accepted = 10;
    s.sessions_started = 4;
    s.sessions_completed = 3;
    s.offline_queued = 5;
    s.offline_replayed = 5;
    s.connected = 9;
    s.booted = 9;
    s.charging = 1;
    return run;
}

Options sample_options() {
    Options o;
    o.url = "ws://127.0.0.1:8180/ocpp";
    o.chargers = 10;
    o.threads = 2;
    o.password = "top-secret";
    o.source_ips = {"127.0.0.1"};
    o.max_errors = 100;
    return o;
}

TEST(Report, JsonShape) {
    const RunSummary run = sample_run();
    const std::string text = report_json(run, sample_options(), {});
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(text.c_str()).HasParseError()) << text;
    ASSERT_TRUE(doc.IsObject());
    EXPECT_STREQ(doc["tool"].GetString(), "ocpp-simulator");
    EXPECT_STREQ(doc["started"].GetString(), "2026-01-01T00:00:00Z");
    EXPECT_STREQ(doc["ended"].GetString(), "2026-01-01T00:01:01Z");
    EXPECT_DOUBLE_EQ(doc["duration_s"].GetDouble(), 61.0);
    EXPECT_FALSE(doc["interrupted"].GetBool());

    const auto& opts = doc["options"];
    EXPECT_STREQ(opts["url"].GetString(), "ws://127.0.0.1:8180/ocpp");
    EXPECT_EQ(opts["chargers"].GetUint64(), 10u);
    EXPECT_EQ(opts["threads"].GetUint64(), 2u);
    EXPECT_STREQ(opts["password"].GetString(), "(set)");
    EXPECT_EQ(text.find("top-secret"), std::string::npos) << "the password must not be in the report";
    EXPECT_TRUE(opts["source-ips"].IsArray());
    EXPECT_STREQ(opts["shard"].GetString(), "1/1");
    EXPECT_STREQ(opts["session-minutes"].GetString(), "10,45,240");
    EXPECT_TRUE(opts["max-p99-ms"].IsNull());
    EXPECT_EQ(opts["max-errors"].GetUint64(), 100u);
    EXPECT_STREQ(opts["mode"].GetString(), "realistic");

    EXPECT_EQ(doc["chargers"]["planned"].GetUint64(), 10u);
    EXPECT_EQ(doc["chargers"]["connected"].GetUint64(), 9u);
    EXPECT_EQ(doc["chargers"]["charging"].GetUint64(), 1u);

    const auto& hb = doc["actions"]["Heartbeat"];
    EXPECT_EQ(hb["sent"].GetUint64(), 100u);
    EXPECT_EQ(hb["ok"].GetUint64(), 97u);
    EXPECT_EQ(hb["call_errors"].GetUint64(), 1u);
    EXPECT_EQ(hb["timeouts"].GetUint64(), 2u);
    EXPECT_EQ(hb["failed"].GetUint64(), 0u);
    const auto& lat = hb["latency_ms"];
    EXPECT_EQ(lat["count"].GetUint64(), 98u);
    EXPECT_NEAR(lat["p50"].GetDouble(), 49.0, 49.0 * 0.03);
    EXPECT_NEAR(lat["p95"].GetDouble(), 94.0, 94.0 * 0.03);
    EXPECT_NEAR(lat["p99"].GetDouble(), 98.0, 98.0 * 0.03);
    EXPECT_DOUBLE_EQ(lat["max"].GetDouble(), 98.0);
    EXPECT_NEAR(lat["mean"].GetDouble(), 49.5, 1e-9);
    EXPECT_TRUE(doc["actions"].HasMember("BootNotification"));

    EXPECT_EQ(doc["all_actions"]["sent"].GetUint64(), 110u);
    EXPECT_EQ(doc["all_actions"]["latency_ms"]["count"].GetUint64(), 108u);
    EXPECT_EQ(doc["calls_answered"]["RemoteStartTransaction"].GetUint64(), 2u);
    EXPECT_EQ(doc["connections"]["attempts"].GetUint64(), 13u);
    EXPECT_EQ(doc["connections"]["opened"].GetUint64(), 10u);
    EXPECT_EQ(doc["connections"]["lost"].GetUint64(), 0u);
    EXPECT_EQ(doc["connections"]["errors"]["refused"].GetUint64(), 3u);
    EXPECT_EQ(doc["boots"]["accepted"].GetUint64(), 10u);
    EXPECT_EQ(doc["sessions"]["started"].GetUint64(), 4u);
    EXPECT_EQ(doc["sessions"]["completed"].GetUint64(), 3u);
    EXPECT_EQ(doc["offline"]["replayed"].GetUint64(), 5u);
    EXPECT_EQ(doc["total_sent"].GetUint64(), 110u);
    EXPECT_EQ(doc["total_errors"].GetUint64(), 6u);
    EXPECT_TRUE(doc["thresholds"]["passed"].GetBool());
    EXPECT_TRUE(doc["thresholds"]["failures"].IsArray());
    EXPECT_EQ(doc["thresholds"]["failures"].Size(), 0u);
}

TEST(Report, JsonCarriesTheFailures) {
    const std::string text = report_json(sample_run(), sample_options(), {"p99 too high"});
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(text.c_str()).HasParseError());
    EXPECT_FALSE(doc["thresholds"]["passed"].GetBool());
    EXPECT_STREQ(doc["thresholds"]["failures"][0].GetString(), "p99 too high");
}

TEST(Report, SummaryTable) {
    const std::string table = summary_table(sample_run());
    EXPECT_NE(table.find("action"), std::string::npos);
    EXPECT_NE(table.find("p99 ms"), std::string::npos);
    EXPECT_NE(table.find("Heartbeat"), std::string::npos);
    EXPECT_NE(table.find("BootNotification"), std::string::npos);
    EXPECT_NE(table.find("\nall "), std::string::npos);
    EXPECT_NE(table.find("connections: 13 attempts, 10 opened, 0 lost; errors: refused 3"), std::string::npos) << table;
    EXPECT_NE(table.find("sessions: 4 started, 3 completed"), std::string::npos);
    EXPECT_NE(table.find("offline: 5 queued, 5 replayed"), std::string::npos);
    EXPECT_NE(table.find("RemoteStartTransaction 2"), std::string::npos);
    EXPECT_NE(table.find("98.0"), std::string::npos); // Heartbeat max
}

TEST(Report, StatusLine) {
    const Stats s = sample_run().stats;
    const std::string line = status_line(s, 10'000, 2345.4);
    EXPECT_EQ(line.rfind("connected 9/10,000  booted 9  charging 1  calls/s 2,345  p99 ", 0), 0u) << line;
    EXPECT_NE(line.find(" ms  errors 6"), std::string::npos) << line;
}

std::string read_all(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        out.append(buf, n);
    }
    return out;
}

TEST(StatusPrinter, RewritesInPlaceOnATerminal) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    StatusPrinter printer(f, true, t0);
    Stats s;
    printer.update(s, 10, t0);
    s.action("Heartbeat").sent = 500;
    printer.update(s, 10, t0 + std::chrono::seconds(1));
    printer.finish();
    const std::string out = read_all(f);
    std::fclose(f);
    EXPECT_EQ(out.front(), '\r');
    EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 2);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1); // only the one finish() writes
    EXPECT_NE(out.find("calls/s 500"), std::string::npos) << out;
}

TEST(StatusPrinter, PlainLinesEveryTenSecondsOtherwise) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    StatusPrinter printer(f, false, t0);
    Stats s;
    for (int sec = 0; sec <= 25; ++sec) {
        printer.update(s, 10, t0 + std::chrono::seconds(sec));
    }
    printer.finish();
    const std::string out = read_all(f);
    std::fclose(f);
    EXPECT_EQ(out.find('\r'), std::string::npos);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out; // at 0, 10 and 20 s
    EXPECT_NE(out.find("[   10 s]"), std::string::npos) << out;
    EXPECT_NE(out.find("[   20 s]"), std::string::npos) << out;
}

TEST(Thresholds, PassAndFail) {
    Options o;
    const Stats s = sample_run().stats; // p99 of all actions ~ 97 ms, 6 errors
    EXPECT_TRUE(threshold_failures(s, o).empty());

    o.max_p99_ms = 200;
    o.max_errors = 6;
    EXPECT_TRUE(threshold_failures(s, o).empty());

    o.max_p99_ms = 50;
    o.max_errors = 5;
    const auto failures = threshold_failures(s, o);
    ASSERT_EQ(failures.size(), 2u);
    EXPECT_NE(failures[0].find("above --max-p99-ms 50"), std::string::npos) << failures[0];
    EXPECT_EQ(failures[1], "6 errors (calls and connections), more than --max-errors 5");

    Options only_p99;
    only_p99.max_p99_ms = 10;
    const auto none = threshold_failures(Stats{}, only_p99);
    ASSERT_EQ(none.size(), 1u);
    EXPECT_NE(none[0].find("no call was answered"), std::string::npos);
}

TEST(Report, WriteFile) {
    const std::string path = ::testing::TempDir() + "report.json";
    ASSERT_TRUE(write_file(path, "{}\n"));
    auto bad = write_file(::testing::TempDir() + "no/such/dir/report.json", "{}");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("no/such/dir/report.json"), std::string::npos);
}

} // namespace
} // namespace sim
