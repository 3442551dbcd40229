// GetCompositeSchedule and limit_at: the stacking and combining rules of OCPP 1.6 section 3.13, its worked
// examples (and those of the compliance cases on stacking and combining), and our own case for every rule.
#include <gtest/gtest.h>

#include "tests/smartcharging/profile_builder.hpp"

namespace {

using namespace sc_test;
using ocpp::smartcharging::ProfileStore;
using Periods = std::vector<std::pair<int, double>>;

constexpr double kW3 = 230.0 * 3; // watts per ampere on three phases

Periods composite(const ProfileStore& s, int connector, ocpp::DateTime now, int duration,
                  ChargingRateUnitType unit = ChargingRateUnitType::A) {
    const auto conf = s.composite(connector, now, duration, unit);
    EXPECT_EQ(conf.status, GetCompositeScheduleStatus::Accepted);
    return periods_of(conf);
}

// Stacking (§3.13.2, as the stacking compliance case sends it): two TxDefaultProfiles with the same start, the
// higher stack level runs for 150 s only; after that the lower one leads again where it is defined.
TEST(CompositeSpecExamples, StackingHigherLevelLeadsWhileDefined) {
    ProfileStore s(limits());
    auto low = default_profile(1, 0, {{0, 6}, {100, 8}, {200, 10}});
    low.chargingSchedule.duration = 400;
    auto high = default_profile(2, 1, {{0, 10}, {100, 6}});
    high.chargingSchedule.duration = 150;
    ASSERT_TRUE(s.set(1, low).accepted());
    ASSERT_TRUE(s.set(1, high).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 400), (Periods{{0, 10}, {100, 6}, {150, 8}, {200, 10}}));
    // Beyond both schedules nothing limits but the hardware.
    s.limits().connector_max_w = 22 * kW3;
    EXPECT_EQ(composite(s, 1, t0(), 500), (Periods{{0, 10}, {100, 6}, {150, 8}, {200, 10}, {400, 22}}));
}

// Combining purposes (§3.13.3, as the composite schedule compliance case sends it): a ChargePointMaxProfile of
// 10 A caps a TxDefaultProfile and a TxProfile; the TxProfile overrides the TxDefaultProfile.
TEST(CompositeSpecExamples, CombiningPurposes) {
    ProfileStore s(limits());
    s.transaction_started(1, t0(), 7);
    auto max = max_profile(1, 0, {{0, 10}});
    max.chargingSchedule.duration = 86400;
    auto def = default_profile(2, 0, {{0, 6}, {50, 14}});
    auto tx = tx_profile(3, 0, {{0, 8}, {100, 12}, {200, 4}});
    tx.chargingSchedule.duration = 260;
    ASSERT_TRUE(s.set(0, max).accepted());
    ASSERT_TRUE(s.set(1, def).accepted());
    ASSERT_TRUE(s.set(1, tx).accepted());
    // TxProfile 8, 12->10 (capped), 4; after it ends the TxDefaultProfile's 14 capped to 10.
    EXPECT_EQ(composite(s, 1, t0(), 400), (Periods{{0, 8}, {100, 10}, {200, 4}, {260, 10}}));
}

// §3.13.2's holiday example: a recurring weekly default, and on one day a higher stack level valid only then.
TEST(CompositeSpecExamples, AHigherStackLevelValidOnOneDayOverridesTheWeeklyDefault) {
    ProfileStore s(limits());
    auto weekly = default_profile(1, 0, {{0, 16}, {8 * 3600, 10}, {20 * 3600, 16}});
    weekly.chargingProfileKind = ChargingProfileKindType::Recurring;
    weekly.recurrencyKind = RecurrencyKindType::Daily;
    auto holiday = default_profile(2, 1, {{0, 32}});
    holiday.validFrom = at(2 * 86400);
    holiday.validTo = at(3 * 86400);
    ASSERT_TRUE(s.set(0, weekly).accepted());
    ASSERT_TRUE(s.set(0, holiday).accepted());
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(86400 + 9 * 3600)).watts, 10 * kW3);
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(2 * 86400 + 9 * 3600)).watts, 32 * kW3);
    EXPECT_EQ(composite(s, 1, at(2 * 86400 - 3600), 2 * 3600), (Periods{{0, 16}, {3600, 32}}));
    EXPECT_EQ(composite(s, 1, at(3 * 86400 - 3600), 2 * 3600), (Periods{{0, 32}, {3600, 16}}));
}

