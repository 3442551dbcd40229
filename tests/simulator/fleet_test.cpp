// The fleet on real event loops: against a loopback central system (our Server on 127.0.0.1, port 0), and with a
// fake client to watch the cap on connection attempts in flight and the ramp.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "ocpp/net/server.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/fleet/fleet.hpp"
#include "simulator/run.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"

namespace sim {
namespace {

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::wait_until;

// A minimal central system on its own loop and thread: accepts everything, answers the charger's CALLs.
class LoopbackCentralSystem {
public:
    LoopbackCentralSystem() {
        server_ = ocpp::net::Server::create(lt_.loop(), ocpp::net::ServerConfig{}, log_);
        server_->set_open_handler([this](ocpp::net::SessionPtr session) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                const auto& info = session->info();
                ids_.insert(info.chargebox_id);
                paths_.insert(info.path);
                if (info.basic_user) {
                    basic_.insert(*info.basic_user + ":" + info.basic_password.value_or(""));
                }
            }
            ++opened_;
            auto peer = ocpp::Peer::create(std::move(session), schemas_, ocpp::PeerConfig{}, log_);
            serve(*peer);
            peers_.push_back(peer);
        });
        EXPECT_TRUE(server_->listen());
        lt_.start();
    }
    ~LoopbackCentralSystem() {
        lt_.stop([this] {
            server_->shutdown();
            peers_.clear();
        });
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/ocpp"; }
    int opened() const { return opened_; }
    std::set<std::string> ids() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return ids_;
    }
    std::set<std::string> paths() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return paths_;
    }
    std::set<std::string> basic() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return basic_;
    }
    const ocpp::validation::Registry& schemas() const { return schemas_; }

private:
    void serve(ocpp::Peer& peer) {
        peer.on<BootNotificationReq>([](const BootNotificationReq&, ocpp::Reply<BootNotificationConf> reply) {
            reply(BootNotificationConf{ocpp::DateTime::now(), 300, RegistrationStatus::Accepted});
        });
        peer.on<StatusNotificationReq>(
            [](const StatusNotificationReq&, ocpp::Reply<StatusNotificationConf> reply) { reply({}); });
        peer.on<HeartbeatReq>(
            [](const HeartbeatReq&, ocpp::Reply<HeartbeatConf> reply) { reply({ocpp::DateTime::now()}); });
        peer.on<AuthorizeReq>([](const AuthorizeReq&, ocpp::Reply<AuthorizeConf> reply) {
            AuthorizeConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            reply(conf);
        });
        peer.on<StartTransactionReq>([this](const StartTransactionReq&, ocpp::Reply<StartTransactionConf> reply) {
            StartTransactionConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            conf.transactionId = ++next_tx_;
            reply(conf);
        });
        peer.on<StopTransactionReq>(
            [](const StopTransactionReq&, ocpp::Reply<StopTransactionConf> reply) { reply({}); });
        peer.on<MeterValuesReq>([](const MeterValuesReq&, ocpp::Reply<MeterValuesConf> reply) { reply({}); });
        // A charger with the security extension reports StartupOfTheDevice after its boot.
        peer.on<SecurityEventNotificationReq>(
            [](const SecurityEventNotificationReq&, ocpp::Reply<SecurityEventNotificationConf> reply) { reply({}); });
    }

    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_ = ocpp::validation::Registry::v16().value();
    ocppkit::test::LoopThread lt_{ocppkit::test::LoopThread::Start::Later};
    std::unique_ptr<ocpp::net::Server> server_;
    std::vector<std::shared_ptr<ocpp::Peer>> peers_; // loop thread only
    int next_tx_ = 0;                                // loop thread only
    std::atomic<int> opened_{0};
    mutable std::mutex mutex_;
    std::set<std::string> ids_, paths_, basic_;
};

