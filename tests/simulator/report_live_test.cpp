// What a run shows while it runs: the status line's p99 of the last second, and the Prometheus text of
// --metrics-listen (names, types, HELP lines, cumulative histogram buckets, escaped labels).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/fleet/report.hpp"
#include "simulator/report/metrics.hpp"

namespace sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(StatusLine, ShowsTheLastSecondsP99BesideTheCumulativeOne) {
    Stats s;
    ActionStats& hb = s.action("Heartbeat");
    hb.sent = hb.ok = 3;
    for (int i = 0; i < 3; ++i) {
        hb.latency.record(milliseconds(20));
    }
    const std::string with = status_line(s, 10, 3, 9.84);
    EXPECT_NE(with.find(" ms (last 1 s 9.8 ms)  errors 0"), std::string::npos) << with;
    EXPECT_NE(with.find("p99 20."), std::string::npos) << with; // the cumulative one stays
    const std::string without = status_line(s, 10, 3);
    EXPECT_EQ(without.find("(last"), std::string::npos) << without;

    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    StatusPrinter printer(f, false, t0);
    printer.update(s, 10, t0, 123.45);
    printer.finish();
    std::rewind(f);
    char buf[512] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    EXPECT_NE(std::string(buf, n).find("(last 1 s 123.5 ms)"), std::string::npos) << buf;
}

// The metric a sample line belongs to: its name without the labels and without a histogram's suffix.
std::string family_of(const std::string& line, const std::set<std::string>& histograms) {
    std::string name = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
            histograms.count(name.substr(0, name.size() - s.size()))) {
            return name.substr(0, name.size() - s.size());
        }
    }
    return name;
}

TEST(PrometheusText, EveryMetricHasItsHelpAndTypeBeforeItsSamples) {
    Stats s;
    ActionStats& hb = s.action("Heartbeat");
    hb.sent = 4;
    hb.ok = 2;
    hb.call_errors = 1;
    hb.timeouts = 1;
    hb.latency.record(microseconds(500));
    hb.latency.record(milliseconds(3));
    hb.latency.record(milliseconds(2000));
    s.action("Data\"Transfer\\x\ny").sent = 1;
    s.connect_errors["http-401"] = 2;
    s.connected = 4;
    s.booted = 3;
    s.charging = 2;
    s.boots_accepted = 3;
    s.sessions_started = 5;
    s.offline_queued = 7;
    s.offline_queue = 9;
    const std::string text = prometheus_text(s, 10);

    std::istringstream in(text);
    std::string line;
    std::map<std::string, std::string> types;
    std::set<std::string> helped, histograms;
    std::size_t samples = 0;
    while (std::getline(in, line)) {
        ASSERT_FALSE(line.empty());
        if (line.rfind("# HELP ", 0) == 0) {
            const std::string name = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_TRUE(helped.insert(name).second) << "HELP twice: " << name;
            EXPECT_GT(line.size(), 8 + name.size()) << "HELP without text: " << line;
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            std::istringstream t(line.substr(7));
            std::string name, type;
            t >> name >> type;
            EXPECT_TRUE(types.emplace(name, type).second) << "TYPE twice: " << name;
            EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
            EXPECT_TRUE(helped.count(name)) << "TYPE before HELP: " << name;
            if (type == "histogram") {
                histograms.insert(name);
            }
            continue;
        }
        ++samples;
        const std::string family = family_of(line, histograms);
        EXPECT_EQ(family.rfind("ocpp_simulator_", 0), 0u) << line;
        EXPECT_TRUE(types.count(family)) << "a sample before its TYPE: " << line;
        if (types[family] == "counter") {
            EXPECT_NE(family.find("_total"), std::string::npos) << line;
        }
    }
    EXPECT_GT(samples, 20u);
    EXPECT_EQ(types["ocpp_simulator_call_duration_seconds"], "histogram");
    EXPECT_EQ(types["ocpp_simulator_connections_open"], "gauge");
    EXPECT_EQ(types["ocpp_simulator_calls_total"], "counter");

    for (const char* expected : {
             "ocpp_simulator_calls_total{action=\"Heartbeat\",outcome=\"sent\"} 4\n",
             "ocpp_simulator_calls_total{action=\"Heartbeat\",outcome=\"call_error\"} 1\n",
             "ocpp_simulator_calls_total{action=\"Heartbeat\",outcome=\"timeout\"} 1\n",
             // A quote, a backslash and a newline in a label value are escaped as the text format requires.
             "ocpp_simulator_calls_total{action=\"Data\\\"Transfer\\\\x\\ny\",outcome=\"sent\"} 1\n",
             "ocpp_simulator_connect_errors_total{cause=\"http-401\"} 2\n",
             "ocpp_simulator_chargers_planned 10\n",
             "ocpp_simulator_connections_open 4\n",
             "ocpp_simulator_chargers_booted 3\n",
             "ocpp_simulator_chargers_charging 2\n",
             "ocpp_simulator_boots_total{status=\"Accepted\"} 3\n",
             "ocpp_simulator_sessions_total{event=\"started\"} 5\n",
             "ocpp_simulator_offline_messages_total{event=\"queued\"} 7\n",
             "ocpp_simulator_offline_queue_depth 9\n",
         }) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    }
}

TEST(PrometheusText, HistogramBucketsAreCumulativeAndEndAtInf) {
    Stats s;
    ActionStats& hb = s.action("Heartbeat");
    hb.latency.record(microseconds(500));  // <= 1 ms
    hb.latency.record(milliseconds(3));    // <= 5 ms
    hb.latency.record(milliseconds(2000)); // <= 2.5 s
    const std::string text = prometheus_text(s, 1);
    const std::string prefix = "ocpp_simulator_call_duration_seconds_bucket{action=\"Heartbeat\",le=\"";
    std::istringstream in(text);
    std::string line;
    std::vector<std::pair<std::string, std::uint64_t>> buckets;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            const auto quote = line.find('"', prefix.size());
            buckets.emplace_back(line.substr(prefix.size(), quote - prefix.size()),
                                 std::stoull(line.substr(line.rfind(' ') + 1)));
        }
    }
    ASSERT_GE(buckets.size(), 3u);
    EXPECT_EQ(buckets.back().first, "+Inf");
    EXPECT_EQ(buckets.back().second, 3u);
    for (std::size_t i = 1; i < buckets.size(); ++i) {
        EXPECT_GE(buckets[i].second, buckets[i - 1].second) << buckets[i].first;
        if (i + 1 < buckets.size()) {
            EXPECT_LT(std::stod(buckets[i - 1].first), std::stod(buckets[i].first));
        }
    }
    const std::map<std::string, std::uint64_t> at(buckets.begin(), buckets.end());
    EXPECT_EQ(at.at("0.001"), 1u);
    EXPECT_EQ(at.at("0.0025"), 1u);
    EXPECT_EQ(at.at("0.005"), 2u);
    EXPECT_EQ(at.at("1"), 2u);
    EXPECT_EQ(at.at("2.5"), 3u);
    EXPECT_NE(text.find("ocpp_simulator_call_duration_seconds_count{action=\"Heartbeat\"} 3\n"), std::string::npos);
    const auto sum_at = text.find("ocpp_simulator_call_duration_seconds_sum{action=\"Heartbeat\"} ");
    ASSERT_NE(sum_at, std::string::npos);
    EXPECT_NEAR(std::stod(text.substr(text.find("} ", sum_at) + 2)), 2.0035, 0.0001);
}

} // namespace
} // namespace sim
