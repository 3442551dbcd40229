// UpdateFirmware and GetDiagnostics of a simulated charger, against real HTTP and FTP servers: the charger runs on
// the manual clock, its transfers on the real TransferService threads.
#include <gtest/gtest.h>

#include <thread>

#include "fake_central_system.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/http_client.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::FileServer;
using sim::Charger;

namespace {

class FirmwareTest : public ::testing::Test, protected sim::testing::ChargerWorld {
protected:
    FirmwareTest() {
        env.transfers = &transfers;
        env.connect = [this](const sim::ChargerSpec& s, ocpp::net::Client::ConnectHandler h) {
            cs.connect(s, h);
            if (cs.online) {
                install(*cs.peer);
            }
        };
    }
    ~FirmwareTest() override {
        charger.reset();
        ex.run_pending();
    }

    // What the fake central system does not do: record firmware and diagnostics statuses and boot versions.
    void install(ocpp::Peer& p) {
        using ocpp::Reply;
        p.on<FirmwareStatusNotificationReq>(
            [this](const FirmwareStatusNotificationReq& r, Reply<FirmwareStatusNotificationConf> reply) {
                firmware.push_back(to_string(r.status));
                reply(FirmwareStatusNotificationConf{});
            });
        p.on<DiagnosticsStatusNotificationReq>(
            [this](const DiagnosticsStatusNotificationReq& r, Reply<DiagnosticsStatusNotificationConf> reply) {
                diagnostics.push_back(to_string(r.status));
                reply(DiagnosticsStatusNotificationConf{});
            });
        p.on<BootNotificationReq>([this](const BootNotificationReq& r, Reply<BootNotificationConf> reply) {
            cs.received.push_back("BootNotification");
            versions.push_back(r.firmwareVersion.value_or(""));
            reply(BootNotificationConf{ocpp::DateTime::from_unix_ms(0), 300, RegistrationStatus::Accepted});
        });
    }

    void boot(sim::ChargerSpec spec = {}) {
        spec.id = "CP-FW-1";
        spec.sessions_per_hour = 0;
        charger = std::make_shared<Charger>(spec, env, 7);
        charger->start();
        ex.advance(1s);
        ASSERT_TRUE(charger->booted());
    }

    // Advances the manual clock in small steps while the transfer threads work, until pred holds (20 s real time).
    bool pump_until(const std::function<bool()>& pred, ocpp::Clock::Duration step = 100ms) {
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > until) {
                return false;
            }
            ex.advance(step);
            std::this_thread::sleep_for(2ms);
        }
        return true;
    }
    // Lets `d` of manual time pass (with the real transfers done meanwhile).
    void pass(ocpp::Clock::Duration d) {
        for (auto t = ocpp::Clock::Duration{}; t < d; t += 100ms) {
            ex.advance(100ms);
        }
    }

    void update_firmware(const std::string& location, std::optional<int> retries = {},
                         std::optional<int> retry_interval = {}, ocpp::Clock::Duration retrieve_in = {}) {
        UpdateFirmwareReq req;
        req.location = location;
        req.retries = retries;
        req.retryInterval = retry_interval;
        req.retrieveDate = ocpp::DateTime{clock.wall_now()} + retrieve_in;
        bool answered = false;
        cs.peer->call(req, [&](ocpp::CallOutcome<UpdateFirmwareConf> o) { answered = o.ok(); });
        ex.run_pending();
        EXPECT_TRUE(answered);
    }

    std::optional<std::string> get_diagnostics(const std::string& location, std::optional<int> retries = {},
                                               std::optional<ocpp::DateTime> start = {},
                                               std::optional<ocpp::DateTime> stop = {}) {
        GetDiagnosticsReq req;
        req.location = location;
        req.retries = retries;
        req.retryInterval = 5;
        req.startTime = start;
        req.stopTime = stop;
        std::optional<std::string> name;
        bool answered = false;
        cs.peer->call(req, [&](ocpp::CallOutcome<GetDiagnosticsConf> o) {
            answered = o.ok();
            if (o.ok()) {
                name = o.conf->fileName;
            }
        });
        ex.run_pending();
        EXPECT_TRUE(answered);
        return name;
    }

    // What a TriggerMessage(FirmwareStatusNotification) reports now.
    std::string triggered_firmware_status() {
        const auto before = firmware.size();
        cs.peer->call(TriggerMessageReq{MessageTrigger::FirmwareStatusNotification, std::nullopt},
                      [](ocpp::CallOutcome<TriggerMessageConf>) {});
        ex.run_pending();
        return firmware.size() > before ? firmware.back() : "none";
    }

    std::unique_ptr<FileServer> server(FileServer::Kind kind) {
        auto s = std::make_unique<FileServer>(kind, 30);
        std::string error;
        EXPECT_TRUE(s->start(error)) << error;
        return s;
    }

    ocpp::transfer::TransferService transfers{[] {
        ocpp::transfer::TransferLimits l;
        l.threads = 2;
        l.connect_timeout = 4s;
        l.total_timeout = 5s;
        return l;
    }()};
    std::shared_ptr<Charger> charger;
    std::vector<std::string> firmware, diagnostics, versions;
};

