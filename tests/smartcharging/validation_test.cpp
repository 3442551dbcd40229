// SetChargingProfile validation and the installed set: every rejection reason, replacement, clearing.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/smartcharging/profile_builder.hpp"

namespace {

using namespace sc_test;
using ocpp::smartcharging::ProfileStore;
using ocpp::smartcharging::RejectReason;

RejectReason reason_of(const ocpp::smartcharging::Verdict& v) {
    EXPECT_FALSE(v.accepted());
    EXPECT_FALSE(v.text.empty());
    return v.reason.value_or(RejectReason::TooManyProfiles);
}

TEST(ChargingProfileValidation, AcceptsAPlainTxDefaultProfile) {
    ProfileStore store(limits());
    const auto v = store.set(1, default_profile(1, 0, {{0, 16}}));
    EXPECT_TRUE(v.accepted());
    EXPECT_TRUE(v.text.empty());
    EXPECT_EQ(store.size(), 1u);
}

TEST(ChargingProfileValidation, RejectsAConnectorThatDoesNotExist) {
    ProfileStore store(limits());
    EXPECT_EQ(reason_of(store.set(3, default_profile(1, 0, {{0, 16}}))), RejectReason::ConnectorOutOfRange);
    EXPECT_EQ(reason_of(store.set(-1, default_profile(1, 0, {{0, 16}}))), RejectReason::ConnectorOutOfRange);
    EXPECT_EQ(store.size(), 0u);
}

TEST(ChargingProfileValidation, RejectsAStackLevelAboveChargeProfileMaxStackLevel) {
    auto l = limits();
    l.max_stack_level = 3;
    ProfileStore store(l);
    EXPECT_TRUE(store.set(1, default_profile(1, 3, {{0, 16}})).accepted());
    EXPECT_EQ(reason_of(store.set(1, default_profile(2, 4, {{0, 16}}))), RejectReason::StackLevelOutOfRange);
    EXPECT_EQ(reason_of(store.set(1, default_profile(2, -1, {{0, 16}}))), RejectReason::StackLevelOutOfRange);
}

TEST(ChargingProfileValidation, RejectsAUnitNotInChargingScheduleAllowedChargingRateUnit) {
    auto l = limits();
    l.allow_power = false;
    ProfileStore store(l);
    auto p = default_profile(1, 0, {{0, 11000}});
    p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::W;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::UnitNotAllowed);
    l.allow_power = true;
    l.allow_current = false;
    ProfileStore power_only(l);
    EXPECT_TRUE(power_only.set(1, p).accepted());
    EXPECT_EQ(reason_of(power_only.set(1, default_profile(2, 1, {{0, 16}}))), RejectReason::UnitNotAllowed);
}

TEST(ChargingProfileValidation, RejectsMorePeriodsThanChargingScheduleMaxPeriods) {
    ProfileStore store(limits()); // 24 periods
    auto p = default_profile(1, 0, {});
    for (int i = 0; i < 10000; ++i) {
        p.chargingSchedule.chargingSchedulePeriod.push_back(ChargingSchedulePeriod{i * 60, 16.0, std::nullopt});
    }
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::TooManyPeriods);
    p.chargingSchedule.chargingSchedulePeriod.resize(24);
    EXPECT_TRUE(store.set(1, p).accepted());
    p.chargingSchedule.chargingSchedulePeriod.push_back(ChargingSchedulePeriod{100000, 16.0, std::nullopt});
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::TooManyPeriods);
    EXPECT_EQ(store.installed().front().profile.chargingSchedule.chargingSchedulePeriod.size(), 24u);
}

