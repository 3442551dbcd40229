// The simulated charger's SmartCharging profile against the in-memory central system on the manual clock:
// profiles accepted and rejected, the composite schedule, and the power and energy following the limits.
#include <cmath>

#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;

namespace {

constexpr double kWattsPerAmp = 230.0 * 3;

ChargingProfile profile(int id, ChargingProfilePurposeType purpose, std::vector<std::pair<int, double>> periods) {
    ChargingProfile p;
    p.chargingProfileId = id;
    p.chargingProfilePurpose = purpose;
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
    for (const auto& [start, limit] : periods) {
        p.chargingSchedule.chargingSchedulePeriod.push_back(ChargingSchedulePeriod{start, limit, std::nullopt});
    }
    return p;
}

class ChargerSmartCharging : public ::testing::Test, protected sim::testing::ChargerWorld {
protected:
    void SetUp() override {
        spec.id = "SIM000001";
        spec.sessions_per_hour = 0;
        spec.power_kw = 11.0;
        spec.meter_interval = 60s;
        spec.session_min = spec.session_mean = spec.session_max = 30min;
    }
    std::shared_ptr<Charger> boot() {
        auto ch = std::make_shared<Charger>(spec, env, 7);
        ch->start();
        ex.advance(1s);
        EXPECT_TRUE(ch->booted());
        return ch;
    }
    template <class Req> std::optional<typename Req::Response> ask(const Req& req) {
        std::optional<typename Req::Response> conf;
        cs.peer->call(req, [&](ocpp::CallOutcome<typename Req::Response> o) {
            if (o.ok()) {
                conf = *o.conf;
            }
        });
        ex.advance(100ms);
        return conf;
    }
    std::optional<ChargingProfileStatus> set(int connector, const ChargingProfile& p) {
        auto conf = ask(SetChargingProfileReq{connector, p});
        return conf ? std::optional<ChargingProfileStatus>(conf->status) : std::nullopt;
    }
    static double measured(const MeterValuesReq& mv, Measurand m) {
        for (const auto& s : mv.meterValue[0].sampledValue) {
            if (s.measurand == m) {
                return std::stod(s.value);
            }
        }
        return -1;
    }
    std::vector<ChargePointStatus> statuses_of(int connector) const {
        std::vector<ChargePointStatus> out;
        for (const auto& s : cs.statuses) {
            if (s.connectorId == connector) {
                out.push_back(s.status);
            }
        }
        return out;
    }

    sim::ChargerSpec spec;
};

TEST_F(ChargerSmartCharging, TheFourConfigurationKeysArePresentAndReadOnly) {
    auto ch = boot();
    GetConfigurationReq req;
    req.key = std::vector<std::string>{"ChargeProfileMaxStackLevel", "ChargingScheduleAllowedChargingRateUnit",
                                       "ChargingScheduleMaxPeriods", "MaxChargingProfilesInstalled"};
    const auto conf = ask(req);
    ASSERT_TRUE(conf && conf->configurationKey);
    ASSERT_EQ(conf->configurationKey->size(), 4u);
    EXPECT_FALSE(conf->unknownKey);
    for (const auto& kv : *conf->configurationKey) {
        EXPECT_TRUE(kv.readonly) << kv.key;
    }
    EXPECT_EQ((*conf->configurationKey)[1].value, "Current,Power");
    const auto change = ask(ChangeConfigurationReq{"ChargingScheduleMaxPeriods", "1000"});
    ASSERT_TRUE(change);
    EXPECT_EQ(change->status, ConfigurationStatus::Rejected);
}

TEST_F(ChargerSmartCharging, ASessionDrawsTheTxDefaultLimit) {
    auto ch = boot();
    ASSERT_EQ(set(0, profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 10}})),
              ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(30min + 5s);
    ASSERT_EQ(cs.stops.size(), 1u);
    // 10 A on 3 phases at 230 V is 6.9 kW; for 30 minutes 3450 Wh.
    EXPECT_NEAR(cs.stops[0].meterStop - cs.starts[0].meterStart, 3450, 10);
    ASSERT_GE(cs.meter_values.size(), 20u);
    const auto& mv = cs.meter_values[10];
    EXPECT_DOUBLE_EQ(measured(mv, Measurand::Power_Active_Import), 6900.0);
    EXPECT_DOUBLE_EQ(measured(mv, Measurand::Current_Import), 10.0);
    EXPECT_GT(measured(mv, Measurand::SoC), 0.0);
}

