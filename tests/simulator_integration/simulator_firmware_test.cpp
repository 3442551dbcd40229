// The real ocpp-simulator binary updates its firmware and uploads its diagnostics: a central system in this test
// (our Server and Peer, strict validation) sends UpdateFirmware for a file on python3 -m http.server, then
// GetDiagnostics to an FTP server (pyftpdlib); the simulator's JSON report counts every status.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <map>
#include <mutex>

#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::FileServer;

namespace {

// Per charger: the firmware versions it booted with and the statuses it reported, in order.
struct Seen {
    std::vector<std::string> versions, firmware, diagnostics;
    std::optional<std::string> diagnostics_file;
};

class RolloutCentralSystem {
public:
    RolloutCentralSystem(ocppkit::test::LoopThread& lt, std::string firmware_url, std::string diagnostics_url)
        : lt_(lt)
        , firmware_url_(std::move(firmware_url))
        , diagnostics_url_(std::move(diagnostics_url)) {}

    std::uint16_t start() {
        return lt_.call([this] {
            ocpp::net::ServerConfig cfg;
            cfg.host = "127.0.0.1";
            server_ = ocpp::net::Server::create(lt_.loop(), cfg, log_);
            server_->set_open_handler([this](ocpp::net::SessionPtr s) { on_open(std::move(s)); });
            return server_->listen() ? server_->port() : std::uint16_t{0};
        });
    }
    void stop() {
        lt_.call([this] {
            peers_.clear();
            server_.reset();
            return 0;
        });
    }
    std::map<std::string, Seen> seen() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }

private:
    void on_open(ocpp::net::SessionPtr session) {
        const std::string id = session->info().chargebox_id;
        ocpp::PeerConfig pc;
        pc.mode = ocpp::validation::Mode::Strict;
        auto peer = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
        std::weak_ptr<ocpp::Peer> weak = peer;
        using ocpp::Reply;
        peer->on<BootNotificationReq>(
            [this, id, weak](const BootNotificationReq& r, Reply<BootNotificationConf> reply) {
                reply(BootNotificationConf{ocpp::DateTime::now(), 300, RegistrationStatus::Accepted});
                bool first = false;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    auto& s = seen_[id];
                    s.versions.push_back(r.firmwareVersion.value_or(""));
                    first = s.versions.size() == 1;
                }
                if (first) {
                    lt_.loop().post([this, weak] {
                        if (auto p = weak.lock()) {
                            UpdateFirmwareReq req;
                            req.location = firmware_url_;
                            req.retrieveDate = ocpp::DateTime::now();
                            p->call(req, [](ocpp::CallOutcome<UpdateFirmwareConf>) {});
                        }
                    });
                }
            });
        // The simulated chargers speak the security whitepaper: their events (StartupOfTheDevice, FirmwareUpdated)
        // are answered as a backend with the whitepaper does.
        peer->on<SecurityEventNotificationReq>(
            [](const SecurityEventNotificationReq&, Reply<SecurityEventNotificationConf> reply) { reply({}); });
        peer->on<FirmwareStatusNotificationReq>(
            [this, id, weak](const FirmwareStatusNotificationReq& r, Reply<FirmwareStatusNotificationConf> reply) {
                reply(FirmwareStatusNotificationConf{});
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    seen_[id].firmware.push_back(to_string(r.status));
                }
                if (r.status != FirmwareStatus::Installed) {
                    return;
                }
                lt_.loop().post([this, id, weak] {
                    if (auto p = weak.lock()) {
                        GetDiagnosticsReq req;
                        req.location = diagnostics_url_;
                        p->call(req, [this, id](ocpp::CallOutcome<GetDiagnosticsConf> o) {
                            std::lock_guard<std::mutex> lock(mutex_);
                            if (o.ok()) {
                                seen_[id].diagnostics_file = o.conf->fileName;
                            }
                        });
                    }
                });
            });
        peer->on<DiagnosticsStatusNotificationReq>(
            [this, id](const DiagnosticsStatusNotificationReq& r, Reply<DiagnosticsStatusNotificationConf> reply) {
                reply(DiagnosticsStatusNotificationConf{});
                std::lock_guard<std::mutex> lock(mutex_);
                seen_[id].diagnostics.push_back(to_string(r.status));
            });
        peer->on<StatusNotificationReq>(
            [](const StatusNotificationReq&, Reply<StatusNotificationConf> reply) { reply(StatusNotificationConf{}); });
        peer->on<HeartbeatReq>(
            [](const HeartbeatReq&, Reply<HeartbeatConf> reply) { reply(HeartbeatConf{ocpp::DateTime::now()}); });
        peers_.push_back(std::move(peer));
    }

    ocppkit::test::LoopThread& lt_;
    std::string firmware_url_, diagnostics_url_;
    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_ = ocpp::validation::Registry::v16().value();
    std::unique_ptr<ocpp::net::Server> server_;
    std::vector<std::shared_ptr<ocpp::Peer>> peers_;
    mutable std::mutex mutex_;
    std::map<std::string, Seen> seen_;
};