TEST(ChargingProfileValidation, RejectsBadPeriods) {
    ProfileStore store(limits());
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {}))), RejectReason::NoPeriods);
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {{10, 16}}))), RejectReason::FirstPeriodNotZero);
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {{0, 16}, {600, 10}, {300, 8}}))),
              RejectReason::PeriodsNotAscending);
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {{0, 16}, {0, 10}}))), RejectReason::PeriodsNotAscending);
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {{0, -6}}))), RejectReason::BadLimit);
    EXPECT_EQ(reason_of(store.set(1, default_profile(1, 0, {{0, std::nan("")}}))), RejectReason::BadLimit);
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingSchedule.chargingSchedulePeriod[0].numberPhases = 4;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::BadNumberPhases);
    p.chargingSchedule.chargingSchedulePeriod[0].numberPhases = 0;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::BadNumberPhases);
    EXPECT_EQ(store.size(), 0u);
}

TEST(ChargingProfileValidation, RejectsBadScheduleFields) {
    ProfileStore store(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingSchedule.minChargingRate = -1;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::BadMinChargingRate);
    p = default_profile(1, 0, {{0, 16}});
    p.chargingSchedule.duration = 0;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::BadDuration);
    p = default_profile(1, 0, {{0, 16}});
    p.validFrom = at(100);
    p.validTo = at(100);
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::ValidToNotAfterValidFrom);
}

TEST(ChargingProfileValidation, RelativeMustNotHaveStartSchedule) {
    ProfileStore store(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::RelativeWithStartSchedule);
    p.chargingSchedule.startSchedule.reset();
    EXPECT_TRUE(store.set(1, p).accepted());
}

TEST(ChargingProfileValidation, RecurringNeedsRecurrencyKindAndStartSchedule) {
    ProfileStore store(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.chargingProfileKind = ChargingProfileKindType::Recurring;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::RecurringWithoutRecurrencyKind);
    p.recurrencyKind = RecurrencyKindType::Daily;
    p.chargingSchedule.startSchedule.reset();
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::RecurringWithoutStartSchedule);
    p.chargingSchedule.startSchedule = t0();
    EXPECT_TRUE(store.set(1, p).accepted());
}

TEST(ChargingProfileValidation, ChargePointMaxProfileOnlyOnConnectorZero) {
    ProfileStore store(limits());
    EXPECT_EQ(reason_of(store.set(1, max_profile(1, 0, {{0, 32}}))), RejectReason::MaxProfileNotOnConnectorZero);
    EXPECT_TRUE(store.set(0, max_profile(1, 0, {{0, 32}})).accepted());
}

TEST(ChargingProfileValidation, TxProfileNeedsARunningTransactionOnItsConnector) {
    ProfileStore store(limits());
    EXPECT_EQ(reason_of(store.set(0, tx_profile(1, 0, {{0, 10}}))), RejectReason::TxProfileOnConnectorZero);
    EXPECT_EQ(reason_of(store.set(1, tx_profile(1, 0, {{0, 10}}))), RejectReason::TxProfileWithoutTransaction);
    store.transaction_started(2, at(0), 42);
    EXPECT_EQ(reason_of(store.set(1, tx_profile(1, 0, {{0, 10}}))), RejectReason::TxProfileWithoutTransaction);
    EXPECT_TRUE(store.set(2, tx_profile(1, 0, {{0, 10}})).accepted());
    auto p = tx_profile(2, 1, {{0, 10}});
    p.transactionId = 41;
    EXPECT_EQ(reason_of(store.set(2, p)), RejectReason::TransactionIdMismatch);
    p.transactionId = 42;
    EXPECT_TRUE(store.set(2, p).accepted());
}

TEST(ChargingProfileValidation, TransactionIdOnlyInATxProfile) {
    ProfileStore store(limits());
    auto p = default_profile(1, 0, {{0, 16}});
    p.transactionId = 7;
    EXPECT_EQ(reason_of(store.set(1, p)), RejectReason::TransactionIdOnNonTxProfile);
}

