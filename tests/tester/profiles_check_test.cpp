// The optional profile groups of the real `ocpp-tester check` binary (--profiles) against scripted chargers: one
// that behaves, one that declares none of the profiles, and one broken for each fault a group must catch, each
// with its hint; and the bad --profiles values.
#include "check_support.hpp"
#include "profile_charger.hpp"

#include <fstream>

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const std::vector<std::string> kGroupChecks = {
    "smart_charging.set_profile",  "smart_charging.composite", "smart_charging.clear", "local_list.full",
    "local_list.differential",     "reservation.reserve",      "reservation.cancel",   "trigger.boot_notification",
    "trigger.diagnostics_status",  "trigger.firmware_status",  "trigger.heartbeat",    "trigger.meter_values",
    "trigger.status_notification", "firmware.diagnostics",     "firmware.update",
};

CheckResult run_with(const std::string& profiles, ChargerScript script, const std::string& name) {
    auto t = start_tester("CB-1", temp_db(name), {"--password", kPassword, "--timeout", "10", "--profiles", profiles});
    if (t.url.empty()) {
        return {};
    }
    ChargerThread charger;
    charger.run(t.url, basic(), std::move(script));
    return finish(t, 40s);
}

TEST(ProfileChecks, AWellBehavedChargerPassesEveryGroup) {
    ProfileFaults good;
    auto r = run_with("firmware,trigger,smart-charging,reservation,local-list", profile_script(good), "profiles-good");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    for (const auto& id : kGroupChecks) {
        EXPECT_NE(r.out.find("  ✓ " + id), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("the list the charger held before (version 0) cannot be read over OCPP"), std::string::npos)
        << r.out;
    EXPECT_FALSE(claim_code_in(r.out).empty()) << r.out;
    EXPECT_EQ(r.out.find("booted again"), std::string::npos) << "a triggered boot is no reboot\n" << r.out;
    EXPECT_EQ(*good.fetched, "version=1.2.3+ocppkit-test\n") << "the file the tester served";
    EXPECT_NE(r.out.find("received \"diagnostics.log\", 2048 bytes by PUT"), std::string::npos) << r.out;
}

TEST(ProfileChecks, AProfileTheChargerDoesNotDeclareIsNotSupportedNotFailed) {
    auto r = run_with("smart-charging,reservation", profile_script({}, "Core,RemoteTrigger"), "profiles-undeclared");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    for (const char* id : {"smart_charging.set_profile", "smart_charging.clear", "reservation.reserve"}) {
        EXPECT_NE(r.out.find(std::string("  - ") + id), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("not supported by this charger"), std::string::npos) << r.out;
    EXPECT_FALSE(claim_code_in(r.out).empty()) << r.out;
}

TEST(ProfileChecks, OnlyTheChosenGroupsRun) {
    auto r = run_with("local-list", profile_script({}), "profiles-one");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ local_list.full"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("smart_charging."), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("trigger.heartbeat"), std::string::npos) << r.out;
}

CheckResult charging_run(ProfileFaults f, const std::string& name) {
    auto t = start_tester("CB-1", temp_db(name),
                          {"--password", kPassword, "--timeout", "10", "--profiles", "smart-charging",
                           "--charging-test", "--charging-seconds", "1"});
    if (t.url.empty()) {
        return {};
    }
    ChargerThread charger;
    charger.run(t.url, basic(), profile_script(f));
    return finish(t, 40s);
}

TEST(ProfileChecks, WithTheChargingTestThePowerFollowsTheProfile) {
    auto r = charging_run({}, "profiles-power");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ smart_charging.power"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("metered up to 5000 W, within the profile's 10 A (6900 W at 230 V, 3 phases)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  ✓ smart_charging.clear"), std::string::npos) << r.out;
}

TEST(ProfileChecks, APowerAboveTheProfile) {
    ProfileFaults f;
    f.power_w = 11000;
    auto r = charging_run(f, "profiles-power-over");
    expect_failure(r, "smart_charging.power", "does not apply the limit to the charging session");
    EXPECT_NE(r.out.find("metered up to 11000 W, above the profile's 10 A"), std::string::npos) << r.out;
}

TEST(ProfileChecks, WithoutTheChargingTestThePowerIsNotChecked) {
    auto r = run_with("smart-charging", profile_script({}), "profiles-nopower");
    EXPECT_NE(r.out.find("  - smart_charging.power"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not requested (the charging test: --charging-test, or its box on the installer page)"),
              std::string::npos)
        << r.out;
}

TEST(ProfileChecks, ARejectedProfile) {
    ProfileFaults f;
    f.reject_profile = true;
    auto r = run_with("smart-charging", profile_script(f), "profiles-reject");
    expect_failure(r, "smart_charging.set_profile", "rejected a plain TxDefaultProfile");
    EXPECT_NE(r.out.find("  - smart_charging.composite"), std::string::npos) << r.out;
}

TEST(ProfileChecks, ACompositeScheduleWithoutTheProfile) {
    ProfileFaults f;
    f.composite_without = true;
    expect_failure(run_with("smart-charging", profile_script(f), "profiles-composite"), "smart_charging.composite",
                   "does not include the profile the charger accepted");
}

TEST(ProfileChecks, AWrongLocalListVersion) {
    ProfileFaults f;
    f.wrong_list_version = true;
    auto r = run_with("local-list", profile_script(f), "profiles-version");
    expect_failure(r, "local_list.full", "does not report its version");
    EXPECT_NE(r.out.find("reported 0 instead of 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the tester emptied the list afterwards"), std::string::npos) << r.out;
}

TEST(ProfileChecks, ReservedNeverReported) {
    ProfileFaults f;
    f.never_reserved = true;
    auto r = run_with("reservation", profile_script(f), "profiles-reserved");
    expect_failure(r, "reservation.reserve", "did not report connector 1 as Reserved");
    EXPECT_NE(r.out.find("  ✓ reservation.cancel"), std::string::npos) << "the reservation is still cancelled\n"
                                                                       << r.out;
}

TEST(ProfileChecks, ATriggerWithoutItsMessage) {
    ProfileFaults f;
    f.silent_diagnostics = true;
    f.unimplemented_meter = true;
    auto r = run_with("trigger", profile_script(f), "profiles-trigger");
    expect_failure(r, "trigger.diagnostics_status", "did not send DiagnosticsStatusNotification",
                   {"trigger.meter_values"});
    EXPECT_NE(r.out.find("does not implement TriggerMessage(MeterValues)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  ✓ trigger.boot_notification"), std::string::npos) << r.out;
}

TEST(ProfileChecks, InstallationFailedAfterAGoodDownloadIsAWarningThatExplains) {
    ProfileFaults f;
    f.firmware_statuses = {ocpp::v16::FirmwareStatus::Downloading, ocpp::v16::FirmwareStatus::Downloaded,
                           ocpp::v16::FirmwareStatus::Installing, ocpp::v16::FirmwareStatus::InstallationFailed};
    f.upload_method = "POST";
    auto r = run_with("firmware", profile_script(f), "profiles-fw-warn");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ! firmware.update"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("InstallationFailed is expected here"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("The download itself passed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2048 bytes by POST"), std::string::npos) << r.out;
}

TEST(ProfileChecks, ARestartAfterInstalledIsFollowedUntilTheNewVersionBoots) {
    ProfileFaults f;
    f.restart_after_install = true;
    const std::string report = ::testing::TempDir() + "profiles-restart-" + std::to_string(::getpid()) + ".json";
    auto t = start_tester("CB-1", temp_db("profiles-restart"),
                          {"--password", kPassword, "--timeout", "10", "--profiles", "firmware", "--report", report});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, basic(), profile_script(f));
    auto r = finish(t, 40s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ firmware.update"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the charger restarted with version \"1.2.3+ocppkit-test\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("until the charger restarted to install the new firmware; back after"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("booted again"), std::string::npos) << "an announced restart is no fault\n" << r.out;
    // The JSON report carries the group's checks with their OCTT cases, and the restart.
    std::ifstream in(report);
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(json.find("\"firmware.diagnostics\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"TC_044\""), std::string::npos) << json;
    EXPECT_NE(json.find("restarted: back after"), std::string::npos) << json;
    // The reconnect is recorded as such, beside the first connection's results, which it does not replace.
    EXPECT_NE(json.find("reconnect after the restart (attempt 2) from 127.0.0.1:"), std::string::npos) << json;
    EXPECT_NE(json.find("accepted (reconnect after the restart)"), std::string::npos) << json;
    EXPECT_EQ(r.out.find("(attempt 2)"), std::string::npos) << "connection.tcp is the first connection's\n" << r.out;
    std::remove(report.c_str());
}

TEST(ProfileChecks, ARestartAfterInstallingWithInstalledAfterTheBootPasses) {
    ProfileFaults f;
    f.restart_after_installing = true; // as OCTT TC_044 and our simulator
    auto r = run_with("firmware", profile_script(f), "profiles-restart-installing");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ firmware.update"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Downloading → Downloaded → Installing → Installed; the file was fetched; the charger "
                         "restarted with version \"1.2.3+ocppkit-test\""),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  ✓ connection.stable"), std::string::npos) << r.out;
}

TEST(ProfileChecks, AChargerThatNeverComesBackAfterItsRestartFails) {
    ProfileFaults f;
    f.restart_after_installing = true;
    f.comes_back = false;
    const auto started = std::chrono::steady_clock::now();
    auto r = run_with("firmware", profile_script(f), "profiles-restart-gone");
    // The connection did not stay up either: a restart it never returns from does not leave connection.stable passed.
    expect_failure(r, "connection.stable", "never connected again", {"firmware.update"});
    EXPECT_NE(r.out.find("keeps its OCPP settings"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the charger restarted but did not come back within 10 s"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("until the charger restarted to install the new firmware; it did not come back before the "
                         "test ended"),
              std::string::npos)
        << r.out;
    EXPECT_LE(std::chrono::steady_clock::now() - started, 30s) << "the wait is bounded by --timeout";
}

TEST(ProfileChecks, AChargerThatReconnectsInALoopAfterItsRestartCannotExtendTheTest) {
    ProfileFaults f;
    f.restart_after_installing = true;
    f.flaps = true; // connects and closes every 300 ms, never boots
    const auto started = std::chrono::steady_clock::now();
    const std::string report = ::testing::TempDir() + "profiles-flap-" + std::to_string(::getpid()) + ".json";
    auto t = start_tester("CB-1", temp_db("profiles-restart-flap"),
                          {"--password", kPassword, "--timeout", "10", "--profiles", "firmware", "--report", report});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, basic(), profile_script(f));
    auto r = finish(t, 40s);
    expect_failure(r, "connection.stable", "never connected again", {"firmware.update"});
    EXPECT_NE(r.out.find("did not come back within 10 s"), std::string::npos) << r.out;
    // The reconnections are taken up and counted as reconnects; the first connection's results stay.
    std::ifstream in(report);
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(json.find("reconnect after the restart (attempt 5) from 127.0.0.1:"), std::string::npos) << json;
    EXPECT_EQ(r.out.find("(attempt 5)"), std::string::npos) << "connection.tcp is the first connection's\n" << r.out;
    std::remove(report.c_str());
    EXPECT_LE(std::chrono::steady_clock::now() - started, 30s) << "the first close starts the only wait";
}

TEST(ProfileChecks, AChargerThatComesBackWithItsOldVersionFailsWithAHint) {
    for (bool installing : {true, false}) {
        ProfileFaults f;
        f.restart_after_installing = installing;
        f.restart_after_install = !installing;
        f.keeps_old_version = true;
        auto r = run_with("firmware", profile_script(f), "profiles-restart-old");
        expect_failure(r, "firmware.update", "expected when the file is not the vendor's");
        EXPECT_NE(r.out.find("still runs version \"1.2.3\""), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("the download itself passed"), std::string::npos) << r.out;
    }
}

TEST(ProfileChecks, AFirmwareStatusSequenceOutOfOrder) {
    ProfileFaults f;
    f.firmware_statuses = {ocpp::v16::FirmwareStatus::Downloaded, ocpp::v16::FirmwareStatus::Installing,
                           ocpp::v16::FirmwareStatus::Installed};
    auto r = run_with("firmware", profile_script(f), "profiles-fw-order");
    expect_failure(r, "firmware.update", "report each step of a firmware update in order");
    EXPECT_NE(r.out.find("status sequence broken: Downloaded"), std::string::npos) << r.out;
}

TEST(ProfileChecks, AFirmwareFileNeverFetched) {
    ProfileFaults f;
    f.fetch_firmware = false;
    f.firmware_statuses = {ocpp::v16::FirmwareStatus::Downloading, ocpp::v16::FirmwareStatus::DownloadFailed};
    expect_failure(run_with("firmware", profile_script(f), "profiles-fw-fetch"), "firmware.update",
                   "did not fetch the file");
}

TEST(ProfileChecks, AnUploadThatNeverComes) {
    ProfileFaults f;
    f.upload_diagnostics = false;
    auto r = run_with("firmware", profile_script(f), "profiles-upload");
    expect_failure(r, "firmware.diagnostics", "nothing arrived");
    EXPECT_NE(r.out.find("  ✓ firmware.update"), std::string::npos) << "the update runs after it\n" << r.out;
}

// Real diagnostics files run to megabytes: they are taken up to 16 MiB, above the tester's request limit of 1 MiB.
TEST(ProfileChecks, ADiagnosticsFileOfMegabytesIsTaken) {
    ProfileFaults f;
    f.upload_bytes = 3 << 20;
    auto r = run_with("firmware", profile_script(f), "profiles-upload-big");
    EXPECT_NE(r.out.find("  ✓ firmware.diagnostics"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("3145728 bytes by PUT from 127.0.0.1:"), std::string::npos) << "the sender is shown\n"
                                                                                     << r.out;
}

// A file above 16 MiB is refused with 413, and the check blames its size, not the charger's upload.
TEST(ProfileChecks, ADiagnosticsFileAboveTheLimitIsReportedAsTooLarge) {
    ProfileFaults f;
    f.upload_bytes = (16u << 20) + (64u << 10) + 1;
    auto r = run_with("firmware", profile_script(f), "profiles-upload-huge");
    expect_failure(r, "firmware.diagnostics", "not a fault of the charger's upload");
    EXPECT_NE(r.out.find("is larger than the 16 MiB the tester takes; refused with 413"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  ✓ firmware.update"), std::string::npos) << "the update runs after it\n" << r.out;
}

// Only the address the charger is connected from may upload: another sender is refused (403) and does not pass.
TEST(ProfileChecks, AnUploadFromAnotherAddressIsRefusedAndDoesNotPass) {
    ProfileFaults f;
    f.upload_diagnostics = false;
    f.stranger_status = std::make_shared<int>(0);
    auto r = run_with("firmware", profile_script(f), "profiles-upload-stranger");
    EXPECT_EQ(*f.stranger_status, 403);
    expect_failure(r, "firmware.diagnostics", "An upload from 127.0.0.2:");
    EXPECT_NE(r.out.find("it is not the address the charger is connected from (127.0.0.1:"), std::string::npos)
        << r.out;

    ProfileFaults both;
    both.stranger_status = std::make_shared<int>(0);
    auto ok = run_with("firmware", profile_script(both), "profiles-upload-both");
    EXPECT_EQ(*both.stranger_status, 403);
    EXPECT_NE(ok.out.find("  ✓ firmware.diagnostics"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("2048 bytes by PUT from 127.0.0.1:"), std::string::npos) << ok.out;
}

CheckResult bad_usage(const std::string& profiles) {
    std::string error;
    auto child = ChildProcess::spawn(
        {bin("ocpp-tester"), "check", "--listen", "127.0.0.1:0", "--chargebox-id", "CB-1", "--profiles", profiles},
        error);
    CheckResult r;
    if (!child) {
        ADD_FAILURE() << error;
        return r;
    }
    r.exit_code = child->wait(10s).value_or(-1);
    r.out = child->stderr_text();
    return r;
}

TEST(ProfileChecks, AnUnknownProfileNameIsAnErrorThatListsTheValidOnes) {
    auto r = bad_usage("smart-charging,firmwar");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "ocpp-tester check: --profiles: unknown profile \"firmwar\"; valid: smart-charging, "
                     "local-list, reservation, trigger, firmware, security\n");
}

TEST(ProfileChecks, AnEmptyProfileNameIsAnError) {
    for (const char* bad : {"", "trigger,", ",trigger", "trigger,,reservation"}) {
        auto r = bad_usage(bad);
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_NE(r.out.find("--profiles: expected profile names separated by commas, got an empty one; valid: "
                             "smart-charging, local-list, reservation, trigger, firmware, security"),
                  std::string::npos)
            << bad << ": " << r.out;
    }
}

} // namespace
