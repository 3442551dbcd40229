#pragma once
// A scriptable central system on the in-memory transport, for charger tests on the manual clock.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ocpp/net/memory_transport.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/charger/charger.hpp"

namespace sim::testing {

class FakeCentralSystem {
public:
    explicit FakeCentralSystem(ocpp::ManualExecutor& ex)
        : ex_(ex) {}

    ocpp::v16::RegistrationStatus boot_status = ocpp::v16::RegistrationStatus::Accepted;
    int interval = 60;
    ocpp::v16::AuthorizationStatus tag_status = ocpp::v16::AuthorizationStatus::Accepted;
    bool online = true;                // when false, connection attempts are refused
    std::vector<std::string> received; // "Action" of every CALL, in arrival order
    std::vector<std::string> frames;   // raw frames received
    std::vector<ocpp::v16::MeterValuesReq> meter_values;
    std::vector<ocpp::v16::StartTransactionReq> starts;
    std::vector<ocpp::v16::StopTransactionReq> stops;
    std::vector<ocpp::v16::StatusNotificationReq> statuses;
    std::shared_ptr<ocpp::Peer> peer; // the current connection's central-system side
    int connections = 0;

    // The ChargerEnv::connect function: a fresh in-memory connection each time.
    void connect(const ChargerSpec&, ocpp::net::Client::ConnectHandler done) {
        if (!online) {
            ex_.post([done] {
                done(nullptr, ocpp::net::ConnectError{ocpp::net::ConnectError::Kind::Refused, 0, "connection refused"});
            });
            return;
        }
        auto [cs_side, cp_side] = ocpp::net::make_memory_pair(ex_);
        peer = ocpp::Peer::create(cs_side, schemas, ocpp::PeerConfig{}, log);
        ++connections;
        install(*peer);
        ex_.post([done, cp = cp_side] { done(cp, std::nullopt); });
    }

    std::size_t count(const std::string& action) const {
        return static_cast<std::size_t>(std::count(received.begin(), received.end(), action));
    }

    ocpp::validation::Registry schemas = ocpp::validation::Registry::v16().value();
    ocpp::Logger log{ocpp::LogLevel::Off};

private:
    void install(ocpp::Peer& p);
    ocpp::ManualExecutor& ex_;
    int next_tx_ = 100;
};

inline void FakeCentralSystem::install(ocpp::Peer& p) {
    using namespace ocpp::v16;
    using ocpp::Reply;
    p.set_frame_observer([this](ocpp::FrameDirection d, std::string_view t) {
        if (d == ocpp::FrameDirection::Received) {
            frames.emplace_back(t);
        }
    });
    p.on<BootNotificationReq>([this](const BootNotificationReq&, Reply<BootNotificationConf> r) {
        received.push_back("BootNotification");
        r(BootNotificationConf{ocpp::DateTime::from_unix_ms(0), interval, boot_status});
    });
    p.on<StatusNotificationReq>([this](const StatusNotificationReq& req, Reply<StatusNotificationConf> r) {
        received.push_back("StatusNotification");
        statuses.push_back(req);
        r(StatusNotificationConf{});
    });
    p.on<HeartbeatReq>([this](const HeartbeatReq&, Reply<HeartbeatConf> r) {
        received.push_back("Heartbeat");
        r(HeartbeatConf{ocpp::DateTime::from_unix_ms(0)});
    });
    p.on<AuthorizeReq>([this](const AuthorizeReq&, Reply<AuthorizeConf> r) {
        received.push_back("Authorize");
        AuthorizeConf conf;
        conf.idTagInfo.status = tag_status;
        r(conf);
    });
    p.on<StartTransactionReq>([this](const StartTransactionReq& req, Reply<StartTransactionConf> r) {
        received.push_back("StartTransaction");
        starts.push_back(req);
        StartTransactionConf conf;
        conf.transactionId = next_tx_++;
        conf.idTagInfo.status = tag_status;
        r(conf);
    });
    p.on<MeterValuesReq>([this](const MeterValuesReq& req, Reply<MeterValuesConf> r) {
        received.push_back("MeterValues");
        meter_values.push_back(req);
        r(MeterValuesConf{});
    });
    p.on<StopTransactionReq>([this](const StopTransactionReq& req, Reply<StopTransactionConf> r) {
        received.push_back("StopTransaction");
        stops.push_back(req);
        r(StopTransactionConf{});
    });
}

// A charger's world in a test: the manual clock and executor, the fake central system, and the environment a
// Charger is made with. Test fixtures derive from it.
struct ChargerWorld {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex{clock};
    FakeCentralSystem cs{ex};
    sim::Stats stats;
    ocpp::Logger log{ocpp::LogLevel::Off};
    sim::ChargerEnv env{ex,
                        cs.schemas,
                        log,
                        stats,
                        ocpp::PeerConfig{},
                        [this](const sim::ChargerSpec& s, ocpp::net::Client::ConnectHandler h) { cs.connect(s, h); }};
};

// One simulated charger against the fake central system on manual time, with no sessions of its own: boot() starts
// and boots it, ask() sends it a CALL and returns the answer.
class ChargerFixture : public ::testing::Test, protected ChargerWorld {
protected:
    void SetUp() override {
        using namespace std::chrono_literals;
        spec.id = "SIM000001";
        spec.sessions_per_hour = 0;
        spec.session_min = spec.session_mean = spec.session_max = 30min;
    }
    std::shared_ptr<sim::Charger> boot() {
        using namespace std::chrono_literals;
        auto ch = std::make_shared<sim::Charger>(spec, env, 7);
        ch->start();
        ex.advance(1s);
        EXPECT_TRUE(ch->booted());
        return ch;
    }
    // Sends a CALL from the central system and returns its outcome once answered.
    template <class Req> ocpp::CallOutcome<typename Req::Response> ask(const Req& req) {
        using namespace std::chrono_literals;
        ocpp::CallOutcome<typename Req::Response> out;
        cs.peer->call(req, [&](ocpp::CallOutcome<typename Req::Response> o) { out = std::move(o); });
        ex.advance(100ms);
        return out;
    }

    sim::ChargerSpec spec;
};

} // namespace sim::testing