TEST(ChargingProfileValidation, RemoteStartTakesATxProfileWithoutTransactionId) {
    ProfileStore store(limits());
    EXPECT_EQ(reason_of(store.set_for_remote_start(1, default_profile(1, 0, {{0, 16}}))),
              RejectReason::RemoteStartNotTxProfile);
    auto p = tx_profile(1, 0, {{0, 10}});
    p.transactionId = 3;
    EXPECT_EQ(reason_of(store.set_for_remote_start(1, p)), RejectReason::TransactionIdMismatch);
    p.transactionId.reset();
    EXPECT_TRUE(store.set_for_remote_start(1, p).accepted());
    store.transaction_started(1, at(0));
    EXPECT_DOUBLE_EQ(store.limit_at(1, at(10)).watts, 10 * 230.0 * 3);
    store.transaction_ended(1);
    EXPECT_EQ(store.size(), 0u);
}

TEST(ChargingProfileValidation, RejectsBeyondMaxChargingProfilesInstalledButAllowsReplacing) {
    auto l = limits();
    l.max_profiles = 2;
    ProfileStore store(l);
    EXPECT_TRUE(store.set(1, default_profile(1, 0, {{0, 16}})).accepted());
    EXPECT_TRUE(store.set(2, default_profile(2, 0, {{0, 16}})).accepted());
    EXPECT_EQ(reason_of(store.set(1, default_profile(3, 1, {{0, 16}}))), RejectReason::TooManyProfiles);
    EXPECT_TRUE(store.set(1, default_profile(1, 1, {{0, 10}})).accepted()); // same id: replaces
    EXPECT_TRUE(store.set(2, default_profile(9, 0, {{0, 10}})).accepted()); // same level and purpose: replaces
    EXPECT_EQ(store.size(), 2u);
}

TEST(InstalledProfiles, TheSameIdReplacesTheProfileOnAnyConnector) {
    ProfileStore store(limits());
    ASSERT_TRUE(store.set(1, default_profile(5, 0, {{0, 16}})).accepted());
    ASSERT_TRUE(store.set(2, default_profile(5, 2, {{0, 8}})).accepted());
    ASSERT_EQ(store.size(), 1u);
    EXPECT_EQ(store.installed()[0].connector, 2);
    EXPECT_EQ(store.installed()[0].profile.stackLevel, 2);
}

TEST(InstalledProfiles, TheSameStackLevelAndPurposeOnTheSameConnectorIsReplaced) {
    ProfileStore store(limits());
    ASSERT_TRUE(store.set(1, default_profile(1, 0, {{0, 16}})).accepted());
    ASSERT_TRUE(store.set(1, default_profile(2, 0, {{0, 8}})).accepted());
    ASSERT_TRUE(store.set(2, default_profile(3, 0, {{0, 6}})).accepted()); // other connector: kept apart
    ASSERT_TRUE(store.set(0, max_profile(4, 0, {{0, 32}})).accepted());    // other purpose: kept apart
    ASSERT_EQ(store.size(), 3u);
    EXPECT_DOUBLE_EQ(store.limit_at(1, at(0)).watts, 8 * 230.0 * 3);
}

TEST(InstalledProfiles, RejectedProfileLeavesTheInstalledOnesAlone) {
    ProfileStore store(limits());
    ASSERT_TRUE(store.set(1, default_profile(1, 0, {{0, 16}})).accepted());
    EXPECT_FALSE(store.set(1, default_profile(1, 0, {{0, -1}})).accepted());
    ASSERT_EQ(store.size(), 1u);
    EXPECT_DOUBLE_EQ(store.installed()[0].profile.chargingSchedule.chargingSchedulePeriod[0].limit, 16);
}

TEST(InstalledProfiles, TxProfilesEndWithTheirTransaction) {
    ProfileStore store(limits());
    store.transaction_started(1, at(0), 1);
    ASSERT_TRUE(store.set(1, tx_profile(1, 0, {{0, 10}})).accepted());
    ASSERT_TRUE(store.set(1, default_profile(2, 0, {{0, 16}})).accepted());
    store.transaction_ended(1);
    ASSERT_EQ(store.size(), 1u);
    EXPECT_EQ(store.installed()[0].profile.chargingProfileId, 2);
}

