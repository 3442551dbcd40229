// The five optional feature profiles against ocpp-rpc in strict mode, both ways: ocpp-rpc as charge point
// (profiles_cp.js) answers every central-system action of the profiles sent by our scenario runner in the
// central-system role, and ocpp-rpc as central system (profiles_cs.js) sends them to our ocpp-simulator. Every frame
// is validated against the official schemas; zero failures.
#include <gtest/gtest.h>

#include "tests/interop/interop_support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kSource = ocppkit::test::source_dir();

class OcppRpcProfiles : public ::testing::Test {
protected:
    void SetUp() override {
        setup_ = ocpp::interop::find_node_setup();
        if (!setup_.skip_reason.empty()) {
            if (setup_.required) {
                FAIL() << setup_.skip_reason;
            }
            GTEST_SKIP() << setup_.skip_reason;
        }
    }
    // Runs a central-system scenario with profiles_cp.js connected as `id`; the scenario's output, and the summary.
    int scenario_against_strict_cp(const std::string& file, const std::string& id, std::string& out,
                                   ocpp::interop::NodeSummary& summary) {
        std::string error;
        auto runner = ChildProcess::spawn({kBin + "/ocpp-simulator", "scenario", file}, error);
        EXPECT_TRUE(runner) << error;
        if (!runner) {
            return -1;
        }
        const auto line = runner->wait_for_line("listening ", 15s);
        EXPECT_TRUE(line) << runner->stdout_text() << runner->stderr_text();
        if (!line) {
            return -1;
        }
        auto cp = ChildProcess::spawn({setup_.node, setup_.script_dir + "/profiles_cp.js", line->substr(10) + "/" + id},
                                      error);
        EXPECT_TRUE(cp) << error;
        const int code = runner->wait_exit(90s);
        out = runner->stdout_text() + runner->stderr_text();
        if (cp) {
            cp->wait_exit(15s);
            summary = ocpp::interop::parse_summary(cp->stdout_text());
            out += "\n--- profiles_cp.js ---\n" + cp->stdout_text() + cp->stderr_text();
        }
        return code;
    }
    ocpp::interop::NodeSetup setup_;
};

// Every central-system action of the five profiles (and DataTransfer) from the runner, each answer checked by the
// scenario and every frame by ocpp-rpc; the strict charge point sent the notifications that follow them.
TEST_F(OcppRpcProfiles, StrictChargePointAnswersEveryProfileActionOfTheScenarioRunner) {
    std::string out;
    ocpp::interop::NodeSummary summary;
    ASSERT_EQ(
        scenario_against_strict_cp(setup_.script_dir + "/profiles_central.yaml", "INTEROP-PROFILES", out, summary), 0)
        << out;
    EXPECT_NE(out.find("PASS every central-system action of the optional profiles [INTEROP-PROFILES] 41 steps"),
              std::string::npos)
        << out;
    ASSERT_TRUE(summary.found) << out;
    EXPECT_TRUE(summary.ok) << summary.line;
    EXPECT_EQ(summary.validation_failures, 0) << summary.line;
    EXPECT_EQ(summary.call_errors, 0) << summary.line;
    EXPECT_EQ(summary.bad_messages, 0) << summary.line;
    for (const char* action : {"SetChargingProfile", "GetCompositeSchedule", "ClearChargingProfile", "UpdateFirmware",
                               "GetDiagnostics", "SendLocalList", "GetLocalListVersion", "ReserveNow",
                               "CancelReservation", "TriggerMessage", "DataTransfer"}) {
        EXPECT_EQ(summary.received.count(action), 1u) << action << " " << summary.line;
    }
    for (const char* action : {"FirmwareStatusNotification", "DiagnosticsStatusNotification", "MeterValues"}) {
        EXPECT_EQ(summary.sent.count(action), 1u) << action << " " << summary.line;
    }
}

// Every library scenario of scenarios/central_system/ needs only OCPP (none uses our REST API), so each runs against
// the strict charge point as it runs against our simulator: sessions, availability, resets and firmware reboots,
// charging profiles and the metered power, local lists, reservations, and the faults our simulator raises on a
// DataTransfer (profiles_cp.js raises them the same way).
class OcppRpcLibrary : public OcppRpcProfiles, public ::testing::WithParamInterface<const char*> {};

TEST_P(OcppRpcLibrary, PassesAgainstTheStrictChargePoint) {
    const char* name = GetParam();
    std::string out;
    ocpp::interop::NodeSummary summary;
    EXPECT_EQ(
        scenario_against_strict_cp(kSource + "/scenarios/central_system/" + name + ".yaml", "SIM000001", out, summary),
        0)
        << name << "\n"
        << out;
    EXPECT_NE(out.find("1 of 1 runs passed"), std::string::npos) << out;
    ASSERT_TRUE(summary.found) << out;
    EXPECT_EQ(summary.validation_failures, 0) << name << " " << summary.line;
    EXPECT_EQ(summary.call_errors, 0) << name << " " << summary.line;
    EXPECT_EQ(summary.bad_messages, 0) << name << " " << summary.line;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, OcppRpcLibrary,
                         ::testing::Values("reservation_cancel", "trigger_messages", "data_transfer",
                                           "diagnostics_upload", "smart_charging_tx_default", "clear_charging_profile",
                                           "firmware_update", "local_list", "reservation_used", "change_availability",
                                           "unlock_connector", "clear_cache", "reset", "reservation_faulted"),
                         [](const ::testing::TestParamInfo<const char*>& p) { return std::string(p.param); });

// ocpp-rpc as central system calls every action of the five profiles on one ocpp-simulator charger and checks each
// answer and the status notifications (firmware Downloading ... Installed and the reboot, diagnostics uploaded).
TEST_F(OcppRpcProfiles, StrictCentralSystemDrivesEveryProfileOfTheSimulator) {
    std::string error;
    auto cs = ChildProcess::spawn({setup_.node, setup_.script_dir + "/profiles_cs.js", "--deadline", "100"}, error);
    ASSERT_TRUE(cs) << error;
    const auto line = cs->wait_for_line("{\"listening\":", 15s);
    ASSERT_TRUE(line) << cs->stderr_text();
    const std::string port = line->substr(line->find(':') + 1, line->find('}') - line->find(':') - 1);
    ChildProcess sim(kBin + "/ocpp-simulator", {"run", "--url", "ws://127.0.0.1:" + port + "/ocpp", "--chargers", "1",
                                                "--duration", "150", "--log-level", "warn"});
    const int code = cs->wait_exit(120s);
    sim.stop();
    const auto summary = ocpp::interop::parse_summary(cs->stdout_text());
    ASSERT_TRUE(summary.found) << cs->stdout_text() << cs->stderr_text();
    EXPECT_EQ(code, 0) << summary.line << "\n" << cs->stderr_text() << "\n--- simulator ---\n" << sim.stdout_text();
    EXPECT_TRUE(summary.ok) << summary.line;
    EXPECT_EQ(summary.validation_failures, 0) << summary.line;
    EXPECT_EQ(summary.call_errors, 0) << summary.line;
    EXPECT_EQ(summary.bad_messages, 0) << summary.line;
}

} // namespace