using Statuses = std::vector<std::string>;

TEST_F(FirmwareTest, HttpUpdateReportsEveryStatusRebootsAndBootsTheNewVersion) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw/image.bin", "version=2.1.0\nbinary payload\n");
    boot();
    EXPECT_EQ(versions, Statuses{"1.0.0"});
    update_firmware(http->url("/fw/image.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware, (Statuses{"Downloading", "Downloaded", "Installing", "Installed"}));
    EXPECT_EQ(versions, (Statuses{"1.0.0", "2.1.0"}));
    EXPECT_EQ(cs.connections, 2);     // rebooted: a new connection
    EXPECT_EQ(stats.disconnects, 0u); // closed by the charger itself, not lost
    EXPECT_EQ(stats.firmware.firmware["Installed"], 1u);
    EXPECT_GE(stats.firmware.rollout_s(), 2.0); // at least the install time
    EXPECT_EQ(triggered_firmware_status(), "Idle");
}

TEST_F(FirmwareTest, WithoutAVersionLineTheFileNameGivesTheVersion) {
    auto ftp = server(FileServer::Kind::Ftp);
    ftp->dir().write("images/fw-3.0.7.bin", "just bytes");
    boot();
    update_firmware(ftp->url("/images/fw-3.0.7.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware.back(), "Installed");
    EXPECT_EQ(versions.back(), "fw-3.0.7");
}

TEST_F(FirmwareTest, AVersionLongerThanBootNotificationAllowsIsCutTo50Characters) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=" + std::string(80, '9') + "\n");
    boot();
    update_firmware(http->url("/fw.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware.back(), "Installed");
    EXPECT_EQ(versions.back(), std::string(50, '9')); // the boot passed strict validation (CiString50)
}

TEST_F(FirmwareTest, NothingHappensBeforeTheRetrieveDate) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=5\n");
    boot();
    update_firmware(http->url("/fw.bin"), {}, {}, 10min);
    pass(9min);
    EXPECT_TRUE(firmware.empty());
    EXPECT_EQ(triggered_firmware_status(), "Idle");
    firmware.clear();
    pass(61s);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; }));
    EXPECT_EQ(versions.back(), "5");
}

TEST_F(FirmwareTest, AMissingFileIsRetriedThenDownloadFailedAndTheOldFirmwareStays) {
    auto http = server(FileServer::Kind::HttpDownload);
    boot();
    update_firmware(http->url("/does_not_exist_fw.bin"), 1, 30);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 1; }));
    EXPECT_EQ(firmware, Statuses{"Downloading"});
    // The retry waits retryInterval (30 s) after the first failure.
    std::this_thread::sleep_for(300ms);
    pass(20s);
    EXPECT_EQ(firmware.size(), 1u) << ::testing::PrintToString(firmware);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 3; }));
    EXPECT_EQ(firmware, (Statuses{"Downloading", "Downloading", "DownloadFailed"}));
    pass(10s);
    EXPECT_EQ(versions, Statuses{"1.0.0"});
    EXPECT_EQ(cs.connections, 1);
    EXPECT_EQ(triggered_firmware_status(), "Idle");
}

TEST_F(FirmwareTest, AStatusThatFellWhileOfflineIsSentAfterTheNextBoot) {
    auto http = server(FileServer::Kind::HttpDownload);
    boot();
    update_firmware(http->url("/does_not_exist_fw.bin"), 1, 30);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 1; }));
    std::this_thread::sleep_for(500ms); // the first attempt fails on the transfer thread; the retry is 30 s later
    pass(1s);
    cs.online = false;
    charger->drop_connection(); // offline before the retry fails for good
    pass(31s);
    std::this_thread::sleep_for(500ms); // the retry's download fails on the transfer thread
    pass(2s);
    EXPECT_EQ(firmware, Statuses{"Downloading"}) << ::testing::PrintToString(firmware);
    cs.online = true;
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 2; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware, (Statuses{"Downloading", "DownloadFailed"})); // only the latest status, once
    pass(70s);
    EXPECT_EQ(firmware.size(), 2u) << ::testing::PrintToString(firmware);
    EXPECT_EQ(triggered_firmware_status(), "Idle");
}