TEST(Composite, NoProfileMeansTheHardwareLimit) {
    auto l = limits();
    l.connector_max_w = 11000;
    ProfileStore s(l);
    EXPECT_EQ(composite(s, 1, t0(), 3600, ChargingRateUnitType::W), (Periods{{0, 11000}}));
    EXPECT_EQ(composite(s, 0, t0(), 3600, ChargingRateUnitType::W), (Periods{{0, 22000}}));
}

TEST(Composite, AmperesGoThroughWattsWithoutLoss) {
    // Every tenth of an ampere from 0.1 A to 80 A, as a ChargePointMaxProfile on a connector whose hardware is above
    // it, reads back exactly in A (no 16 A -> 15.9 A through W).
    for (int tenths = 1; tenths <= 800; ++tenths) {
        const double amps = tenths / 10.0;
        auto l = limits();
        l.connector_max_w = 100 * kW3;
        ProfileStore s(l);
        ASSERT_TRUE(s.set(0, max_profile(1, 0, {{0, amps}})).accepted()) << amps;
        EXPECT_EQ(composite(s, 1, t0(), 60), (Periods{{0, amps}})) << amps;
        EXPECT_EQ(composite(s, 0, t0(), 60), (Periods{{0, amps}})) << amps;
    }
}

TEST(Composite, AnElevenKilowattConnectorBindsBelowASixteenAmpereCap) {
    // 11,000 W on 3 x 230 V is 15.94 A: the hardware, not the 16 A profile, is the limit, shown to one decimal. A
    // "16 A" connector is 11.04 kW.
    auto l = limits();
    l.connector_max_w = 11000;
    ProfileStore eleven(l);
    ASSERT_TRUE(eleven.set(0, max_profile(1, 0, {{0, 16}})).accepted());
    EXPECT_EQ(composite(eleven, 1, t0(), 60), (Periods{{0, 15.9}}));
    l.connector_max_w = 16 * kW3;
    ProfileStore sixteen(l);
    ASSERT_TRUE(sixteen.set(0, max_profile(1, 0, {{0, 16}})).accepted());
    EXPECT_EQ(composite(sixteen, 1, t0(), 60), (Periods{{0, 16}}));
}

TEST(Composite, AnswersTheRequestedWindowOnly) {
    ProfileStore s(limits());
    ASSERT_TRUE(s.set(1, default_profile(1, 0, {{0, 16}, {600, 8}, {1200, 6}})).accepted());
    const auto conf = s.composite(1, at(300), 600, ChargingRateUnitType::A);
    ASSERT_EQ(conf.status, GetCompositeScheduleStatus::Accepted);
    EXPECT_EQ(conf.connectorId, 1);
    EXPECT_EQ(conf.scheduleStart, at(300));
    EXPECT_EQ(conf.chargingSchedule->duration, 600);
    EXPECT_EQ(conf.chargingSchedule->startSchedule, at(300));
    EXPECT_EQ(periods_of(conf), (Periods{{0, 16}, {300, 8}}));
}

TEST(Composite, RejectsBadDurationsAndConnectors) {
    ProfileStore s(limits());
    EXPECT_EQ(s.composite(1, t0(), 0, std::nullopt).status, GetCompositeScheduleStatus::Rejected);
    EXPECT_EQ(s.composite(1, t0(), -5, std::nullopt).status, GetCompositeScheduleStatus::Rejected);
    EXPECT_EQ(s.composite(1, t0(), 604801, std::nullopt).status, GetCompositeScheduleStatus::Rejected);
    EXPECT_EQ(s.composite(3, t0(), 60, std::nullopt).status, GetCompositeScheduleStatus::Rejected);
    EXPECT_EQ(s.composite(-1, t0(), 60, std::nullopt).status, GetCompositeScheduleStatus::Rejected);
    EXPECT_EQ(s.composite(1, t0(), 604800, std::nullopt).status, GetCompositeScheduleStatus::Accepted);
}

TEST(Composite, EqualAdjacentPeriodsMerge) {
    ProfileStore s(limits());
    ASSERT_TRUE(s.set(1, default_profile(1, 0, {{0, 16}, {100, 16}, {200, 10}, {300, 10}})).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 400), (Periods{{0, 16}, {200, 10}}));
}