TEST_F(ChargerSmartCharging, PowerFollowsAScheduleThatChangesAndSuspendsAtZero) {
    auto ch = boot();
    // 16 A (capped at the connector's 11 kW) for 10 min, 0 A for 10 min, then 8 A.
    ASSERT_EQ(set(1, profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}, {600, 0}, {1200, 8}})),
              ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 11000.0);
    ex.advance(15min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::SuspendedEVSE);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 0.0);
    ex.advance(10min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 8 * kWattsPerAmp);
    ex.advance(6min);
    ASSERT_EQ(cs.stops.size(), 1u);
    const double expected = 11000.0 * 600 / 3600 + 8 * kWattsPerAmp * 600 / 3600;
    EXPECT_NEAR(cs.stops[0].meterStop - cs.starts[0].meterStart, expected, 15);
    const auto st = statuses_of(1);
    EXPECT_NE(std::find(st.begin(), st.end(), ChargePointStatus::SuspendedEVSE), st.end());
    // Every meter value's power matches the schedule at its time.
    for (const auto& mv : cs.meter_values) {
        const double p = measured(mv, Measurand::Power_Active_Import);
        EXPECT_TRUE(p == 11000.0 || p == 0.0 || std::abs(p - 8 * kWattsPerAmp) < 0.1) << p;
    }
}

TEST_F(ChargerSmartCharging, SessionsShareTheChargePointMaxProfile) {
    auto ch = boot();
    ASSERT_EQ(set(0, profile(1, ChargingProfilePurposeType::ChargePointMaxProfile, {{0, 16}})),
              ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(10min);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 11000.0); // alone: 16 A is more than the connector's 11 kW
    ASSERT_TRUE(ch->plug_in(2, "TAG-2"));
    ex.advance(1s);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 8 * kWattsPerAmp);
    EXPECT_DOUBLE_EQ(ch->power_w(2), 8 * kWattsPerAmp);
    ex.advance(20min + 5s); // session 1 ends at 30 min
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_DOUBLE_EQ(ch->power_w(2), 11000.0);
    // Session 1: 10 min at 11 kW, then 20 min at 5520 W.
    EXPECT_NEAR(cs.stops[0].meterStop - cs.starts[0].meterStart, 11000.0 / 6 + 5520.0 / 3, 15);
}

TEST_F(ChargerSmartCharging, OnePhaseProfileMetersItsCurrentOnOnePhase) {
    auto ch = boot();
    auto p = profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}});
    p.chargingSchedule.chargingSchedulePeriod[0].numberPhases = 1;
    ASSERT_EQ(set(0, p), ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(2min);
    ASSERT_FALSE(cs.meter_values.empty());
    EXPECT_DOUBLE_EQ(measured(cs.meter_values.back(), Measurand::Power_Active_Import), 16 * 230.0);
    EXPECT_DOUBLE_EQ(measured(cs.meter_values.back(), Measurand::Current_Import), 16.0);
}

TEST_F(ChargerSmartCharging, ALimitBelowMinChargingRateSuspendsTheSession) {
    auto ch = boot();
    auto p = profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 10}, {300, 4}});
    p.chargingSchedule.minChargingRate = 6;
    ASSERT_EQ(set(1, p), ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(4min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
    ex.advance(2min);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::SuspendedEVSE);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 0.0);
}

