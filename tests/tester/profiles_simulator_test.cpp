// The real `ocpp-tester check` with every optional profile group (and the charging test) against the real
// `ocpp-simulator run`: one simulated charger, which restarts to install the tester's firmware file as OCTT TC_044
// describes (Installing, the restart, BootNotification with the new version, then Installed). Every group passes.
#include "check_support.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

TEST(ProfilesAgainstTheSimulator, EveryGroupPassesIncludingTheFirmwareRestart) {
    const auto db = temp_db("profiles-sim");
    auto t = start_tester("SIMP000001", db,
                          {"--password", kPassword, "--timeout", "20", "--charging-test", "--charging-seconds", "3",
                           "--profiles", "smart-charging,firmware,local-list,reservation,trigger"});
    ASSERT_FALSE(t.url.empty());
    std::string error;
    auto sim = ChildProcess::spawn({bin("ocpp-simulator"), "run", "--url", t.base(), "--chargers", "1", "--id-prefix",
                                    "SIMP", "--password", kPassword, "--sessions-per-hour", "0", "--meter-interval",
                                    "1", "--duration", "100"},
                                   error);
    ASSERT_TRUE(sim) << error;
    auto r = finish(t, 110s);
    sim->stop();
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_TRUE(r.failed.empty()) << r.out;
    for (const char* id :
         {"smart_charging.set_profile", "smart_charging.composite", "smart_charging.clear", "local_list.full",
          "local_list.differential", "reservation.reserve", "reservation.cancel", "trigger.boot_notification",
          "trigger.diagnostics_status", "trigger.firmware_status", "trigger.heartbeat", "trigger.meter_values",
          "trigger.status_notification", "firmware.diagnostics", "firmware.update", "connection.stable"}) {
        EXPECT_NE(r.out.find(std::string("  ✓ ") + id), std::string::npos) << id << "\n" << r.out;
    }
    // The simulator boots with the version in the tester's file after its restart.
    EXPECT_NE(r.out.find("restarted with version \""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("+ocppkit-test\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("until the charger restarted to install the new firmware; back after"), std::string::npos)
        << r.out;
    EXPECT_FALSE(claim_code_in(r.out).empty()) << r.out;
}

} // namespace
