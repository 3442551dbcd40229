// The ocpp-simulator binary against the npm package ocpp-rpc running as a STRICT central system
// (tests/interop/sim_cs.js): a fleet boots and completes sessions without a validation failure; remote start and
// stop come from the central system; a dropped connection is followed by a new boot and the replay, in order, of
// the transaction messages queued while offline.
#include <gtest/gtest.h>

#include "sim_run.hpp"

using namespace simint;

namespace {

class SimulatorAgainstOcppRpc : public ::testing::Test {
protected:
    void SetUp() override {
        setup_ = ocpp::interop::find_node_setup();
        if (!setup_.skip_reason.empty()) {
            if (setup_.required) {
                FAIL() << setup_.skip_reason << " (CI=true: the simulator integration test must run in CI)";
            }
            GTEST_SKIP() << setup_.skip_reason;
        }
    }
    ocpp::interop::NodeSetup setup_;
};

// Heartbeats every 2 s (the central system's interval), meter values every second, sessions of 3 to 10 s.
const std::vector<std::string> kFastCharger = {"--heartbeat-interval", "2", "--meter-interval", "1"};

std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

TEST_F(SimulatorAgainstOcppRpc, FleetOf50BootsAndCompletesSessionsWithoutValidationFailures) {
    constexpr int kChargers = 50;
    RunResult r;
    ASSERT_NO_FATAL_FAILURE(run_simulator(
        setup_, {"--interval", "2"},
        with(kFastCharger, {"--chargers", "50", "--connectors", "2", "--id-prefix", "SIMFLEET", "--sessions-per-hour",
                            "720", "--session-minutes", "0.05,0.1,0.17", "--duration", "12", "--seed", "7"}),
        std::chrono::seconds(28), r));
    ASSERT_NO_FATAL_FAILURE(expect_clean_run(r));
    const auto& cs = r.cs;
    const auto& report = r.report;

    // Every charger connected once and booted once, under its own ID.
    EXPECT_EQ(strings(cs, {"booted"}), charger_ids("SIMFLEET", kChargers)) << r.cs_line;
    EXPECT_EQ(number(cs, {"connections"}), kChargers) << r.cs_line;
    EXPECT_EQ(number(cs, {"counts", "BootNotification"}), kChargers) << r.cs_line;
    EXPECT_TRUE(keys(cs, {"rebooted"}).empty()) << r.cs_line;
    // Connector 0 and both connectors reported at boot; heartbeats at the central system's 2 s.
    EXPECT_GE(number(cs, {"counts", "StatusNotification"}), 3 * kChargers) << r.cs_line;
    EXPECT_GE(number(cs, {"counts", "Heartbeat"}), 3 * kChargers) << r.cs_line;

    // Sessions: started, metered with growing energy, stopped; none left open after the simulator stopped.
    EXPECT_GE(number(cs, {"transactions", "completed"}), 1) << r.cs_line;
    EXPECT_GE(number(cs, {"transactions", "completedWithMeterValues"}), 1) << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "energyGrew"}), number(cs, {"transactions", "completedWithMeterValues"}))
        << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "withProblems"}), 0) << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "open"}), 0) << r.cs_line;
    EXPECT_GE(number(cs, {"counts", "MeterValues"}), 1) << r.cs_line;

    // The simulator's report agrees with what ocpp-rpc received.
    EXPECT_EQ(number(report, {"chargers", "planned"}), kChargers);
    EXPECT_EQ(number(report, {"boots", "accepted"}), kChargers);
    EXPECT_EQ(number(report, {"boots", "pending"}), 0);
    EXPECT_EQ(number(report, {"boots", "rejected"}), 0);
    EXPECT_EQ(number(report, {"connections", "attempts"}), kChargers);
    EXPECT_EQ(number(report, {"connections", "opened"}), kChargers);
    EXPECT_EQ(number(report, {"connections", "lost"}), 0);
    EXPECT_TRUE(keys(report, {"connections", "errors"}).empty()) << r.context();
    EXPECT_EQ(number(report, {"total_errors"}), 0) << r.context();
    EXPECT_EQ(number(report, {"sessions", "started"}), number(cs, {"transactions", "started"})) << r.context();
    EXPECT_EQ(number(report, {"sessions", "completed"}), number(cs, {"transactions", "completed"})) << r.context();
    EXPECT_EQ(number(report, {"offline", "queued"}), 0);
    EXPECT_EQ(keys(report, {"actions"}), keys(cs, {"counts"})) << r.context();
    for (const auto& action : keys(report, {"actions"})) {
        const long long ok = number(report, {"actions", action.c_str(), "ok"});
        EXPECT_EQ(ok, number(report, {"actions", action.c_str(), "sent"})) << action << r.context();
        EXPECT_EQ(number(report, {"actions", action.c_str(), "failed"}), 0) << action << r.context();
        EXPECT_EQ(ok, number(cs, {"counts", action.c_str()})) << action << ": simulator and ocpp-rpc disagree\n"
                                                              << r.context();
    }
}

