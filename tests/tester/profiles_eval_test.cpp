// The profile groups' pure parts: the --profiles list, SupportedFeatureProfiles, and the power read from meter
// values.
#include <gtest/gtest.h>

#include "tester/checks/profiles/runner.hpp"
#include "tester/checks/profiles/smart_charging_power.hpp"

namespace {

using namespace tester::profiles;
using namespace ocpp::v16;

TEST(ProfileList, RegistryOrderWithoutDuplicates) {
    auto r = parse_profiles("trigger, smart-charging,trigger");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, (std::vector<std::string>{"smart-charging", "trigger"}));
    EXPECT_EQ(parse_profiles("SmartCharging").error().kind, ocpp::ErrorKind::Invalid);
    EXPECT_NE(parse_profiles("x").error().message.find("valid: smart-charging, local-list"), std::string::npos);
}

TEST(ProfileList, DeclaredProfilesIgnoreCaseAndSpaces) {
    EXPECT_TRUE(declares_profile("Core, SmartCharging ,Reservation", "SmartCharging"));
    EXPECT_TRUE(declares_profile("core,smartcharging", "SmartCharging"));
    EXPECT_FALSE(declares_profile("Core,SmartChargingX", "SmartCharging"));
    EXPECT_FALSE(declares_profile("", "Reservation"));
}

SampledValue power(const char* value, std::optional<Phase> phase = {}, UnitOfMeasure unit = UnitOfMeasure::W) {
    SampledValue v;
    v.value = value;
    v.measurand = Measurand::Power_Active_Import;
    v.unit = unit;
    v.phase = phase;
    return v;
}

TEST(MeteredPower, WholeValuesPhasesAndKilowatts) {
    const ocpp::DateTime t{std::chrono::system_clock::time_point{}};
    std::vector<tester::EnergyReading> energy;
    EXPECT_EQ(highest_power_w({MeterValue{t, {power("3.5", {}, UnitOfMeasure::kW)}}}, energy), 3500.0);
    EXPECT_EQ(
        highest_power_w({MeterValue{t, {power("2000", Phase::L1), power("2100", Phase::L2), power("1900", Phase::L3)}}},
                        energy),
        6000.0);
    EXPECT_EQ(highest_power_w({MeterValue{t, {power("not a number")}}}, energy), std::nullopt);
}

TEST(MeteredPower, DerivedFromTheEnergyRegisterOverTenSecondsOrMore) {
    const auto t0 = ocpp::DateTime{std::chrono::system_clock::time_point{}};
    SampledValue e0, e1, e2;
    e0.value = "1000";
    e1.value = "1010"; // 5 s later: too close to judge
    e2.value = "1100"; // 55 s after the second: 90 Wh in 55 s
    std::vector<tester::EnergyReading> energy;
    const auto p = highest_power_w({MeterValue{t0, {e0}}, MeterValue{t0 + std::chrono::seconds(5), {e1}},
                                    MeterValue{t0 + std::chrono::seconds(60), {e2}}},
                                   energy);
    ASSERT_TRUE(p);
    EXPECT_NEAR(*p, 5890.9, 0.1) << "90 Wh over 55 s; the 5 s span is left out";
}

TEST(MeteredPower, Judged) {
    EXPECT_EQ(judge_power(7000, 6900, "10 A").verdict, tester::Verdict::Pass) << "within 10 %";
    EXPECT_EQ(judge_power(7600, 6900, "10 A").verdict, tester::Verdict::Fail);
    EXPECT_EQ(judge_power(std::nullopt, 6900, "10 A").verdict, tester::Verdict::Warn);
}

} // namespace
