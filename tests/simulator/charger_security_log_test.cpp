// The security whitepaper's log side of a simulated charger: security events (delivered, queued while offline,
// bounded), GetLog with LogStatusNotification against real HTTP and FTP servers, and ExtendedTriggerMessage. The
// charger runs on the manual clock, its transfers on the real TransferService threads.
#include <gtest/gtest.h>

#include "security_world.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::FileServer;
using sim::testing::Strings;

namespace {

using SecurityLogTest = sim::testing::SecurityWorld;

TEST_F(SecurityLogTest, BootSendsStartupOfTheDeviceAndAResetRaisesResetOrRebootThenStartupAgain) {
    boot();
    ex.advance(1s);
    EXPECT_EQ(events, Strings{"StartupOfTheDevice"});
    EXPECT_EQ(tech_infos.front(), "firmware 1.0.0");
    bool answered = false;
    cs.peer->call(ResetReq{ResetType::Soft}, [&](ocpp::CallOutcome<ResetConf> o) { answered = o.ok(); });
    ex.run_pending();
    ASSERT_TRUE(answered);
    pass(5s);
    EXPECT_EQ(cs.connections, 2);
    EXPECT_EQ(events, (Strings{"StartupOfTheDevice", "ResetOrReboot", "StartupOfTheDevice"}));
    EXPECT_EQ(tech_infos[1], "SoftReset");
    EXPECT_EQ(charger->security_events_waiting(), 0u);
}

TEST_F(SecurityLogTest, AModelWithoutTheSecurityExtensionSendsNoEvents) {
    sim::ChargerSpec spec;
    spec.profiles.security = false;
    boot(spec);
    charger->raise_security_event("TamperDetectionActivated");
    pass(2s);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(trigger(ExtendedMessageTrigger::Heartbeat), "none"); // NotSupported: a CALLERROR
}

TEST_F(SecurityLogTest, AnEventRaisedOfflineArrivesAfterTheNextAcceptedBootInOrder) {
    boot();
    ex.advance(1s);
    events.clear();
    tech_infos.clear();
    cs.online = false;
    charger->drop_connection();
    ex.advance(1s);
    charger->raise_security_event("TamperDetectionActivated", "lid opened");
    charger->raise_security_event("InvalidMessages", "garbage\non two lines");
    EXPECT_EQ(charger->security_events_waiting(), 2u);
    cs.boot_status = RegistrationStatus::Pending;
    cs.online = true;
    pass(5s);
    EXPECT_TRUE(events.empty()) << "sent before the boot was accepted";
    cs.boot_status = RegistrationStatus::Accepted;
    pass(65s); // the next boot after the Pending interval
    EXPECT_EQ(events, (Strings{"TamperDetectionActivated", "InvalidMessages"}));
    EXPECT_EQ(tech_infos, (Strings{"lid opened", "garbage on two lines"}));
    EXPECT_EQ(charger->security_events_waiting(), 0u);
}

TEST_F(SecurityLogTest, TheOfflineQueueIsBoundedAndDropsNonCriticalEventsFirst) {
    boot();
    ex.advance(1s);
    events.clear();
    tech_infos.clear();
    cs.online = false;
    charger->drop_connection();
    ex.advance(1s);
    for (int i = 0; i < 30; ++i) {
        charger->raise_security_event("TamperDetectionActivated", "critical " + std::to_string(i));
    }
    for (int i = 0; i < 120; ++i) {
        charger->raise_security_event("InvalidMessages", "minor " + std::to_string(i));
    }
    EXPECT_EQ(charger->security_events_waiting(), 100u);
    EXPECT_EQ(charger->security_events_dropped(), 50u);
    // A full queue of critical events keeps them against non-critical newcomers.
    cs.online = true;
    pass(10s);
    ASSERT_EQ(events.size(), 100u);
    EXPECT_EQ(std::count(events.begin(), events.end(), "TamperDetectionActivated"), 30);
    EXPECT_EQ(tech_infos[30], "minor 50"); // the 50 oldest minor ones made room
    EXPECT_EQ(tech_infos.back(), "minor 119");
}

TEST_F(SecurityLogTest, CriticalEventsOutliveAFloodOfMinorOnes) {
    boot();
    cs.online = false;
    charger->drop_connection();
    ex.advance(1s);
    for (int i = 0; i < 100; ++i) {
        charger->raise_security_event("SettingSystemTime", std::to_string(i));
    }
    charger->raise_security_event("InvalidMessages", "minor");
    EXPECT_EQ(charger->security_events_waiting(), 100u);
    EXPECT_EQ(charger->security_events_dropped(), 1u);
    charger->raise_security_event("MemoryExhaustion", "critical newcomer");
    EXPECT_EQ(charger->security_events_dropped(), 2u); // the oldest critical one made room
    events.clear();
    tech_infos.clear();
    cs.online = true;
    pass(10s);
    ASSERT_EQ(events.size(), 100u);
    EXPECT_EQ(tech_infos.front(), "1");
    EXPECT_EQ(events.back(), "MemoryExhaustion");
}

TEST_F(SecurityLogTest, SecurityLogGoesOverHttpWithinTheTimeWindow) {
    auto up = server(FileServer::Kind::HttpUpload);
    boot();
    const auto t0 = ocpp::DateTime{clock.wall_now()};
    pass(10min);
    charger->raise_security_event("InvalidMessages", "inside the window");
    pass(10min);
    charger->raise_security_event("InvalidMessages", "after the window");
    const auto conf = get_log(LogType::SecurityLog, up->url("/logs/"), 42, {}, t0 + 5min, t0 + 15min);
    EXPECT_EQ(conf.status, GetLogStatus::Accepted);
    ASSERT_TRUE(conf.filename.has_value());
    EXPECT_EQ(conf.filename->rfind("CP-SEC-1-securitylog-", 0), 0u) << *conf.filename;
    ASSERT_TRUE(pump_until([&] { return logs.size() >= 2; })) << ::testing::PrintToString(logs);
    EXPECT_EQ(logs, (Strings{"Uploading#42", "Uploaded#42"}));
    const std::string file = up->dir().read(*conf.filename); // a POST keeps its form file name
    ASSERT_NE(file.find("window: "), std::string::npos) << file;
    EXPECT_NE(file.find("InvalidMessages inside the window"), std::string::npos) << file;
    EXPECT_EQ(file.find("after the window"), std::string::npos) << file;
    EXPECT_EQ(file.find("StartupOfTheDevice"), std::string::npos) << file; // before the window
    EXPECT_EQ(trigger(ExtendedMessageTrigger::LogStatusNotification), "Accepted");
    EXPECT_EQ(logs.back(), "Idle");
}

TEST_F(SecurityLogTest, DiagnosticsLogGoesOverFtpIntoTheLocationFolder) {
    auto ftp = server(FileServer::Kind::Ftp);
    boot();
    const auto conf = get_log(LogType::DiagnosticsLog, ftp->url("/diag"), 7);
    ASSERT_EQ(conf.status, GetLogStatus::Accepted);
    ASSERT_TRUE(pump_until([&] { return logs.size() >= 2; })) << ::testing::PrintToString(logs);
    EXPECT_EQ(logs, (Strings{"Uploading#7", "Uploaded#7"}));
    const std::string file = ftp->dir().read("diag/" + *conf.filename);
    EXPECT_NE(file.find("chargePointId: CP-SEC-1"), std::string::npos) << file;
    EXPECT_NE(file.find("boot accepted"), std::string::npos) << file;
}

TEST_F(SecurityLogTest, AWrongFtpPasswordIsPermissionDeniedWithoutRetries) {
    auto ftp = server(FileServer::Kind::Ftp);
    boot();
    const auto conf =
        get_log(LogType::SecurityLog, "ftp://charger:wrong@127.0.0.1:" + std::to_string(ftp->port()) + "/logs", 3, 3);
    ASSERT_EQ(conf.status, GetLogStatus::Accepted);
    ASSERT_TRUE(pump_until([&] { return logs.size() >= 2; })) << ::testing::PrintToString(logs);
    pass(30s);
    EXPECT_EQ(logs, (Strings{"Uploading#3", "PermissionDenied#3"}));
}

TEST_F(SecurityLogTest, AnUnreachableServerIsRetriedThenUploadFailure) {
    boot();
    const auto conf =
        get_log(LogType::SecurityLog, "http://127.0.0.1:" + std::to_string(ocppkit::test::free_port()) + "/l/", 9, 1);
    ASSERT_EQ(conf.status, GetLogStatus::Accepted);
    ASSERT_TRUE(pump_until([&] { return logs.size() >= 3; })) << ::testing::PrintToString(logs);
    EXPECT_EQ(logs, (Strings{"Uploading#9", "Uploading#9", "UploadFailure#9"}));
}

TEST_F(SecurityLogTest, ANewGetLogCancelsTheRunningOne) {
    auto up = server(FileServer::Kind::HttpUpload);
    boot();
    EXPECT_EQ(get_log(LogType::SecurityLog, up->url("/slow/first.log"), 1).status, GetLogStatus::Accepted);
    ASSERT_TRUE(pump_until([&] { return logs.size() >= 1; }));
    EXPECT_EQ(trigger(ExtendedMessageTrigger::LogStatusNotification), "Accepted");
    EXPECT_EQ(logs.back(), "Uploading#1");
    EXPECT_EQ(get_log(LogType::SecurityLog, up->url("/second/"), 2).status, GetLogStatus::AcceptedCanceled);
    ASSERT_TRUE(pump_until([&] { return !logs.empty() && logs.back() == "Uploaded#2"; }))
        << ::testing::PrintToString(logs);
    EXPECT_EQ(std::count(logs.begin(), logs.end(), "Uploaded#1"), 0);
}

TEST_F(SecurityLogTest, BadLocationsAndWindowsAreRejected) {
    boot();
    EXPECT_EQ(get_log(LogType::SecurityLog, "file:///etc/passwd", 1).status, GetLogStatus::Rejected);
    EXPECT_EQ(get_log(LogType::DiagnosticsLog, "not a url", 2).status, GetLogStatus::Rejected);
    const auto now = ocpp::DateTime{clock.wall_now()};
    EXPECT_EQ(get_log(LogType::SecurityLog, "http://127.0.0.1:1/", 3, {}, now, now + (-1h)).status,
              GetLogStatus::Rejected);
    pass(5s);
    EXPECT_TRUE(logs.empty());
    EXPECT_FALSE(get_log(LogType::SecurityLog, "file:///x", 4).filename.has_value());
}

TEST_F(SecurityLogTest, ExtendedTriggerSendsEachRequestedMessage) {
    boot();
    ex.advance(1s);
    const auto before = cs.received.size();
    EXPECT_EQ(trigger(ExtendedMessageTrigger::Heartbeat), "Accepted");
    EXPECT_EQ(cs.received.back(), "Heartbeat");
    EXPECT_EQ(trigger(ExtendedMessageTrigger::StatusNotification, 2), "Accepted");
    ASSERT_EQ(cs.received.back(), "StatusNotification");
    EXPECT_EQ(cs.statuses.back().connectorId, 2);
    EXPECT_EQ(trigger(ExtendedMessageTrigger::MeterValues, 1), "Accepted");
    ASSERT_EQ(cs.received.back(), "MeterValues");
    EXPECT_EQ(cs.meter_values.back().connectorId, 1);
    EXPECT_EQ(cs.received.size(), before + 3);
    EXPECT_EQ(trigger(ExtendedMessageTrigger::BootNotification), "Accepted");
    EXPECT_EQ(cs.count("BootNotification"), 2u);
    EXPECT_EQ(trigger(ExtendedMessageTrigger::LogStatusNotification), "Accepted");
    EXPECT_EQ(logs, Strings{"Idle"});
    EXPECT_EQ(trigger(ExtendedMessageTrigger::FirmwareStatusNotification), "Accepted");
    EXPECT_EQ(firmware, Strings{"Idle"});
    EXPECT_EQ(trigger(ExtendedMessageTrigger::SignChargePointCertificate), "Accepted");
}

TEST_F(SecurityLogTest, ExtendedTriggerForAConnectorThatDoesNotExistIsRejected) {
    boot();
    ex.advance(1s);
    const auto before = cs.received.size();
    EXPECT_EQ(trigger(ExtendedMessageTrigger::StatusNotification, 3), "Rejected");
    EXPECT_EQ(trigger(ExtendedMessageTrigger::MeterValues, -1), "Rejected");
    EXPECT_EQ(trigger(ExtendedMessageTrigger::Heartbeat, 99), "Rejected");
    EXPECT_EQ(cs.received.size(), before);
}

} // namespace