TEST_F(SimulatorAgainstOcppRpc, RemoteStartAndStopFromTheCentralSystem) {
    RunResult r;
    ASSERT_NO_FATAL_FAILURE(
        run_simulator(setup_, {"--interval", "2", "--remote", "SIMREMOTE000001", "--remote-stop-ms", "2500"},
                      with(kFastCharger, {"--chargers", "1", "--connectors", "2", "--id-prefix", "SIMREMOTE",
                                          "--sessions-per-hour", "0", "--duration", "6"}),
                      std::chrono::seconds(25), r));
    ASSERT_NO_FATAL_FAILURE(expect_clean_run(r));
    const auto& cs = r.cs;

    ASSERT_NE(at(cs, {"remote"}), nullptr) << r.cs_line;
    EXPECT_EQ(text(cs, {"remote", "start"}), "Accepted") << r.cs_line;
    EXPECT_EQ(text(cs, {"remote", "stop"}), "Accepted") << r.cs_line;
    // The remote start began a real session on connector 1 with the central system's idTag ...
    EXPECT_EQ(number(cs, {"remote", "startTransaction", "connectorId"}), 1) << r.cs_line;
    EXPECT_EQ(text(cs, {"remote", "startTransaction", "idTag"}), "REMOTE-SIM-1") << r.cs_line;
    // ... and the remote stop ended that very transaction with reason Remote.
    EXPECT_EQ(text(cs, {"remote", "stopTransaction", "reason"}), "Remote") << r.cs_line;
    EXPECT_GE(number(cs, {"remote", "startTransaction", "transactionId"}), 1) << r.cs_line;
    EXPECT_EQ(number(cs, {"remote", "stopTransaction", "transactionId"}),
              number(cs, {"remote", "startTransaction", "transactionId"}))
        << r.cs_line;
    EXPECT_TRUE(flag(cs, {"remote", "ok"})) << r.cs_line;
    // No session but the remote one (sessions-per-hour 0); it was metered while it ran.
    EXPECT_EQ(number(cs, {"counts", "StartTransaction"}), 1) << r.cs_line;
    EXPECT_EQ(number(cs, {"counts", "StopTransaction"}), 1) << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "completedWithMeterValues"}), 1) << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "energyGrew"}), 1) << r.cs_line;

    EXPECT_EQ(number(r.report, {"calls_answered", "RemoteStartTransaction"}), 1) << r.context();
    EXPECT_EQ(number(r.report, {"calls_answered", "RemoteStopTransaction"}), 1) << r.context();
    EXPECT_EQ(number(r.report, {"sessions", "started"}), 1) << r.context();
    EXPECT_EQ(number(r.report, {"sessions", "completed"}), 1) << r.context();
    EXPECT_EQ(number(r.report, {"total_errors"}), 0) << r.context();
}