class ClearProfiles : public ::testing::Test {
protected:
    enum class ClearStatus { Accepted, Unknown };
    void SetUp() override {
        store.transaction_started(1, at(0), 1);
        ASSERT_TRUE(store.set(0, max_profile(1, 0, {{0, 32}})).accepted());
        ASSERT_TRUE(store.set(0, default_profile(2, 0, {{0, 16}})).accepted());
        ASSERT_TRUE(store.set(1, default_profile(3, 1, {{0, 12}})).accepted());
        ASSERT_TRUE(store.set(2, default_profile(4, 1, {{0, 12}})).accepted());
        ASSERT_TRUE(store.set(1, tx_profile(5, 1, {{0, 10}})).accepted());
    }
    ClearStatus clear(std::optional<int> id, std::optional<int> connector,
                      std::optional<ChargingProfilePurposeType> purpose, std::optional<int> level) {
        ClearChargingProfileReq req;
        req.id = id;
        req.connectorId = connector;
        req.chargingProfilePurpose = purpose;
        req.stackLevel = level;
        return store.clear(req) == ClearChargingProfileStatus::Accepted ? ClearStatus::Accepted : ClearStatus::Unknown;
    }
    ProfileStore store{limits()};
};

TEST_F(ClearProfiles, ById) {
    EXPECT_EQ(clear(3, std::nullopt, std::nullopt, std::nullopt), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 4u);
    EXPECT_EQ(clear(3, std::nullopt, std::nullopt, std::nullopt), ClearStatus::Unknown);
}

TEST_F(ClearProfiles, ByConnector) {
    EXPECT_EQ(clear(std::nullopt, 1, std::nullopt, std::nullopt), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 3u);
    EXPECT_EQ(clear(std::nullopt, 0, std::nullopt, std::nullopt), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 1u);
}

TEST_F(ClearProfiles, ByPurpose) {
    EXPECT_EQ(clear(std::nullopt, std::nullopt, ChargingProfilePurposeType::TxDefaultProfile, std::nullopt),
              ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 2u);
}

TEST_F(ClearProfiles, ByStackLevel) {
    EXPECT_EQ(clear(std::nullopt, std::nullopt, std::nullopt, 1), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 2u);
}

TEST_F(ClearProfiles, ByAllCriteriaTogether) {
    EXPECT_EQ(clear(std::nullopt, 1, ChargingProfilePurposeType::TxDefaultProfile, 1), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 4u);
    EXPECT_EQ(clear(std::nullopt, 1, ChargingProfilePurposeType::TxDefaultProfile, 0), ClearStatus::Unknown);
    EXPECT_EQ(clear(std::nullopt, 0, ChargingProfilePurposeType::TxProfile, std::nullopt), ClearStatus::Unknown);
    EXPECT_EQ(store.size(), 4u);
}

TEST_F(ClearProfiles, EverythingWithoutCriteria) {
    EXPECT_EQ(clear(std::nullopt, std::nullopt, std::nullopt, std::nullopt), ClearStatus::Accepted);
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(clear(std::nullopt, std::nullopt, std::nullopt, std::nullopt), ClearStatus::Unknown);
}

TEST_F(ClearProfiles, AnUnknownIdIsUnknownAndClearsNothing) {
    EXPECT_EQ(clear(99, 1, std::nullopt, std::nullopt), ClearStatus::Unknown);
    EXPECT_EQ(store.size(), 5u);
}

TEST(RejectReasons, HaveNames) {
    EXPECT_STREQ(ocpp::smartcharging::to_string(RejectReason::TooManyPeriods), "TooManyPeriods");
    EXPECT_STREQ(ocpp::smartcharging::to_string(RejectReason::TooManyProfiles), "TooManyProfiles");
}

} // namespace
