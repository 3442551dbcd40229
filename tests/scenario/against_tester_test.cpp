// The library's charger-role scenarios for the optional profiles (scenarios/tester/) against the real `ocpp-tester
// check --profiles ...`: each scenario passes, and the tester's JSON report shows its group's checks passed, or
// "not supported by this charger" for a charger that declares no optional profile.
#include <unistd.h>

#include <cstdio>
#include <map>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::file_text;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kSource = ocppkit::test::source_dir();
constexpr const char* kId = "TESTER-CB-1"; // the scenarios' charger ID
constexpr const char* kPassword = "Qw8rTz3mLp6vNx2kB7";

struct Outcome {
    int tester_exit = -1;
    int scenario_exit = -1;
    std::string tester_out, scenario_out;
    std::map<std::string, std::pair<std::string, std::string>> checks; // id -> (verdict, seen)
};

class AgainstTester : public ::testing::Test {
protected:
    void SetUp() override { base_ = ::testing::TempDir() + "scen-tester-" + std::to_string(::getpid()); }
    void TearDown() override {
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".json"}) {
            std::remove((base_ + suffix).c_str());
        }
    }

    // Starts ocpp-tester check with `profiles`, runs `scenario` against it with the real ocpp-simulator, and reads
    // the tester's JSON report.
    Outcome run(const std::string& scenario, const std::string& profiles) {
        Outcome o;
        std::remove((base_ + ".db").c_str());
        std::string error;
        auto tester = ChildProcess::spawn({kBin + "/ocpp-tester",
                                           "check",
                                           "--listen",
                                           "127.0.0.1:0",
                                           "--chargebox-id",
                                           kId,
                                           "--db",
                                           "sqlite:" + base_ + ".db",
                                           "--password",
                                           kPassword,
                                           "--heartbeat-interval",
                                           "2",
                                           "--call-timeout",
                                           "3",
                                           "--timeout",
                                           "15",
                                           "--profiles",
                                           profiles,
                                           "--report",
                                           base_ + ".json"},
                                          error);
        if (!tester) {
            ADD_FAILURE() << error;
            return o;
        }
        const auto line = tester->wait_for_line("  Central system URL", 10s);
        const auto at = line ? line->find("whole URL: ") : std::string::npos;
        if (at == std::string::npos) {
            ADD_FAILURE() << "no URL line from ocpp-tester:\n" << tester->stdout_text() << tester->stderr_text();
            return o;
        }
        std::string url = line->substr(at + 11);
        url = url.substr(0, url.find(')'));
        url = url.substr(0, url.rfind('/')); // the scenario appends the charger ID
        ChildProcess sim(kBin + "/ocpp-simulator", {"scenario", kSource + "/scenarios/tester/" + scenario + ".yaml",
                                                    "--url", url, "--password", kPassword});
        o.scenario_exit = sim.wait_exit(90s);
        o.scenario_out = sim.stdout_text() + sim.stderr_text();
        o.tester_exit = tester->wait(30s).value_or(-1);
        o.tester_out = tester->stdout_text() + tester->stderr_text();
        rapidjson::Document doc;
        doc.Parse(file_text(base_ + ".json").c_str());
        if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("checks") || !doc["checks"].IsArray()) {
            ADD_FAILURE() << "no JSON report from ocpp-tester:\n" << o.tester_out;
            return o;
        }
        for (const auto& c : doc["checks"].GetArray()) {
            o.checks[c["id"].GetString()] = {c["verdict"].GetString(), c["seen"].GetString()};
        }
        return o;
    }

    // The scenario and the tester passed, and each of `ids` passed in the report.
    static void expect_passed(const Outcome& o, const std::vector<std::string>& ids) {
        EXPECT_EQ(o.scenario_exit, 0) << o.scenario_out << "\n--- tester:\n" << o.tester_out;
        EXPECT_EQ(o.tester_exit, 0) << o.tester_out;
        for (const auto& id : ids) {
            const auto it = o.checks.find(id);
            ASSERT_NE(it, o.checks.end()) << id << " is not in the report\n" << o.tester_out;
            EXPECT_EQ(it->second.first, "pass") << id << ": " << it->second.second << "\n" << o.tester_out;
        }
        for (const auto& [id, verdict] : o.checks) {
            EXPECT_TRUE(verdict.first == "pass" || verdict.first == "skipped")
                << id << " is " << verdict.first << ": " << verdict.second << "\n"
                << o.tester_out;
        }
    }

    std::string base_;
};

TEST_F(AgainstTester, SmartCharging) {
    auto o = run("smart_charging", "smart-charging");
    expect_passed(o, {"smart_charging.set_profile", "smart_charging.composite", "smart_charging.clear"});
    EXPECT_EQ(o.checks["smart_charging.power"].first, "skipped") << "no charging test was asked for";
}

TEST_F(AgainstTester, LocalList) {
    auto o = run("local_list", "local-list");
    expect_passed(o, {"local_list.full", "local_list.differential"});
}

TEST_F(AgainstTester, Reservation) {
    auto o = run("reservation", "reservation");
    expect_passed(o, {"reservation.reserve", "reservation.cancel"});
}

TEST_F(AgainstTester, Trigger) {
    auto o = run("trigger", "trigger");
    expect_passed(o, {"trigger.boot_notification", "trigger.diagnostics_status", "trigger.firmware_status",
                      "trigger.heartbeat", "trigger.meter_values", "trigger.status_notification"});
}

TEST_F(AgainstTester, FirmwareWithTheFetchAndUploadSteps) {
    auto o = run("firmware", "firmware");
    expect_passed(o, {"firmware.diagnostics", "firmware.update"});
    EXPECT_NE(o.checks["firmware.diagnostics"].second.find("by PUT"), std::string::npos)
        << o.checks["firmware.diagnostics"].second;
}

TEST_F(AgainstTester, NoOptionalProfileIsNotSupportedNotFailed) {
    auto o = run("core_only", "smart-charging,firmware,local-list,reservation,trigger");
    expect_passed(o, {"heartbeat.interval"});
    for (const char* id :
         {"smart_charging.set_profile", "smart_charging.composite", "smart_charging.clear", "local_list.full",
          "local_list.differential", "reservation.reserve", "reservation.cancel", "trigger.boot_notification",
          "trigger.heartbeat", "firmware.diagnostics", "firmware.update"}) {
        EXPECT_EQ(o.checks[id].first, "skipped") << id << "\n" << o.tester_out;
        EXPECT_NE(o.checks[id].second.find("not supported by this charger"), std::string::npos)
            << id << ": " << o.checks[id].second;
    }
}

} // namespace
