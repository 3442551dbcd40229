// Smart charging: GetCompositeSchedule with 3 stacked profiles of 24 periods beside a baseline of one profile of one
// period (same call, same window), limit_at for the meter, and the heap a TxDefaultProfile adds to a simulated
// charger (a fleet of in-memory chargers measured before and after each one received the profile).
#include <malloc.h>

#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include "ocpp/net/memory_transport.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "simulator/charger/charger.hpp"

namespace {

using namespace ocpp::v16;
using ocpp::smartcharging::ProfileStore;

const ocpp::DateTime kStart = *ocpp::parse_datetime("2026-03-02T00:00:00Z");

ChargingProfile default_profile(int id, int stack, int periods, int step_s, int duration_s) {
    ChargingProfile p;
    p.chargingProfileId = id;
    p.stackLevel = stack;
    p.chargingProfilePurpose = ChargingProfilePurposeType::TxDefaultProfile;
    p.chargingProfileKind = ChargingProfileKindType::Absolute;
    p.chargingSchedule.startSchedule = kStart;
    p.chargingSchedule.duration = duration_s;
    p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
    for (int i = 0; i < periods; ++i) {
        p.chargingSchedule.chargingSchedulePeriod.push_back(
            ChargingSchedulePeriod{i * step_s, 6.0 + (i * 7 + stack) % 26, std::nullopt});
    }
    return p;
}

ProfileStore stacked(int profiles) {
    ocpp::smartcharging::Limits l;
    l.connectors = 2;
    ProfileStore s(l);
    if (profiles == 1) {
        (void)s.set(1, default_profile(1, 0, 1, 3600, 86400));
        return s;
    }
    // Stack level 0 over the day (hourly), 1 over 16 h (every 40 min), 2 over 8 h (every 20 min): 24 periods each.
    (void)s.set(1, default_profile(1, 0, 24, 3600, 86400));
    (void)s.set(1, default_profile(2, 1, 24, 2400, 57600));
    (void)s.set(1, default_profile(3, 2, 24, 1200, 28800));
    return s;
}

void BM_CompositeBaseline1x1(benchmark::State& state) {
    const auto s = stacked(1);
    for (auto _ : state) {
        auto conf = s.composite(1, kStart, 86400, ChargingRateUnitType::A);
        benchmark::DoNotOptimize(conf);
    }
}
BENCHMARK(BM_CompositeBaseline1x1);

void BM_Composite3x24(benchmark::State& state) {
    const auto s = stacked(3);
    std::size_t periods = 0;
    for (auto _ : state) {
        auto conf = s.composite(1, kStart, 86400, ChargingRateUnitType::A);
        periods = conf.chargingSchedule->chargingSchedulePeriod.size();
        benchmark::DoNotOptimize(conf);
    }
    state.counters["periods"] = static_cast<double>(periods);
}
BENCHMARK(BM_Composite3x24);

void BM_LimitAt3x24(benchmark::State& state) {
    const auto s = stacked(3);
    long long t = 0;
    for (auto _ : state) {
        auto l = s.limit_at(1, kStart + std::chrono::seconds(t));
        t = (t + 997) % 86400;
        benchmark::DoNotOptimize(l);
    }
}
BENCHMARK(BM_LimitAt3x24);

std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

// N chargers booted against an in-memory central system that keeps every connection, then a 24-period
// TxDefaultProfile to each. Counters: heap per charger (with its connection and the central system's side of it)
// before and after, and what the profile added.
void BM_FleetHeapWithTxDefaultProfile(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    for (auto _ : state) {
        ocpp::ManualClock clock;
        ocpp::ManualExecutor ex{clock};
        auto schemas = ocpp::validation::Registry::v16().value();
        ocpp::Logger log{ocpp::LogLevel::Off};
        sim::Stats stats;
        std::vector<std::shared_ptr<ocpp::Peer>> cs_peers;
        cs_peers.reserve(static_cast<std::size_t>(n));
        sim::ChargerEnv env{ex,
                            schemas,
                            log,
                            stats,
                            ocpp::PeerConfig{},
                            [&](const sim::ChargerSpec&, ocpp::net::Client::ConnectHandler done) {
                                auto [cs_side, cp_side] = ocpp::net::make_memory_pair(ex);
                                auto peer = ocpp::Peer::create(cs_side, schemas, ocpp::PeerConfig{}, log);
                                peer->on<BootNotificationReq>(
                                    [](const BootNotificationReq&, ocpp::Reply<BootNotificationConf> r) {
                                        r(BootNotificationConf{kStart, 86400, RegistrationStatus::Accepted});
                                    });
                                peer->on<StatusNotificationReq>(
                                    [](const StatusNotificationReq&, ocpp::Reply<StatusNotificationConf> r) {
                                        r(StatusNotificationConf{});
                                    });
                                cs_peers.push_back(peer);
                                ex.post([done, cp = cp_side] { done(cp, std::nullopt); });
                            }};
        const std::size_t before = heap_in_use();
        std::vector<std::shared_ptr<sim::Charger>> fleet;
        fleet.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            sim::ChargerSpec spec;
            spec.id = "SIM" + std::to_string(i);
            spec.sessions_per_hour = 0;
            fleet.push_back(std::make_shared<sim::Charger>(spec, env, static_cast<std::uint64_t>(i)));
            fleet.back()->start();
        }
        ex.advance(std::chrono::seconds(2));
        const std::size_t booted = heap_in_use();
        const auto profile = default_profile(1, 0, 24, 3600, 86400);
        int accepted = 0;
        for (auto& peer : cs_peers) {
            peer->call(SetChargingProfileReq{0, profile}, [&](ocpp::CallOutcome<SetChargingProfileConf> o) {
                accepted += o.ok() && o.conf->status == ChargingProfileStatus::Accepted ? 1 : 0;
            });
        }
        ex.advance(std::chrono::seconds(2));
        const std::size_t with_profile = heap_in_use();
        state.counters["chargers"] = n;
        state.counters["accepted"] = accepted;
        state.counters["heap_per_charger_B"] = static_cast<double>(booted - before) / n;
        state.counters["heap_per_charger_with_profile_B"] = static_cast<double>(with_profile - before) / n;
        state.counters["profile_added_B"] =
            (static_cast<double>(with_profile) - static_cast<double>(booted)) / static_cast<double>(n);
        for (auto& c : fleet) {
            c->stop([] {});
        }
        ex.advance(std::chrono::seconds(5));
    }
}
BENCHMARK(BM_FleetHeapWithTxDefaultProfile)->Arg(2000)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