TEST(SimulatorFirmware, TheBinaryInstallsServedFirmwareRebootsIntoItAndUploadsDiagnosticsOverFtp) {
    std::string error;
    FileServer http(FileServer::Kind::HttpDownload);
    ASSERT_TRUE(http.start(error)) << error;
    FileServer ftp(FileServer::Kind::Ftp);
    ASSERT_TRUE(ftp.start(error)) << error;
    http.dir().write("fw/station-4.2.0.bin", "version=4.2.0\nimage\n");

    ocppkit::test::LoopThread lt;
    RolloutCentralSystem cs(lt, http.url("/fw/station-4.2.0.bin"), ftp.url("/diagnostics/"));
    const auto port = cs.start();
    ASSERT_NE(port, 0);

    ocppkit::test::TempDir out;
    const std::string report = out.path() + "/report.json";
    ocppkit::test::ChildProcess sim(ocppkit::test::program("ocpp-simulator"),
                                    {"run", "--url", "ws://127.0.0.1:" + std::to_string(port) + "/ocpp", "--chargers",
                                     "3", "--sessions-per-hour", "0", "--duration", "60", "--report", report},
                                    out.path() + "/sim.log");
    const auto done = [&] {
        const auto seen = cs.seen();
        return seen.size() == 3 &&
               std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second.diagnostics.size() >= 2; });
    };
    const bool finished = ocppkit::test::wait_until(done, 45s, 100ms);
    EXPECT_EQ(sim.stop(std::chrono::seconds(20)), 0) << sim.stdout_text();
    cs.stop();
    ASSERT_TRUE(finished) << sim.stdout_text();

    for (const auto& [id, s] : cs.seen()) {
        EXPECT_EQ(s.versions, (std::vector<std::string>{"1.0.0", "4.2.0"})) << id;
        EXPECT_EQ(s.firmware, (std::vector<std::string>{"Downloading", "Downloaded", "Installing", "Installed"})) << id;
        EXPECT_EQ(s.diagnostics, (std::vector<std::string>{"Uploading", "Uploaded"})) << id;
        ASSERT_TRUE(s.diagnostics_file.has_value()) << id;
        const std::string file = ftp.dir().read("diagnostics/" + *s.diagnostics_file);
        EXPECT_NE(file.find("chargePointId: " + id), std::string::npos) << file;
        EXPECT_NE(file.find("firmwareVersion: 4.2.0"), std::string::npos) << file;
    }

    rapidjson::Document r;
    r.Parse(ocppkit::test::file_text(report).c_str());
    ASSERT_TRUE(r.IsObject()) << sim.stdout_text();
    const auto& fw = r["firmware"];
    EXPECT_EQ(fw["statuses"]["Installed"].GetUint64(), 3u);
    EXPECT_EQ(fw["statuses"]["Downloading"].GetUint64(), 3u);
    EXPECT_EQ(fw["diagnostics"]["Uploaded"].GetUint64(), 3u);
    EXPECT_TRUE(fw["rollout_s"].IsNumber());
    EXPECT_EQ(r["total_errors"].GetUint64(), 0u);
}

} // namespace
