// The hostile-input suite of `ocpp-tester check`: the real binary on 127.0.0.1, with a charger the test controls
// that games the heartbeat check, and an output path that cannot be written. Both failed on the tester as it was:
// a lone Heartbeat right after boot passed heartbeat.interval, and a bad --report path failed only after the test.
#include "check_support.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

// The charger keeps its own 300 s interval and ignores the 2 s the tester sets, but sends one Heartbeat right after
// the boot answer. With the old 10 % + 2 s tolerance that Heartbeat "came 0.0 s after the BootNotification answer"
// and passed (with a warning); a lone Heartbeat right after boot proves nothing about the interval.
TEST(HostileCharger, ALoneHeartbeatRightAfterBootDoesNotPassTheIntervalCheck) {
    auto t = start_tester("CB-1", temp_db("hb-lone"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.apply_interval = false;
    script.heartbeat_after_boot = true;
    charger.run(t.url, basic(), script);
    auto r = finish(t, 30s);
    expect_failure(r, "heartbeat.interval", "interval not applied");
    EXPECT_NE(r.out.find("taken as a clock sync"), std::string::npos) << r.out;
}

// The same charger with the interval applied passes: the sync Heartbeat is followed by one at the interval.
TEST(HostileCharger, ASyncHeartbeatFollowedByTheIntervalStillPasses) {
    auto t = start_tester("CB-1", temp_db("hb-sync"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.heartbeat_after_boot = true;
    charger.run(t.url, basic(), script);
    auto r = finish(t, 30s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ heartbeat.interval"), std::string::npos) << r.out;
}

// Every output path is checked before the test starts: exit 2 at once, naming the option and the path.
TEST(HostileInput, AnUnwritableOutputPathStopsTheCheckAtStart) {
    const std::string dir = ::testing::TempDir();
    struct Case {
        std::string flag, path, says;
    };
    for (const Case& c :
         {Case{"--report", "/no/such/dir/r.json", "No such file or directory"},
          Case{"--junit", "/no/such/dir/r.xml", "No such file or directory"}, Case{"--html", dir, "is a directory"}}) {
        std::string error;
        auto child =
            ChildProcess::spawn({bin("ocpp-tester"), "check", "--listen", "127.0.0.1:0", "--chargebox-id", "CB-1",
                                 "--db", "sqlite:" + temp_db("paths"), "--timeout", "60", c.flag, c.path},
                                error);
        ASSERT_TRUE(child) << error;
        auto code = child->wait(10s);
        const std::string out = child->stdout_text() + child->stderr_text();
        ASSERT_TRUE(code) << c.flag << ": still waiting for a charger instead of refusing the path\n" << out;
        EXPECT_EQ(*code, 2) << out;
        EXPECT_NE(out.find(c.flag + " \"" + c.path + "\""), std::string::npos) << out;
        EXPECT_NE(out.find(c.says), std::string::npos) << out;
        EXPECT_EQ(out.find("Configure the charger"), std::string::npos) << "refused before the test starts\n" << out;
    }
}

} // namespace