Options fleet_options(const std::string& url, std::uint64_t chargers) {
    Options o;
    o.url = url;
    o.chargers = chargers;
    o.threads = 2;
    o.ramp = 1000;
    o.sessions_per_hour = 0; // no sessions: boots, statuses and heartbeats only
    return o;
}

TEST(Fleet, BootsEveryChargerOverLoopbackAndStopsGracefully) {
    LoopbackCentralSystem cs;
    Options o = fleet_options(cs.url(), 12);
    o.password = "pw-123";
    auto planned = plan_chargers(o);
    ASSERT_TRUE(planned);
    ocpp::Logger log(ocpp::LogLevel::Off);
    FleetConfig config = fleet_config(o);
    config.publish_interval = 50ms;
    Fleet fleet(config, std::move(*planned), cs.schemas(), log, default_transport());
    EXPECT_EQ(fleet.size(), 12u);
    fleet.start();
    ASSERT_TRUE(wait_until([&] { return fleet.snapshot().booted == 12; }, 10s)) << fleet.snapshot().booted;
    const Stats running = fleet.snapshot();
    EXPECT_EQ(running.connected, 12u);
    EXPECT_TRUE(fleet.stop(10s));

    Stats s = fleet.snapshot();
    EXPECT_EQ(s.action("BootNotification").ok, 12u);
    EXPECT_EQ(s.boots_accepted, 12u);
    EXPECT_EQ(s.connects, 12u);
    EXPECT_EQ(s.total_errors(), 0u);
    EXPECT_GE(s.action("StatusNotification").ok, 12u * 3); // connectors 0, 1 and 2
    EXPECT_EQ(s.connected, 0u) << "every connection closed";
    EXPECT_EQ(cs.opened(), 12);
    const auto ids = cs.ids();
    EXPECT_EQ(ids.size(), 12u);
    EXPECT_EQ(ids.count("SIM000001"), 1u);
    EXPECT_EQ(ids.count("SIM000012"), 1u);
    EXPECT_EQ(cs.paths().count("/ocpp/SIM000007"), 1u);
    EXPECT_EQ(cs.basic().count("SIM000003:pw-123"), 1u);
}

TEST(Fleet, ChurnDropsAndReconnects) {
    LoopbackCentralSystem cs;
    Options o = fleet_options(cs.url(), 6);
    o.churn_pct = 50;
    auto planned = plan_chargers(o);
    ASSERT_TRUE(planned);
    ocpp::Logger log(ocpp::LogLevel::Off);
    FleetConfig config = fleet_config(o);
    config.publish_interval = 50ms;
    config.churn_interval = 300ms;
    Fleet fleet(config, std::move(*planned), cs.schemas(), log, default_transport());
    fleet.start();
    ASSERT_TRUE(wait_until([&] { return fleet.snapshot().disconnects >= 3; }, 10s));
    ASSERT_TRUE(wait_until([&] { return fleet.snapshot().connects > 6; }, 10s)) << "dropped chargers come back";
    EXPECT_TRUE(fleet.stop(10s));
}

// Fails every connection attempt after a delay, counting attempts in flight over the whole process.
struct AttemptLog {
    std::atomic<int> in_flight{0};
    std::atomic<int> max_in_flight{0};
    std::atomic<int> attempts{0};
    std::mutex mutex;
    std::vector<std::string> urls;
    std::set<std::string> sources;
};

class RefusingClient final : public ocpp::net::Client {
public:
    RefusingClient(ocpp::net::EventLoop& loop, AttemptLog& log)
        : loop_(loop)
        , log_(log) {}
    void connect(const ocpp::net::ConnectOptions& options, ConnectHandler on_done) override {
        const int now = ++log_.in_flight;
        int seen = log_.max_in_flight;
        while (now > seen && !log_.max_in_flight.compare_exchange_weak(seen, now)) {
        }
        ++log_.attempts;
        {
            std::lock_guard<std::mutex> lock(log_.mutex);
            log_.urls.push_back(options.url);
            log_.sources.insert(options.source_address);
        }
        timers_.push_back(loop_.make_timer());
        timers_.back()->start(30ms, [this, done = std::move(on_done)] {
            --log_.in_flight;
            done(nullptr, ocpp::net::ConnectError{ocpp::net::ConnectError::Kind::Refused, 0, "refused"});
        });
    }
    std::size_t connection_count() const override { return 0; }

private:
    ocpp::net::EventLoop& loop_;
    AttemptLog& log_;
    std::vector<std::unique_ptr<ocpp::Timer>> timers_;
};