TEST_F(ChargerSmartCharging, RejectsBadProfilesAndKeepsTheInstalledOnes) {
    auto ch = boot();
    ASSERT_EQ(set(1, profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}})),
              ChargingProfileStatus::Accepted);
    EXPECT_EQ(set(1, profile(2, ChargingProfilePurposeType::TxProfile, {{0, 6}})), ChargingProfileStatus::Rejected);
    EXPECT_EQ(set(1, profile(3, ChargingProfilePurposeType::ChargePointMaxProfile, {{0, 6}})),
              ChargingProfileStatus::Rejected);
    std::vector<std::pair<int, double>> many;
    for (int i = 0; i < 25; ++i) {
        many.emplace_back(i * 60, 6.0);
    }
    EXPECT_EQ(set(1, profile(1, ChargingProfilePurposeType::TxDefaultProfile, many)), ChargingProfileStatus::Rejected);
    auto high = profile(4, ChargingProfilePurposeType::TxDefaultProfile, {{0, 6}});
    high.stackLevel = 11;
    EXPECT_EQ(set(1, high), ChargingProfileStatus::Rejected);
    EXPECT_EQ(set(1, profile(5, ChargingProfilePurposeType::TxDefaultProfile, {{0, -3}})),
              ChargingProfileStatus::Rejected);
    ASSERT_NE(ch->charging_profiles(), nullptr);
    ASSERT_EQ(ch->charging_profiles()->size(), 1u);
    EXPECT_EQ(ch->charging_profiles()->installed()[0].profile.chargingSchedule.chargingSchedulePeriod[0].limit, 16);
}

TEST_F(ChargerSmartCharging, AnUnknownUnitIsACallErrorAndInstallsNothing) {
    auto ch = boot();
    std::optional<ocpp::RawOutcome> out;
    cs.peer->call_text(
        "SetChargingProfile",
        R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,)"
        R"("chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Relative",)"
        R"("chargingSchedule":{"chargingRateUnit":"kW","chargingSchedulePeriod":)"
        R"([{"startPeriod":0,"limit":7.0}]}}})",
        [&](ocpp::RawOutcome o) { out = std::move(o); }, {}, false);
    ex.advance(1s);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->status, ocpp::CallStatus::CallError);
    EXPECT_TRUE(ch->charging_profiles() == nullptr || ch->charging_profiles()->size() == 0u);
}

TEST_F(ChargerSmartCharging, MaxChargingProfilesInstalledIsEnforced) {
    auto ch = boot();
    for (int i = 0; i < 10; ++i) {
        auto p = profile(i + 1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}});
        p.stackLevel = i;
        ASSERT_EQ(set(1, p), ChargingProfileStatus::Accepted) << i;
    }
    auto p = profile(11, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}});
    p.stackLevel = 10;
    EXPECT_EQ(set(1, p), ChargingProfileStatus::Rejected);
}

TEST_F(ChargerSmartCharging, GetCompositeScheduleCombinesTheProfiles) {
    auto ch = boot();
    auto max = profile(1, ChargingProfilePurposeType::ChargePointMaxProfile, {{0, 12}});
    ASSERT_EQ(set(0, max), ChargingProfileStatus::Accepted);
    ASSERT_EQ(set(1, profile(2, ChargingProfilePurposeType::TxDefaultProfile, {{0, 16}, {300, 6}})),
              ChargingProfileStatus::Accepted);
    const auto conf = ask(GetCompositeScheduleReq{1, 600, ChargingRateUnitType::A});
    ASSERT_TRUE(conf && conf->chargingSchedule);
    EXPECT_EQ(conf->status, GetCompositeScheduleStatus::Accepted);
    const auto& periods = conf->chargingSchedule->chargingSchedulePeriod;
    ASSERT_EQ(periods.size(), 2u);
    EXPECT_EQ(periods[0].limit, 12);
    EXPECT_EQ(periods[1].startPeriod, 300);
    EXPECT_EQ(periods[1].limit, 6);
    const auto watts = ask(GetCompositeScheduleReq{1, 600, ChargingRateUnitType::W});
    ASSERT_TRUE(watts && watts->chargingSchedule);
    EXPECT_EQ(watts->chargingSchedule->chargingSchedulePeriod[0].limit, 12 * kWattsPerAmp);
    const auto bad = ask(GetCompositeScheduleReq{9, 600, std::nullopt});
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, GetCompositeScheduleStatus::Rejected);
}

