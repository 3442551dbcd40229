// The real ocpp-simulator binary against a small central system in this test: it sends a TxDefaultProfile whose
// limit drops after 4 s, reads GetCompositeSchedule, starts a session remotely, and checks that the metered power
// follows the profile.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"

using namespace ocpp;
using namespace ocpp::v16;

namespace {

constexpr double kWattsPerAmp = 230.0 * 3;

struct Observed {
    std::mutex mutex;
    std::vector<ChargingProfileStatus> set_status;
    std::optional<GetCompositeScheduleConf> composite;
    std::optional<RemoteStartStopStatus> remote_start;
    std::vector<double> power; // Power.Active.Import of every MeterValues, in order
    std::vector<double> current;
    int starts = 0;
};

ChargingProfile dropping_default() {
    ChargingProfile p;
    p.chargingProfileId = 1;
    p.stackLevel = 0;
    p.chargingProfilePurpose = ChargingProfilePurposeType::TxDefaultProfile;
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
    p.chargingSchedule.chargingSchedulePeriod = {{0, 10.0, std::nullopt}, {4, 6.0, std::nullopt}};
    return p;
}

// After the boot: the profile, the composite schedule, then a remote start on connector 1.
void drive(const std::shared_ptr<Peer>& peer, Observed& seen) {
    peer->call(SetChargingProfileReq{0, dropping_default()}, [peer, &seen](CallOutcome<SetChargingProfileConf> o) {
        {
            std::lock_guard<std::mutex> lock(seen.mutex);
            seen.set_status.push_back(o.ok() ? o.conf->status : ChargingProfileStatus::NotSupported);
        }
        peer->call(GetCompositeScheduleReq{1, 60, ChargingRateUnitType::A},
                   [peer, &seen](CallOutcome<GetCompositeScheduleConf> c) {
                       {
                           std::lock_guard<std::mutex> lock(seen.mutex);
                           if (c.ok()) {
                               seen.composite = *c.conf;
                           }
                       }
                       RemoteStartTransactionReq start;
                       start.connectorId = 1;
                       start.idTag = "SC-TAG";
                       peer->call(start, [&seen](CallOutcome<RemoteStartTransactionConf> r) {
                           std::lock_guard<std::mutex> lock(seen.mutex);
                           if (r.ok()) {
                               seen.remote_start = r.conf->status;
                           }
                       });
                   });
    });
}

void serve(const std::shared_ptr<Peer>& peer, Observed& seen, net::EventLoop& loop) {
    std::weak_ptr<Peer> weak = peer;
    peer->on<BootNotificationReq>([weak, &seen, &loop](const BootNotificationReq&, Reply<BootNotificationConf> r) {
        r(BootNotificationConf{DateTime::now(), 300, RegistrationStatus::Accepted});
        loop.post([weak, &seen] {
            if (auto p = weak.lock()) {
                drive(p, seen);
            }
        });
    });
    peer->on<StatusNotificationReq>(
        [](const StatusNotificationReq&, Reply<StatusNotificationConf> r) { r(StatusNotificationConf{}); });
    peer->on<HeartbeatReq>([](const HeartbeatReq&, Reply<HeartbeatConf> r) { r(HeartbeatConf{DateTime::now()}); });
    peer->on<AuthorizeReq>([](const AuthorizeReq&, Reply<AuthorizeConf> r) {
        AuthorizeConf conf;
        conf.idTagInfo.status = AuthorizationStatus::Accepted;
        r(conf);
    });
    peer->on<StartTransactionReq>([&seen](const StartTransactionReq&, Reply<StartTransactionConf> r) {
        {
            std::lock_guard<std::mutex> lock(seen.mutex);
            ++seen.starts;
        }
        StartTransactionConf conf;
        conf.transactionId = 1;
        conf.idTagInfo.status = AuthorizationStatus::Accepted;
        r(conf);
    });
    peer->on<MeterValuesReq>([&seen](const MeterValuesReq& req, Reply<MeterValuesConf> r) {
        std::lock_guard<std::mutex> lock(seen.mutex);
        for (const auto& mv : req.meterValue) {
            for (const auto& s : mv.sampledValue) {
                if (s.measurand == Measurand::Power_Active_Import) {
                    seen.power.push_back(std::stod(s.value));
                } else if (s.measurand == Measurand::Current_Import) {
                    seen.current.push_back(std::stod(s.value));
                }
            }
        }
        r(MeterValuesConf{});
    });
    peer->on<StopTransactionReq>(
        [](const StopTransactionReq&, Reply<StopTransactionConf> r) { r(StopTransactionConf{}); });
}

TEST(SimulatorSmartCharging, MeteredPowerFollowsTheProfileTheCentralSystemSent) {
    Logger log(LogLevel::Off);
    auto schemas = validation::Registry::v16();
    ASSERT_TRUE(schemas) << schemas.error().message;
    Observed seen;
    ocppkit::test::LoopThread lt{ocppkit::test::LoopThread::Start::Later};
    auto server = net::Server::create(lt.loop(), net::ServerConfig{}, log);
    std::vector<std::shared_ptr<Peer>> peers;
    server->set_open_handler([&](net::SessionPtr session) {
        auto peer = Peer::create(std::move(session), *schemas, PeerConfig{}, log);
        serve(peer, seen, lt.loop());
        peers.push_back(peer);
    });
    auto listening = server->listen();
    ASSERT_TRUE(listening) << listening.error().message;
    lt.start();

    const std::string url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp";
    ocppkit::test::ChildProcess sim(ocppkit::test::program("ocpp-simulator"),
                                    {"run", "--url", url, "--chargers", "1", "--connectors", "1", "--meter-interval",
                                     "1", "--sessions-per-hour", "0", "--session-minutes", "1,1,1", "--duration", "10",
                                     "--log-level", "off"});
    ASSERT_TRUE(sim.error().empty()) << sim.error();
    const auto code = sim.wait(std::chrono::seconds(40));
    if (!code) {
        sim.kill();
    }
    lt.stop([&] {
        server->shutdown();
        peers.clear();
    });
    EXPECT_TRUE(code.has_value()) << "the simulator did not end after --duration";

    std::lock_guard<std::mutex> lock(seen.mutex);
    ASSERT_EQ(seen.set_status, std::vector<ChargingProfileStatus>{ChargingProfileStatus::Accepted});
    ASSERT_TRUE(seen.composite && seen.composite->chargingSchedule);
    EXPECT_EQ(seen.composite->status, GetCompositeScheduleStatus::Accepted);
    const auto& periods = seen.composite->chargingSchedule->chargingSchedulePeriod;
    ASSERT_EQ(periods.size(), 2u);
    EXPECT_EQ(periods[0].startPeriod, 0);
    EXPECT_EQ(periods[0].limit, 10.0);
    EXPECT_EQ(periods[1].startPeriod, 4);
    EXPECT_EQ(periods[1].limit, 6.0);
    EXPECT_EQ(seen.remote_start, RemoteStartStopStatus::Accepted);
    EXPECT_EQ(seen.starts, 1);
    // Meter values every second for about 8 s: 10 A (6900 W) first, 6 A (4140 W) from 4 s into the session.
    ASSERT_GE(seen.power.size(), 5u);
    EXPECT_DOUBLE_EQ(seen.power.front(), 10 * kWattsPerAmp);
    EXPECT_DOUBLE_EQ(seen.power.back(), 6 * kWattsPerAmp);
    EXPECT_NEAR(seen.current.back(), 6.0, 0.05);
    for (std::size_t i = 1; i < seen.power.size(); ++i) {
        EXPECT_TRUE(seen.power[i] == seen.power[i - 1] || seen.power[i] == 6 * kWattsPerAmp) << i;
    }
}

} // namespace
