// The ocpp-simulator binary with a charger model file (models/dc-basic.yaml: Core and RemoteTrigger only) against
// our own central system on 127.0.0.1: the profiles the model switches off are answered NotSupported,
// SupportedFeatureProfiles says so, the model's identity is in the BootNotification and its DataTransfer vendor
// answers. A bad model file stops the binary before it connects, naming file, line and key.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_binary.hpp"

namespace {

using namespace std::chrono_literals;
using namespace ocpp::v16;

// Accepts the boot, then asks the charger one CALL of each kind and keeps how each was answered.
class AskingCentralSystem {
public:
    AskingCentralSystem() {
        server_ = ocpp::net::Server::create(lt_.loop(), ocpp::net::ServerConfig{}, log_);
        server_->set_open_handler([this](ocpp::net::SessionPtr session) {
            auto peer = ocpp::Peer::create(std::move(session), schemas_, ocpp::PeerConfig{}, log_);
            serve(peer);
            peers_.push_back(peer);
        });
        EXPECT_TRUE(server_->listen());
        lt_.start();
    }
    ~AskingCentralSystem() {
        lt_.stop([this] {
            server_->shutdown();
            peers_.clear();
        });
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/ocpp"; }
    std::map<std::string, std::string> answers() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return answers_;
    }

private:
    void note(const std::string& key, const std::string& value) {
        std::lock_guard<std::mutex> lock(mutex_);
        answers_[key] = value;
    }
    template <class Req>
    void ask(ocpp::Peer& peer, const std::string& key, const Req& req,
             std::function<std::string(const typename Req::Response&)> show) {
        peer.call(req, [this, key, show](ocpp::CallOutcome<typename Req::Response> out) {
            note(key, out.ok() ? show(*out.conf) : "CallError " + out.error_code);
        });
    }
    void serve(const std::shared_ptr<ocpp::Peer>& p) {
        std::weak_ptr<ocpp::Peer> weak = p;
        p->on<BootNotificationReq>([this, weak](const BootNotificationReq& req, ocpp::Reply<BootNotificationConf> r) {
            note("vendor", req.chargePointVendor);
            note("model", req.chargePointModel);
            note("firmware", req.firmwareVersion.value_or(""));
            r(BootNotificationConf{ocpp::DateTime::now(), 300, RegistrationStatus::Accepted});
            auto peer = weak.lock();
            if (!peer) {
                return;
            }
            ask(*peer, "profiles", GetConfigurationReq{std::vector<std::string>{"SupportedFeatureProfiles"}},
                [](const GetConfigurationConf& c) {
                    return c.configurationKey && !c.configurationKey->empty()
                               ? c.configurationKey->front().value.value_or("")
                               : std::string("(none)");
                });
            ask(*peer, "GetLocalListVersion", GetLocalListVersionReq{},
                [](const GetLocalListVersionConf& c) { return std::to_string(c.listVersion); });
            ReserveNowReq reserve;
            reserve.connectorId = 1;
            reserve.expiryDate = ocpp::DateTime::now() + 1h;
            reserve.idTag = "TAG";
            reserve.reservationId = 1;
            ask(*peer, "ReserveNow", reserve, [](const ReserveNowConf& c) { return std::string(to_string(c.status)); });
            DataTransferReq transfer;
            transfer.vendorId = "com.example.dc";
            transfer.messageId = "echo";
            transfer.data = "ping";
            ask(*peer, "DataTransfer", transfer,
                [](const DataTransferConf& c) { return std::string(to_string(c.status)) + " " + c.data.value_or(""); });
            TriggerMessageReq trigger;
            trigger.requestedMessage = MessageTrigger::Heartbeat;
            ask(*peer, "TriggerMessage", trigger,
                [](const TriggerMessageConf& c) { return std::string(to_string(c.status)); });
        });
        p->on<StatusNotificationReq>(
            [](const StatusNotificationReq&, ocpp::Reply<StatusNotificationConf> r) { r({}); });
        p->on<HeartbeatReq>([](const HeartbeatReq&, ocpp::Reply<HeartbeatConf> r) { r({ocpp::DateTime::now()}); });
    }

    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_ = ocpp::validation::Registry::v16().value();
    ocppkit::test::LoopThread lt_{ocppkit::test::LoopThread::Start::Later};
    std::unique_ptr<ocpp::net::Server> server_;
    std::vector<std::shared_ptr<ocpp::Peer>> peers_; // loop thread only
    mutable std::mutex mutex_;
    std::map<std::string, std::string> answers_;
};

const std::string kModel = std::string(ocppkit::test::source_dir()) + "/models/dc-basic.yaml";

TEST(SimulatorModel, AProfileSwitchedOffByTheModelIsNotSupportedAndNotDeclared) {
    AskingCentralSystem cs;
    const auto run = ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                               {"run", "--url", cs.url(), "--chargers", "1", "--model", kModel,
                                                "--sessions-per-hour", "0", "--duration", "3", "--threads", "1"},
                                               30s);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto a = cs.answers();
    EXPECT_EQ(a.at("vendor"), "ExampleDC");
    EXPECT_EQ(a.at("model"), "DC-50-Basic");
    EXPECT_EQ(a.at("firmware"), "1.0.7");
    EXPECT_EQ(a.at("profiles"), "Core,RemoteTrigger");
    EXPECT_EQ(a.at("GetLocalListVersion"), "CallError NotSupported");
    EXPECT_EQ(a.at("ReserveNow"), "CallError NotSupported");
    EXPECT_EQ(a.at("TriggerMessage"), "Accepted");
    EXPECT_EQ(a.at("DataTransfer"), "Accepted ping");
}

TEST(SimulatorModel, ABadModelFileIsAnErrorNamingFileLineAndKey) {
    ocppkit::test::ScratchDir dir;
    const auto file = dir.file("bad.yaml", "vendor: ACME\nconnectors: 2\npower_kv: 22\n");
    const auto run = ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                               {"run", "--url", "ws://127.0.0.1:9/ocpp", "--model", file + ":50"}, 30s);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(file + ":3:1: unknown key \"power_kv\" in model"), std::string::npos) << run.output;
}

TEST(SimulatorModel, AMissingModelFileIsAnError) {
    const auto run =
        ocppkit::test::run_binary(ocppkit::test::program("ocpp-simulator"),
                                  {"run", "--url", "ws://127.0.0.1:9/ocpp", "--model", "/nonexistent/model.yaml"}, 30s);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("--model"), std::string::npos) << run.output;
}

} // namespace