TEST_F(FirmwareTest, UnreachableServerAndBadSchemeFailTheDownload) {
    boot();
    update_firmware("http://127.0.0.1:" + std::to_string(ocppkit::test::free_port()) + "/fw.bin");
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 2; }));
    EXPECT_EQ(firmware, (Statuses{"Downloading", "DownloadFailed"}));
    firmware.clear();
    update_firmware("file:///etc/passwd");
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 2; }));
    EXPECT_EQ(firmware, (Statuses{"Downloading", "DownloadFailed"}));
}

TEST_F(FirmwareTest, RetriesAreBoundedAndAMissingIntervalMeansOneMinute) {
    boot();
    update_firmware("http://127.0.0.1:" + std::to_string(ocppkit::test::free_port()) + "/fw.bin", 1000, 0);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 1; }));
    std::this_thread::sleep_for(200ms);
    pass(59s);
    EXPECT_EQ(firmware.size(), 1u); // the next attempt comes a minute after the first failure
    ASSERT_TRUE(pump_until([&] { return !firmware.empty() && firmware.back() == "DownloadFailed"; }, 1s));
    EXPECT_EQ(std::count(firmware.begin(), firmware.end(), "Downloading"), 11); // 1 + at most 10 retries
}

TEST_F(FirmwareTest, EmptyOrCorruptFileFailsTheInstallationWithoutReboot) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("empty.bin", "");
    http->dir().write("bad.bin", "version=6.6.6\ncorrupt\n");
    boot();
    for (const char* file : {"/empty.bin", "/bad.bin"}) {
        firmware.clear();
        update_firmware(http->url(file));
        ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; })) << file;
        EXPECT_EQ(firmware, (Statuses{"Downloading", "Downloaded", "Installing", "InstallationFailed"})) << file;
    }
    pass(5s);
    EXPECT_EQ(versions, Statuses{"1.0.0"});
    EXPECT_EQ(cs.connections, 1);
}

TEST_F(FirmwareTest, InstallWaitsForTheRunningSessionToEnd) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=7\n");
    boot();
    ASSERT_TRUE(charger->plug_in(1, "TAG-1"));
    ex.advance(2s);
    ASSERT_EQ(charger->charging(), 1);
    update_firmware(http->url("/fw.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 2; }));
    pass(60s);
    EXPECT_EQ(firmware, (Statuses{"Downloading", "Downloaded"}));
    EXPECT_EQ(charger->charging(), 1);
    charger->unplug(1, Reason::EVDisconnected);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; }));
    EXPECT_EQ(firmware.back(), "Installed");
    EXPECT_EQ(versions.back(), "7");
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.stops[0].reason, Reason::EVDisconnected);
}