// Two chargers, one connector each, sessions of exactly 6 s with a meter value every second.
// SIMDROP000001 loses its connection after the 2nd MeterValues of its first session and cannot reconnect for 5 s:
// its 3rd to 5th MeterValues and its StopTransaction are queued and must be replayed after the new boot with the
// transactionId it already had. SIMDROP000002 loses it on its first StartTransaction, unanswered, for 2 s: the start
// is replayed, and the MeterValues queued before the id was known must carry the id the replayed start got.
TEST_F(SimulatorAgainstOcppRpc, DroppedConnectionReplaysQueuedTransactionMessagesInOrder) {
    RunResult r;
    ASSERT_NO_FATAL_FAILURE(run_simulator(
        setup_, {"--interval", "2", "--drop", "SIMDROP000001:meter:5000", "--drop", "SIMDROP000002:start:2000"},
        with(kFastCharger, {"--chargers", "2", "--connectors", "1", "--id-prefix", "SIMDROP", "--sessions-per-hour",
                            "3600", "--session-minutes", "0.1,0.1,0.1", "--duration", "15", "--seed", "3"}),
        std::chrono::seconds(30), r));
    ASSERT_NO_FATAL_FAILURE(expect_clean_run(r));
    const auto& cs = r.cs;

    EXPECT_EQ(strings(cs, {"booted"}), charger_ids("SIMDROP", 2)) << r.cs_line;
    const auto* drops = at(cs, {"drops"});
    ASSERT_TRUE(drops && drops->IsArray() && drops->Size() == 2) << r.cs_line;
    long long replayed = 0;
    for (const auto& d : drops->GetArray()) {
        const std::string who = text(d, {"charger"}) + " (" + text(d, {"when"}) + "): ";
        EXPECT_TRUE(flag(d, {"dropped"})) << who << r.cs_line;
        EXPECT_GE(number(d, {"refusedReconnects"}), 1) << who << r.cs_line;
        EXPECT_GE(number(d, {"boots"}), 2) << who << "no new boot after reconnecting\n" << r.cs_line;
        EXPECT_GE(number(d, {"transactionId"}), 1) << who << r.cs_line;
        EXPECT_GE(number(d, {"replayedMeterValues"}), 1) << who << r.cs_line;
        EXPECT_TRUE(flag(d, {"completed"})) << who << r.cs_line;
        if (text(d, {"when"}) == "meter") {
            EXPECT_TRUE(flag(d, {"replayedStop"})) << who << r.cs_line;
        } else {
            EXPECT_TRUE(flag(d, {"replayedStart"})) << who << r.cs_line;
        }
        EXPECT_TRUE(flag(d, {"ok"})) << who << r.cs_line;
        replayed += std::max(0LL, number(d, {"replayedMeterValues"})) + (flag(d, {"replayedStop"}) ? 1 : 0);
    }
    EXPECT_EQ(number(cs, {"transactions", "withProblems"}), 0) << r.cs_line;
    EXPECT_EQ(number(cs, {"transactions", "open"}), 0) << r.cs_line;

    // The simulator saw it the same way: two lost connections, refused reconnections, queue replayed, none dropped.
    const auto& report = r.report;
    EXPECT_EQ(number(report, {"connections", "lost"}), 2) << r.context();
    EXPECT_EQ(keys(report, {"connections", "errors"}), std::set<std::string>{"http-503"}) << r.context();
    EXPECT_GE(number(report, {"boots", "accepted"}), 4) << r.context();
    EXPECT_GE(number(report, {"offline", "replayed"}), replayed) << r.context();
    EXPECT_EQ(number(report, {"offline", "replayed"}), number(report, {"offline", "queued"})) << r.context();
    EXPECT_EQ(number(report, {"offline", "dropped"}), 0) << r.context();
}

} // namespace
