// The real ocpp-simulator against the real ocpp-centralsystem: what its JSON report, HTML report, time series and
// Prometheus endpoint say agrees with itself and with the central system's own /metrics.
#include <gtest/gtest.h>

#include <sstream>

#include "simulator/fleet/report.hpp"
#include "simulator/fleet/timeseries.hpp"
#include "simulator/report/report_file.hpp"
#include "tests/flow/flow_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_binary.hpp"

using namespace std::chrono_literals;

namespace {

// The sum of every sample whose line starts with `prefix` (a metric name and the start of its labels).
double sum_of(const std::string& metrics, const std::string& prefix) {
    std::istringstream in(metrics);
    std::string line;
    double sum = 0;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            sum += std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return sum;
}

std::uint64_t count_at(const rapidjson::Value& report, const char* action, const char* key) {
    return report["actions"].HasMember(action) ? report["actions"][action][key].GetUint64() : 0;
}

TEST(SimulatorReport, AgreesWithTheCentralSystemsOwnCounts) {
    flow::test::CentralSystem cs;
    ASSERT_NO_FATAL_FAILURE(cs.start("report", {"--auto-register"}));
    ocppkit::test::ScratchDir dir;
    const std::uint16_t metrics_port = ocppkit::test::free_port();
    ocppkit::test::ChildProcess sim(ocppkit::test::program("ocpp-simulator"),
                                    {"run", "--url", "ws://127.0.0.1:" + std::to_string(cs.port()) + "/ocpp",
                                     "--chargers", "5", "--id-prefix", "RPT", "--ramp", "50", "--duration", "12",
                                     "--report", dir.path + "/run.json", "--html", dir.path + "/run.html",
                                     "--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port)});

    // Live: the simulator's own metrics during the run.
    std::string live;
    EXPECT_TRUE(ocppkit::test::wait_until(
        [&] {
            auto r = ocppkit::test::http(metrics_port, "GET", "/metrics");
            live = r.body;
            return r.status == 200 &&
                   sum_of(live, "ocpp_simulator_call_duration_seconds_count{action=\"BootNotification\"}") == 5 &&
                   sum_of(live, "ocpp_simulator_connections_open") == 5;
        },
        10s))
        << live;
    EXPECT_NE(live.find("# TYPE ocpp_simulator_call_duration_seconds histogram"), std::string::npos);
    EXPECT_NE(live.find("\nocpp_simulator_offline_queue_depth 0\n"), std::string::npos) << live; // all online
    EXPECT_NE(live.find("ocpp_simulator_boots_total{status=\"Accepted\"} 5"), std::string::npos) << live;
    EXPECT_EQ(ocppkit::test::http(metrics_port, "GET", "/other").status, 404);

    ASSERT_EQ(sim.wait_exit(45s), 0) << sim.stdout_text() << sim.stderr_text();
    const std::string cs_metrics = ocppkit::test::http(cs.port(), "GET", "/metrics").body;

    auto report = sim::load_report(dir.path + "/run.json");
    ASSERT_TRUE(report) << report.error().message;
    const auto& r = *report;
    // The central system counted what the report says was sent and answered.
    for (const char* action : {"BootNotification", "Heartbeat"}) {
        const double received =
            sum_of(cs_metrics, std::string("ocpp_calls_total{direction=\"received\",action=\"") + action + "\"");
        EXPECT_EQ(count_at(r, action, "sent"), count_at(r, action, "ok")) << action;
        EXPECT_EQ(static_cast<double>(count_at(r, action, "ok")), received) << action << "\n" << cs_metrics;
    }
    EXPECT_EQ(count_at(r, "BootNotification", "ok"), 5u);
    EXPECT_GE(count_at(r, "Heartbeat", "ok"), 5u); // the central system asks for one every 5 s

    // The time series adds up to the totals, action by action, and covers the run.
    auto series = sim::read_series(r["timeseries"]);
    ASSERT_TRUE(series) << series.error().message;
    EXPECT_GE(series->intervals.size(), 12u);
    for (std::size_t k = 0; k < series->actions.size(); ++k) {
        std::uint64_t sent = 0, ok = 0;
        for (const auto& in : series->intervals) {
            if (const sim::ActionPoint* a = in.action(k)) {
                sent += a->sent;
                ok += a->ok;
            }
        }
        const char* name = series->actions[k].c_str();
        EXPECT_EQ(sent, count_at(r, name, "sent")) << name;
        EXPECT_EQ(ok, count_at(r, name, "ok")) << name;
    }
    EXPECT_EQ(series->markers.at(0).kind, "ramp");

    // The HTML report shows the same totals.
    const std::string html = ocppkit::test::file_text(dir.path + "/run.html");
    EXPECT_NE(html.find("<th>BootNotification</th><td>5</td><td>5</td>"), std::string::npos);
    EXPECT_NE(html.find("<th>Heartbeat</th><td>" + std::to_string(count_at(r, "Heartbeat", "sent")) + "</td>"),
              std::string::npos);
    // And `report html` renders the saved JSON to the same page.
    auto rendered =
        ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                  {"report", "html", dir.path + "/run.json", "-o", dir.path + "/again.html"});
    EXPECT_EQ(rendered.exit_code, 0) << rendered.output;
    EXPECT_EQ(ocppkit::test::file_text(dir.path + "/again.html"), html);

    // Comparing the run with itself passes any threshold.
    auto same = ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                          {"report", "compare", dir.path + "/run.json", dir.path + "/run.json",
                                           "--max-p99-regression", "0", "--max-throughput-drop", "0"});
    EXPECT_EQ(same.exit_code, 0) << same.output;
}

// A saved report of a 10 s run answering `per_s` Heartbeats per second in `latency`.
std::string saved_report(int per_s, std::chrono::milliseconds latency) {
    sim::RunSummary run;
    run.chargers = 10;
    run.duration_s = 10;
    sim::ActionStats& hb = run.stats.action("Heartbeat");
    hb.sent = hb.ok = static_cast<std::uint64_t>(per_s) * 10;
    for (int i = 0; i < per_s * 10; ++i) {
        hb.latency.record(latency);
    }
    return sim::report_json(run, sim::Options{}, {});
}

// What CI relies on: the program's exit status, not only the function's.
TEST(SimulatorReport, CompareExitsThreePastAThreshold) {
    ocppkit::test::ScratchDir dir;
    const std::string base = dir.file("base.json", saved_report(100, 10ms));
    const std::string slow = dir.file("slow.json", saved_report(100, 30ms));
    const std::string fewer = dir.file("fewer.json", saved_report(50, 10ms));
    const std::string program = ocppkit::test::program("ocpp-simulator");

    auto p99 = ocppkit::test::run_binary(program, {"report", "compare", base, slow, "--max-p99-regression", "20"});
    EXPECT_EQ(p99.exit_code, 3) << p99.output;
    EXPECT_NE(p99.output.find("REGRESSION Heartbeat: p99"), std::string::npos) << p99.output;
    auto drop = ocppkit::test::run_binary(program, {"report", "compare", base, fewer, "--max-throughput-drop", "10"});
    EXPECT_EQ(drop.exit_code, 3) << drop.output;
    EXPECT_NE(drop.output.find("--max-throughput-drop 10.0 %"), std::string::npos) << drop.output;
    auto within = ocppkit::test::run_binary(
        program, {"report", "compare", base, slow, "--max-p99-regression", "250", "--max-throughput-drop", "0"});
    EXPECT_EQ(within.exit_code, 0) << within.output;
    EXPECT_NE(within.output.find("within the thresholds"), std::string::npos) << within.output;
    auto missing = ocppkit::test::run_binary(program, {"report", "compare", base, dir.path + "/none.json"});
    EXPECT_EQ(missing.exit_code, 2) << missing.output;
    EXPECT_NE(missing.output.find("none.json"), std::string::npos) << missing.output;
}

TEST(SimulatorReport, MetricsListenOnAnAddressInUseStopsTheRun) {
    flow::test::CentralSystem cs;
    ASSERT_NO_FATAL_FAILURE(cs.start("report-busy", {"--auto-register"}));
    auto r =
        ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                  {"run", "--url", "ws://127.0.0.1:" + std::to_string(cs.port()) + "/ocpp",
                                   "--duration", "2", "--metrics-listen", "127.0.0.1:" + std::to_string(cs.port())});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("--metrics-listen 127.0.0.1:" + std::to_string(cs.port())), std::string::npos) << r.output;
    auto bad = ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                         {"run", "--url", "ws://127.0.0.1:1/ocpp", "--metrics-listen", "localhost"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("--metrics-listen: expected HOST:PORT"), std::string::npos) << bad.output;
}

} // namespace
