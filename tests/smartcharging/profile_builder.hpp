#pragma once
// Short builders for charging profiles in the smart charging tests.
#include <initializer_list>
#include <utility>

#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/text/datetime.hpp"

namespace sc_test {

using namespace ocpp::v16;

// 2026-03-02T00:00:00Z, a Monday.
inline ocpp::DateTime t0() {
    return *ocpp::parse_datetime("2026-03-02T00:00:00Z");
}
inline ocpp::DateTime at(long long seconds) {
    return t0() + std::chrono::seconds(seconds);
}

inline ChargingProfile profile(int id, int stack, ChargingProfilePurposeType purpose,
                               std::initializer_list<std::pair<int, double>> periods,
                               ChargingRateUnitType unit = ChargingRateUnitType::A) {
    ChargingProfile p;
    p.chargingProfileId = id;
    p.stackLevel = stack;
    p.chargingProfilePurpose = purpose;
    p.chargingProfileKind = ChargingProfileKindType::Absolute;
    p.chargingSchedule.startSchedule = t0();
    p.chargingSchedule.chargingRateUnit = unit;
    for (const auto& [start, limit] : periods) {
        ChargingSchedulePeriod per;
        per.startPeriod = start;
        per.limit = limit;
        p.chargingSchedule.chargingSchedulePeriod.push_back(per);
    }
    return p;
}

inline ChargingProfile max_profile(int id, int stack, std::initializer_list<std::pair<int, double>> periods) {
    return profile(id, stack, ChargingProfilePurposeType::ChargePointMaxProfile, periods);
}
inline ChargingProfile default_profile(int id, int stack, std::initializer_list<std::pair<int, double>> periods) {
    return profile(id, stack, ChargingProfilePurposeType::TxDefaultProfile, periods);
}
inline ChargingProfile tx_profile(int id, int stack, std::initializer_list<std::pair<int, double>> periods) {
    auto p = profile(id, stack, ChargingProfilePurposeType::TxProfile, periods);
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    p.chargingSchedule.startSchedule.reset();
    return p;
}

// Limits of a 2-connector charger at 230 V, 3 phases, where no hardware limit gets in the way.
inline ocpp::smartcharging::Limits limits() {
    ocpp::smartcharging::Limits l;
    l.connectors = 2;
    return l;
}

// The composite's periods as (startPeriod, limit) pairs.
inline std::vector<std::pair<int, double>> periods_of(const GetCompositeScheduleConf& conf) {
    std::vector<std::pair<int, double>> out;
    if (conf.chargingSchedule) {
        for (const auto& p : conf.chargingSchedule->chargingSchedulePeriod) {
            out.emplace_back(p.startPeriod, p.limit);
        }
    }
    return out;
}

} // namespace sc_test