TEST(Composite, ValidFromAndValidToBoundAProfile) {
    ProfileStore s(limits());
    s.limits().connector_max_w = 32 * kW3;
    auto p = default_profile(1, 0, {{0, 10}});
    p.validFrom = at(100);
    p.validTo = at(200);
    ASSERT_TRUE(s.set(1, p).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 300), (Periods{{0, 32}, {100, 10}, {200, 32}}));
}

TEST(Composite, AnAbsoluteScheduleStartsAtStartSchedule) {
    ProfileStore s(limits());
    s.limits().connector_max_w = 32 * kW3;
    auto p = default_profile(1, 0, {{0, 10}});
    p.chargingSchedule.startSchedule = at(60);
    p.chargingSchedule.duration = 60;
    ASSERT_TRUE(s.set(1, p).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 300), (Periods{{0, 32}, {60, 10}, {120, 32}}));
}

TEST(Composite, ARelativeScheduleRunsFromTheTransactionStart) {
    ProfileStore s(limits());
    auto p = default_profile(1, 0, {{0, 16}, {600, 8}});
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    p.chargingSchedule.startSchedule.reset();
    ASSERT_TRUE(s.set(0, p).accepted());
    // Without a transaction it is shown as if one started now.
    EXPECT_EQ(composite(s, 1, at(1000), 1200), (Periods{{0, 16}, {600, 8}}));
    s.transaction_started(1, at(500), 3);
    EXPECT_EQ(composite(s, 1, at(1000), 1200), (Periods{{0, 16}, {100, 8}}));
    // The other connector has no transaction.
    EXPECT_EQ(composite(s, 2, at(1000), 1200), (Periods{{0, 16}, {600, 8}}));
}

TEST(Composite, DailyRecurrenceRepeatsEveryDay) {
    ProfileStore s(limits());
    auto p = default_profile(1, 0, {{0, 6}, {22 * 3600, 16}});
    p.chargingProfileKind = ChargingProfileKindType::Recurring;
    p.recurrencyKind = RecurrencyKindType::Daily;
    ASSERT_TRUE(s.set(1, p).accepted());
    EXPECT_EQ(composite(s, 1, at(5 * 86400 + 21 * 3600), 4 * 3600), (Periods{{0, 6}, {3600, 16}, {3 * 3600, 6}}));
    // Before startSchedule the recurrence is anchored at the same time of day.
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(-3600)).watts, 16 * kW3);
}

TEST(Composite, WeeklyRecurrenceRepeatsEveryWeek) {
    ProfileStore s(limits());
    s.limits().connector_max_w = 32 * kW3;
    auto p = default_profile(1, 0, {{0, 8}});
    p.chargingProfileKind = ChargingProfileKindType::Recurring;
    p.recurrencyKind = RecurrencyKindType::Weekly;
    p.chargingSchedule.duration = 86400; // Mondays only
    ASSERT_TRUE(s.set(1, p).accepted());
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(7 * 86400 + 3600)).watts, 8 * kW3);
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(8 * 86400 + 3600)).watts, 32 * kW3);
    EXPECT_EQ(composite(s, 1, at(6 * 86400), 2 * 86400), (Periods{{0, 32}, {86400, 8}}));
}

TEST(Composite, TxProfileOverridesTxDefaultEvenWhenHigher) {
    ProfileStore s(limits());
    s.transaction_started(1, t0(), 1);
    ASSERT_TRUE(s.set(1, default_profile(1, 5, {{0, 6}})).accepted());
    ASSERT_TRUE(s.set(1, tx_profile(2, 0, {{0, 20}})).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 60), (Periods{{0, 20}}));
    // Connector 2 has no TxProfile: its default applies.
    ASSERT_TRUE(s.set(2, default_profile(3, 0, {{0, 7}})).accepted());
    EXPECT_EQ(composite(s, 2, t0(), 60), (Periods{{0, 7}}));
}

TEST(Composite, AConnectorsOwnTxDefaultWinsOverConnectorZerosAtTheSameLevel) {
    ProfileStore s(limits());
    ASSERT_TRUE(s.set(0, default_profile(1, 0, {{0, 16}})).accepted());
    ASSERT_TRUE(s.set(1, default_profile(2, 0, {{0, 10}})).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 60), (Periods{{0, 10}}));
    EXPECT_EQ(composite(s, 2, t0(), 60), (Periods{{0, 16}}));
    ASSERT_TRUE(s.set(0, default_profile(3, 1, {{0, 12}})).accepted()); // higher level on connector 0 leads
    EXPECT_EQ(composite(s, 1, t0(), 60), (Periods{{0, 12}}));
}