TEST_F(FirmwareTest, NoNewSessionArrivesWhileTheInstallWaitsSoItHappensOnceTheLastOneEnds) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=7.1\n");
    sim::ChargerSpec spec;
    spec.sessions_per_hour = 120; // two connectors, a new session every minute on average
    spec.session_min = std::chrono::minutes(2);
    spec.session_mean = std::chrono::minutes(3);
    spec.session_max = std::chrono::minutes(5);
    spec.id = "CP-FW-1";
    charger = std::make_shared<Charger>(spec, env, 7);
    charger->start();
    ex.advance(1s);
    ASSERT_TRUE(charger->booted());
    ASSERT_TRUE(charger->plug_in(1, "TAG-1"));
    ex.advance(2s);
    update_firmware(http->url("/fw.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 2; }));
    const std::size_t starts_at_download = cs.starts.size();
    const std::size_t charging_at_download = static_cast<std::size_t>(charger->charging());
    ASSERT_TRUE(pump_until([&] { return !firmware.empty() && firmware.back() == "Installed"; }, 1s));
    EXPECT_EQ(cs.starts.size(), starts_at_download) << "a session started while the install waited";
    EXPECT_GE(charging_at_download, 1u);
    EXPECT_EQ(versions.back(), "7.1");
}

TEST_F(FirmwareTest, AModelThatInstallsDuringSessionsEndsThemWithReasonReboot) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=8\n");
    sim::ChargerSpec spec;
    spec.install_firmware_in_session = true;
    boot(spec);
    ASSERT_TRUE(charger->plug_in(1, "TAG-1"));
    ex.advance(2s);
    update_firmware(http->url("/fw.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 4; }));
    EXPECT_EQ(versions.back(), "8");
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.stops[0].reason, Reason::Reboot);
}

TEST_F(FirmwareTest, DiagnosticsArePostedWithTheAnsweredFileName) {
    auto up = server(FileServer::Kind::HttpUpload);
    boot();
    const auto name = get_diagnostics(up->url("/upload"));
    ASSERT_TRUE(name.has_value());
    EXPECT_EQ(name->rfind("CP-FW-1-diagnostics-", 0), 0u) << *name;
    ASSERT_TRUE(pump_until([&] { return diagnostics.size() >= 2; }));
    EXPECT_EQ(diagnostics, (Statuses{"Uploading", "Uploaded"}));
    const std::string file = up->dir().read(*name);
    EXPECT_NE(file.find("chargePointId: CP-FW-1"), std::string::npos) << file;
    EXPECT_NE(file.find("HeartbeatInterval=300"), std::string::npos) << file;
    EXPECT_NE(file.find("SupportedFileTransferProtocols=FTP,HTTP,HTTPS (read-only)"), std::string::npos) << file;
    EXPECT_NE(file.find("1 Available"), std::string::npos) << file;
    EXPECT_NE(file.find("boot accepted"), std::string::npos) << file;
    EXPECT_EQ(stats.firmware.diagnostics["Uploaded"], 1u);
}

TEST_F(FirmwareTest, DiagnosticsGoOverFtpAndHttpPutIntoTheLocationFolder) {
    auto ftp = server(FileServer::Kind::Ftp);
    boot();
    const auto name = get_diagnostics(ftp->url("/diag"));
    ASSERT_TRUE(name.has_value());
    ASSERT_TRUE(pump_until([&] { return diagnostics.size() >= 2; }));
    EXPECT_EQ(diagnostics.back(), "Uploaded");
    EXPECT_TRUE(ftp->dir().exists("diag/" + *name));

    auto up = server(FileServer::Kind::HttpUpload);
    charger.reset();
    ex.run_pending();
    diagnostics.clear();
    sim::ChargerSpec spec;
    spec.diagnostics_http_put = true;
    boot(spec);
    const auto put = get_diagnostics(up->url("/put/"));
    ASSERT_TRUE(put.has_value());
    ASSERT_TRUE(pump_until([&] { return diagnostics.size() >= 2; }));
    EXPECT_EQ(diagnostics.back(), "Uploaded");
    EXPECT_NE(up->dir().read("put/" + *put).find("CP-FW-1"), std::string::npos);
}

TEST_F(FirmwareTest, UnreachableUploadIsRetriedThenUploadFailed) {
    boot();
    const auto name = get_diagnostics("ftp://u:pw@127.0.0.1:" + std::to_string(ocppkit::test::free_port()) + "/d/", 1);
    ASSERT_TRUE(name.has_value());
    ASSERT_TRUE(pump_until([&] { return diagnostics.size() >= 3; }));
    EXPECT_EQ(diagnostics, (Statuses{"Uploading", "Uploading", "UploadFailed"}));
    EXPECT_EQ(stats.firmware.diagnostics["UploadFailed"], 1u);
}

TEST_F(FirmwareTest, ALocationThatIsNoTransferUrlGetsNoFileNameAndNoUpload) {
    boot();
    EXPECT_FALSE(get_diagnostics("file:///tmp/x").has_value());
    EXPECT_FALSE(get_diagnostics("mailto:ops@example.com").has_value());
    pass(5s);
    EXPECT_TRUE(diagnostics.empty());
}

TEST_F(FirmwareTest, DiagnosticsKeepOnlyTheEventsWithinStartAndStopTime) {
    auto up = server(FileServer::Kind::HttpUpload);
    boot();
    const auto later = ocpp::DateTime{clock.wall_now()} + 1h;
    const auto name = get_diagnostics(up->url("/upload"), {}, later, later + 1h);
    ASSERT_TRUE(name.has_value());
    ASSERT_TRUE(pump_until([&] { return diagnostics.size() >= 2; }));
    const std::string file = up->dir().read(*name);
    ASSERT_NE(file.find("[events]\n"), std::string::npos) << file;
    EXPECT_EQ(file.substr(file.find("[events]\n") + 9), "") << file;
}

TEST_F(FirmwareTest, AChargerGoneDuringADownloadIsNeverCalledBack) {
    auto up = server(FileServer::Kind::HttpUpload);
    up->dir().write("slow/fw.bin", "version=9\n");
    boot();
    update_firmware(up->url("/slow/fw.bin"));
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 1; }));
    charger.reset();
    std::this_thread::sleep_for(200ms);
    ex.run_pending(); // nothing of the charger may run now
    SUCCEED();
}

} // namespace
