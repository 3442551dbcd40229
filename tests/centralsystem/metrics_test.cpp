// /metrics after real traffic: the real central system, a simulated charger that boots, heartbeats and charges, one
// refused connection; the Prometheus text is parsed and checked against what happened.
#include <map>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

// "name{labels} value" lines into a map; comment lines must be HELP or TYPE, every other line must parse.
std::map<std::string, double> parse_prometheus(const std::string& text, std::string& problem) {
    std::map<std::string, double> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        if (line[0] == '#') {
            if (line.rfind("# HELP ", 0) != 0 && line.rfind("# TYPE ", 0) != 0) {
                problem = "bad comment line: " + line;
            }
            continue;
        }
        const auto space = line.rfind(' ');
        if (space == std::string::npos) {
            problem = "no value: " + line;
            continue;
        }
        try {
            out[line.substr(0, space)] = std::stod(line.substr(space + 1));
        } catch (const std::exception&) {
            problem = "bad value: " + line;
        }
    }
    return out;
}

double value(const std::map<std::string, double>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? -1 : it->second;
}

TEST_F(CentralSystemBinary, MetricsCountWhatHappened) {
    create_charger("METR000001", "metrics-password");
    commission_charger("METR000001");
    auto report = simulate("METR", "metrics-password", 5);
    ASSERT_TRUE(report.IsObject());
    (void)simulate("METR", "wrong-password-9", 2, false);
    (void)simulate("NOBODY", "whatever-pass", 2, false);

    const auto r = ocppkit::test::http(port_, "GET", "/metrics");
    ASSERT_EQ(r.status, 200);
    std::string problem;
    const auto m = parse_prometheus(r.body, problem);
    EXPECT_EQ(problem, "") << r.body;

    EXPECT_EQ(value(m, "ocpp_chargers_connected"), 0) << "the simulator has left";
    EXPECT_EQ(value(m, "ocpp_chargers_known"), 1);
    const auto calls = [&](const std::string& dir, const std::string& action, const std::string& result) {
        return value(m,
                     "ocpp_calls_total{direction=\"" + dir + "\",action=\"" + action + "\",result=\"" + result + "\"}");
    };
    EXPECT_EQ(calls("received", "BootNotification", "ok"), report["actions"]["BootNotification"]["ok"].GetDouble());
    EXPECT_EQ(calls("received", "StartTransaction", "ok"), report["actions"]["StartTransaction"]["ok"].GetDouble());
    EXPECT_GE(calls("received", "StartTransaction", "ok"), 1);
    EXPECT_GE(calls("received", "StatusNotification", "ok"), 3);
    // The histogram of answered calls agrees with the counters, and its buckets only grow.
    for (const char* action : {"BootNotification", "StatusNotification", "StartTransaction"}) {
        const std::string a = std::string("action=\"") + action + "\"";
        EXPECT_EQ(value(m, "ocpp_call_duration_seconds_count{" + a + "}"), calls("received", action, "ok")) << action;
        EXPECT_EQ(value(m, "ocpp_call_duration_seconds_bucket{" + a + ",le=\"+Inf\"}"),
                  value(m, "ocpp_call_duration_seconds_count{" + a + "}"));
        EXPECT_LE(value(m, "ocpp_call_duration_seconds_bucket{" + a + ",le=\"0.001\"}"),
                  value(m, "ocpp_call_duration_seconds_bucket{" + a + ",le=\"0.01\"}"));
        EXPECT_GT(value(m, "ocpp_call_duration_seconds_sum{" + a + "}"), 0);
    }
    EXPECT_GE(value(m, "ocpp_handshake_refusals_total{reason=\"wrong_password\"}"), 1);
    EXPECT_GE(value(m, "ocpp_handshake_refusals_total{reason=\"unknown_chargebox_id\"}"), 1);
    EXPECT_EQ(value(m, "ocpp_store_queue_depth"), 0);
    EXPECT_GE(value(m, "ocpp_store_commits_total"), 2);
    EXPECT_EQ(value(m, "ocpp_store_commit_duration_seconds_count"), value(m, "ocpp_store_commits_total"));

    const auto health = ocppkit::test::http(port_, "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos) << health.body;
}

} // namespace