TEST(Composite, ConnectorZeroShowsTheChargePointMaxProfile) {
    ProfileStore s(limits());
    ASSERT_TRUE(s.set(0, max_profile(1, 0, {{0, 40}, {3600, 20}})).accepted());
    ASSERT_TRUE(s.set(0, default_profile(2, 0, {{0, 6}})).accepted());
    EXPECT_EQ(composite(s, 0, t0(), 7200), (Periods{{0, 40}, {3600, 20}}));
    EXPECT_EQ(composite(s, 1, t0(), 7200), (Periods{{0, 6}}));
}

TEST(Composite, ConvertsBetweenAmperesAndWatts) {
    ProfileStore s(limits());
    ASSERT_TRUE(s.set(1, default_profile(1, 0, {{0, 16}})).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 60, ChargingRateUnitType::W), (Periods{{0, 16 * kW3}}));
    ASSERT_TRUE(
        s.set(2, profile(2, 0, ChargingProfilePurposeType::TxDefaultProfile, {{0, 6900}}, ChargingRateUnitType::W))
            .accepted());
    EXPECT_EQ(composite(s, 2, t0(), 60, ChargingRateUnitType::A), (Periods{{0, 10}}));
    // Without a unit asked for, amperes.
    EXPECT_EQ(periods_of(s.composite(2, t0(), 60, std::nullopt)), (Periods{{0, 10}}));
}

TEST(Composite, NumberPhasesChangesTheConversion) {
    ProfileStore s(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingSchedule.chargingSchedulePeriod[0].numberPhases = 1;
    ASSERT_TRUE(s.set(1, p).accepted());
    const auto conf = s.composite(1, t0(), 60, ChargingRateUnitType::W);
    EXPECT_EQ(periods_of(conf), (Periods{{0, 16 * 230.0}}));
    EXPECT_EQ(conf.chargingSchedule->chargingSchedulePeriod[0].numberPhases, 1);
    EXPECT_EQ(s.limit_at(1, t0()).phases, 1);
}

TEST(Composite, ReportsMinChargingRate) {
    ProfileStore s(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingSchedule.minChargingRate = 6;
    ASSERT_TRUE(s.set(1, p).accepted());
    EXPECT_EQ(s.composite(1, t0(), 60, ChargingRateUnitType::A).chargingSchedule->minChargingRate, 6.0);
    EXPECT_DOUBLE_EQ(s.limit_at(1, t0()).min_watts, 6 * kW3);
}

TEST(Composite, HardwareLimitCapsEveryProfile) {
    auto l = limits();
    l.connector_max_w = 7400;
    ProfileStore s(l);
    ASSERT_TRUE(s.set(1, default_profile(1, 0, {{0, 32}, {60, 8}})).accepted());
    EXPECT_EQ(composite(s, 1, t0(), 120, ChargingRateUnitType::W), (Periods{{0, 7400}, {60, 8 * kW3}}));
}

TEST(Composite, TwentyFourPeriodsOverADay) {
    ProfileStore s(limits());
    auto p = default_profile(1, 0, {});
    for (int h = 0; h < 24; ++h) {
        p.chargingSchedule.chargingSchedulePeriod.push_back(ChargingSchedulePeriod{h * 3600, 6.0 + h, std::nullopt});
    }
    ASSERT_TRUE(s.set(1, p).accepted());
    const auto periods = composite(s, 1, t0(), 86400);
    ASSERT_EQ(periods.size(), 24u);
    EXPECT_EQ(periods[23], (std::pair<int, double>{23 * 3600, 29.0}));
}

TEST(LimitAt, FollowsTheCompositeAtEveryMoment) {
    ProfileStore s(limits());
    s.transaction_started(1, t0(), 1);
    ASSERT_TRUE(s.set(0, max_profile(1, 0, {{0, 20}})).accepted());
    ASSERT_TRUE(s.set(1, tx_profile(2, 0, {{0, 10}, {60, 0}, {120, 32}})).accepted());
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(30)).watts, 10 * kW3);
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(90)).watts, 0);
    EXPECT_DOUBLE_EQ(s.limit_at(1, at(150)).watts, 20 * kW3);
    EXPECT_DOUBLE_EQ(s.limit_at(5, at(150)).watts, 0);
}

} // namespace