TEST_F(ChargerSmartCharging, ClearChargingProfileRestoresFullPower) {
    auto ch = boot();
    ASSERT_EQ(set(1, profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 6}})),
              ChargingProfileStatus::Accepted);
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(10min);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 6 * kWattsPerAmp);
    ClearChargingProfileReq clear;
    clear.id = 1;
    const auto conf = ask(clear);
    ASSERT_TRUE(conf);
    EXPECT_EQ(conf->status, ClearChargingProfileStatus::Accepted);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 11000.0);
    const auto again = ask(clear);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, ClearChargingProfileStatus::Unknown);
    ex.advance(21min);
    ASSERT_EQ(cs.stops.size(), 1u);
    // 10 minutes at 4140 W, 20 minutes at 11 kW.
    EXPECT_NEAR(cs.stops[0].meterStop - cs.starts[0].meterStart, 4140.0 / 6 + 11000.0 / 3, 15);
}

TEST_F(ChargerSmartCharging, RemoteStartWithATxProfileLimitsThatSession) {
    auto ch = boot();
    RemoteStartTransactionReq req;
    req.connectorId = 1;
    req.idTag = "TAG-1";
    req.chargingProfile = profile(7, ChargingProfilePurposeType::TxProfile, {{0, 8}});
    const auto conf = ask(req);
    ASSERT_TRUE(conf);
    EXPECT_EQ(conf->status, RemoteStartStopStatus::Accepted);
    ex.advance(2s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 8 * kWattsPerAmp);
    ex.advance(31min);
    ASSERT_EQ(cs.stops.size(), 1u);
    // The TxProfile ended with its transaction.
    EXPECT_EQ(ch->charging_profiles()->size(), 0u);
}

TEST_F(ChargerSmartCharging, RemoteStartWithAProfileThatIsNotATxProfileIsRejected) {
    auto ch = boot();
    RemoteStartTransactionReq req;
    req.connectorId = 1;
    req.idTag = "TAG-1";
    req.chargingProfile = profile(7, ChargingProfilePurposeType::TxDefaultProfile, {{0, 8}});
    const auto conf = ask(req);
    ASSERT_TRUE(conf);
    EXPECT_EQ(conf->status, RemoteStartStopStatus::Rejected);
    ex.advance(5s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_TRUE(cs.starts.empty());
    EXPECT_EQ(ch->charging_profiles()->size(), 0u);
}

TEST_F(ChargerSmartCharging, ATxProfileForTheRunningTransactionEndsWithIt) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    ASSERT_EQ(ch->transaction_id(1), 100);
    auto wrong = profile(1, ChargingProfilePurposeType::TxProfile, {{0, 6}});
    wrong.transactionId = 99;
    EXPECT_EQ(set(1, wrong), ChargingProfileStatus::Rejected);
    auto right = wrong;
    right.transactionId = 100;
    EXPECT_EQ(set(1, right), ChargingProfileStatus::Accepted);
    EXPECT_DOUBLE_EQ(ch->power_w(1), 6 * kWattsPerAmp);
    ex.advance(31min);
    EXPECT_EQ(ch->charging_profiles()->size(), 0u);
}

TEST_F(ChargerSmartCharging, WithoutTheProfileTheActionsAreNotSupported) {
    spec.profiles.smart_charging = false;
    auto ch = boot();
    std::optional<ocpp::CallStatus> status;
    cs.peer->call(SetChargingProfileReq{1, profile(1, ChargingProfilePurposeType::TxDefaultProfile, {{0, 6}})},
                  [&](ocpp::CallOutcome<SetChargingProfileConf> o) { status = o.status; });
    ex.advance(1s);
    EXPECT_EQ(status, ocpp::CallStatus::CallError);
    EXPECT_EQ(ch->charging_profiles(), nullptr);
    GetConfigurationReq req;
    req.key = std::vector<std::string>{"ChargeProfileMaxStackLevel"};
    const auto conf = ask(req);
    ASSERT_TRUE(conf && conf->unknownKey);
    EXPECT_EQ((*conf->unknownKey)[0], "ChargeProfileMaxStackLevel");
}

} // namespace