FleetTransport refusing_transport(AttemptLog& attempts) {
    FleetTransport t = default_transport();
    t.make_client = [&attempts](ocpp::net::EventLoop& loop, const ocpp::net::ClientConfig&, const ocpp::Logger&) {
        return std::make_unique<RefusingClient>(loop, attempts);
    };
    return t;
}

TEST(Fleet, CapsConnectionAttemptsInFlight) {
    AttemptLog attempts;
    Options o = fleet_options("ws://127.0.0.1:9/ocpp", 40);
    o.ramp = 100'000;
    o.handshakes_in_flight = 4;
    o.source_ips = {"127.0.0.1", "127.0.0.2"};
    auto planned = plan_chargers(o);
    ASSERT_TRUE(planned);
    ocpp::Logger log(ocpp::LogLevel::Off);
    const auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    Fleet fleet(fleet_config(o), std::move(*planned), *schemas, log, refusing_transport(attempts));
    fleet.start();
    ASSERT_TRUE(wait_until([&] { return attempts.attempts >= 40; }, 10s));
    // Refusals are counted while running (the snapshot is published once a second); once stopping, an abandoned
    // attempt is no error.
    ASSERT_TRUE(wait_until(
        [&] {
            const Stats now = fleet.snapshot();
            auto it = now.connect_errors.find("refused");
            return it != now.connect_errors.end() && it->second >= 40u;
        },
        10s));
    EXPECT_TRUE(fleet.stop(10s));
    EXPECT_LE(attempts.max_in_flight.load(), 4);
    EXPECT_GE(attempts.max_in_flight.load(), 2);
    std::lock_guard<std::mutex> lock(attempts.mutex);
    std::set<std::string> urls(attempts.urls.begin(), attempts.urls.end());
    EXPECT_EQ(urls.count("ws://127.0.0.1:9/ocpp/SIM000001"), 1u);
    EXPECT_EQ(urls.count("ws://127.0.0.1:9/ocpp/SIM000040"), 1u);
    EXPECT_EQ(attempts.sources, (std::set<std::string>{"127.0.0.1", "127.0.0.2"}));
    const Stats s = fleet.snapshot();
    EXPECT_GE(s.connect_errors.at("refused"), 40u);
}

TEST(Fleet, RampsAtTheGivenRate) {
    AttemptLog attempts;
    Options o = fleet_options("ws://127.0.0.1:9/ocpp", 40);
    o.ramp = 20; // 10 per second on each of two loops
    auto planned = plan_chargers(o);
    ASSERT_TRUE(planned);
    ocpp::Logger log(ocpp::LogLevel::Off);
    const auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    Fleet fleet(fleet_config(o), std::move(*planned), *schemas, log, refusing_transport(attempts));
    const auto start = std::chrono::steady_clock::now();
    fleet.start();
    std::this_thread::sleep_for(500ms);
    std::set<std::string> started;
    {
        std::lock_guard<std::mutex> lock(attempts.mutex);
        started.insert(attempts.urls.begin(), attempts.urls.end());
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(fleet.stop(10s));
    // One charger per loop at once, then 20 per second; slack for a slow machine.
    EXPECT_GE(started.size(), 2u);
    EXPECT_LE(static_cast<double>(started.size()), 2 + 20 * elapsed + 2);
}

} // namespace
} // namespace sim
