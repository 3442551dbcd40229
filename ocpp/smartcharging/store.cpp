// Validation of charging profiles and the installed set (OCPP 1.6 sections 3.13, 5.16 and 7).
#include <algorithm>
#include <cmath>

#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/util/enum_names.hpp"

namespace ocpp::smartcharging {

using namespace ocpp::v16;

namespace {
constexpr EnumName<RejectReason> kReasonNames[] = {
    {RejectReason::ConnectorOutOfRange, "ConnectorOutOfRange"},
    {RejectReason::StackLevelOutOfRange, "StackLevelOutOfRange"},
    {RejectReason::UnitNotAllowed, "UnitNotAllowed"},
    {RejectReason::NoPeriods, "NoPeriods"},
    {RejectReason::TooManyPeriods, "TooManyPeriods"},
    {RejectReason::FirstPeriodNotZero, "FirstPeriodNotZero"},
    {RejectReason::PeriodsNotAscending, "PeriodsNotAscending"},
    {RejectReason::BadLimit, "BadLimit"},
    {RejectReason::BadNumberPhases, "BadNumberPhases"},
    {RejectReason::BadMinChargingRate, "BadMinChargingRate"},
    {RejectReason::BadDuration, "BadDuration"},
    {RejectReason::MaxProfileNotOnConnectorZero, "MaxProfileNotOnConnectorZero"},
    {RejectReason::TxProfileOnConnectorZero, "TxProfileOnConnectorZero"},
    {RejectReason::TxProfileWithoutTransaction, "TxProfileWithoutTransaction"},
    {RejectReason::TransactionIdMismatch, "TransactionIdMismatch"},
    {RejectReason::TransactionIdOnNonTxProfile, "TransactionIdOnNonTxProfile"},
    {RejectReason::RemoteStartNotTxProfile, "RemoteStartNotTxProfile"},
    {RejectReason::RelativeWithStartSchedule, "RelativeWithStartSchedule"},
    {RejectReason::RecurringWithoutRecurrencyKind, "RecurringWithoutRecurrencyKind"},
    {RejectReason::RecurringWithoutStartSchedule, "RecurringWithoutStartSchedule"},
    {RejectReason::ValidToNotAfterValidFrom, "ValidToNotAfterValidFrom"},
    {RejectReason::TooManyProfiles, "TooManyProfiles"},
};

Verdict reject(RejectReason r, std::string text) {
    return Verdict{ChargingProfileStatus::Rejected, r, std::move(text)};
}
} // namespace

const char* to_string(RejectReason r) {
    return name_of(kReasonNames, r, "?");
}

ProfileStore::ProfileStore(Limits limits)
    : limits_(limits)
    , transactions_(static_cast<std::size_t>(std::max(0, limits.connectors)) + 1) {}

const ProfileStore::Transaction* ProfileStore::transaction(int connector) const {
    if (connector < 1 || static_cast<std::size_t>(connector) >= transactions_.size()) {
        return nullptr;
    }
    const auto& t = transactions_[static_cast<std::size_t>(connector)];
    return t.running ? &t : nullptr;
}

Verdict ProfileStore::validate(int connector, const ChargingProfile& p) const {
    return check(connector, p, false);
}

Verdict ProfileStore::check(int connector, const ChargingProfile& p, bool remote_start) const {
    using R = RejectReason;
    const auto& s = p.chargingSchedule;
    if (connector < 0 || connector > limits_.connectors) {
        return reject(R::ConnectorOutOfRange, "connector " + std::to_string(connector) + " does not exist (0.." +
                                                  std::to_string(limits_.connectors) + ")");
    }
    if (p.stackLevel < 0 || p.stackLevel > limits_.max_stack_level) {
        return reject(R::StackLevelOutOfRange, "stackLevel " + std::to_string(p.stackLevel) + " outside 0.." +
                                                   std::to_string(limits_.max_stack_level) +
                                                   " (ChargeProfileMaxStackLevel)");
    }
    const bool unit_ok = s.chargingRateUnit == ChargingRateUnitType::A ? limits_.allow_current : limits_.allow_power;
    if (!unit_ok) {
        return reject(R::UnitNotAllowed, std::string("chargingRateUnit ") + v16::to_string(s.chargingRateUnit) +
                                             " not in ChargingScheduleAllowedChargingRateUnit");
    }
    const auto& periods = s.chargingSchedulePeriod;
    if (periods.empty()) {
        return reject(R::NoPeriods, "chargingSchedulePeriod is empty");
    }
    if (periods.size() > static_cast<std::size_t>(std::max(0, limits_.max_periods))) {
        return reject(R::TooManyPeriods, std::to_string(periods.size()) + " periods, more than " +
                                             std::to_string(limits_.max_periods) + " (ChargingScheduleMaxPeriods)");
    }
    if (periods.front().startPeriod != 0) {
        return reject(R::FirstPeriodNotZero,
                      "the first period starts at " + std::to_string(periods.front().startPeriod) + " s, not 0");
    }
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const auto& per = periods[i];
        if (i > 0 && per.startPeriod <= periods[i - 1].startPeriod) {
            return reject(R::PeriodsNotAscending, "period " + std::to_string(i) + " starts at " +
                                                      std::to_string(per.startPeriod) + " s, not after the one before");
        }
        if (!std::isfinite(per.limit) || per.limit < 0) {
            return reject(R::BadLimit, "period " + std::to_string(i) + " has a negative or invalid limit");
        }
        if (per.numberPhases && (*per.numberPhases < 1 || *per.numberPhases > 3)) {
            return reject(R::BadNumberPhases, "period " + std::to_string(i) + " has numberPhases " +
                                                  std::to_string(*per.numberPhases) + " (1..3)");
        }
    }
    if (s.minChargingRate && (!std::isfinite(*s.minChargingRate) || *s.minChargingRate < 0)) {
        return reject(R::BadMinChargingRate, "minChargingRate is negative or invalid");
    }
    if (s.duration && *s.duration <= 0) {
        return reject(R::BadDuration, "duration " + std::to_string(*s.duration) + " s is not positive");
    }
    if (p.validFrom && p.validTo && !(*p.validFrom < *p.validTo)) {
        return reject(R::ValidToNotAfterValidFrom, "validTo is not after validFrom");
    }
    switch (p.chargingProfileKind) {
    case ChargingProfileKindType::Relative:
        if (s.startSchedule) {
            return reject(R::RelativeWithStartSchedule, "a Relative schedule must not have startSchedule");
        }
        break;
    case ChargingProfileKindType::Recurring:
        if (!p.recurrencyKind) {
            return reject(R::RecurringWithoutRecurrencyKind, "a Recurring profile needs recurrencyKind");
        }
        if (!s.startSchedule) {
            return reject(R::RecurringWithoutStartSchedule, "a Recurring profile needs startSchedule");
        }
        break;
    case ChargingProfileKindType::Absolute:
        break; // without startSchedule it runs from the start of charging (§7.13)
    }
    if (p.transactionId && p.chargingProfilePurpose != ChargingProfilePurposeType::TxProfile) {
        return reject(R::TransactionIdOnNonTxProfile, "transactionId is only allowed in a TxProfile");
    }
    switch (p.chargingProfilePurpose) {
    case ChargingProfilePurposeType::ChargePointMaxProfile:
        if (connector != 0) {
            return reject(R::MaxProfileNotOnConnectorZero, "a ChargePointMaxProfile belongs on connector 0");
        }
        break;
    case ChargingProfilePurposeType::TxDefaultProfile:
        break;
    case ChargingProfilePurposeType::TxProfile:
        if (connector == 0) {
            return reject(R::TxProfileOnConnectorZero, "a TxProfile needs a connector (not 0)");
        }
        if (remote_start) {
            if (p.transactionId) {
                return reject(R::TransactionIdMismatch, "a profile in RemoteStartTransaction has no transactionId");
            }
            break;
        }
        if (const auto* tx = transaction(connector); !tx) {
            return reject(R::TxProfileWithoutTransaction,
                          "no transaction runs on connector " + std::to_string(connector));
        } else if (p.transactionId && tx->id != p.transactionId) {
            return reject(R::TransactionIdMismatch, "transactionId " + std::to_string(*p.transactionId) +
                                                        " is not the transaction on connector " +
                                                        std::to_string(connector));
        }
        break;
    }
    if (remote_start && p.chargingProfilePurpose != ChargingProfilePurposeType::TxProfile) {
        return reject(R::RemoteStartNotTxProfile, "RemoteStartTransaction takes a TxProfile only");
    }
    // Room: a profile it replaces frees its place.
    const bool replaces = std::any_of(installed_.begin(), installed_.end(), [&](const Installed& i) {
        return i.profile.chargingProfileId == p.chargingProfileId ||
               (i.connector == connector && i.profile.stackLevel == p.stackLevel &&
                i.profile.chargingProfilePurpose == p.chargingProfilePurpose);
    });
    if (!replaces && installed_.size() >= static_cast<std::size_t>(std::max(0, limits_.max_profiles))) {
        return reject(R::TooManyProfiles, std::to_string(installed_.size()) +
                                              " profiles installed, the most allowed (MaxChargingProfilesInstalled)");
    }
    return Verdict{};
}

Verdict ProfileStore::set(int connector, const ChargingProfile& p) {
    auto v = check(connector, p, false);
    return v.accepted() ? install(connector, p) : v;
}

Verdict ProfileStore::set_for_remote_start(int connector, const ChargingProfile& p) {
    auto v = check(connector, p, true);
    return v.accepted() ? install(connector, p) : v;
}

Verdict ProfileStore::install(int connector, const ChargingProfile& p) {
    // §3.13.2/§5.16.1: the same chargingProfileId, or the same stackLevel and purpose on the same connector,
    // is replaced by the new profile.
    installed_.erase(std::remove_if(installed_.begin(), installed_.end(),
                                    [&](const Installed& i) {
                                        return i.profile.chargingProfileId == p.chargingProfileId ||
                                               (i.connector == connector && i.profile.stackLevel == p.stackLevel &&
                                                i.profile.chargingProfilePurpose == p.chargingProfilePurpose);
                                    }),
                     installed_.end());
    installed_.push_back(Installed{connector, p});
    installed_.back().profile.chargingSchedule.chargingSchedulePeriod.shrink_to_fit();
    return Verdict{};
}

ClearChargingProfileStatus ProfileStore::clear(const ClearChargingProfileReq& req) {
    const auto before = installed_.size();
    auto match = [&](const Installed& i) {
        if (req.id) {
            return i.profile.chargingProfileId == *req.id;
        }
        return (!req.connectorId || i.connector == *req.connectorId) &&
               (!req.chargingProfilePurpose || i.profile.chargingProfilePurpose == *req.chargingProfilePurpose) &&
               (!req.stackLevel || i.profile.stackLevel == *req.stackLevel);
    };
    installed_.erase(std::remove_if(installed_.begin(), installed_.end(), match), installed_.end());
    return installed_.size() < before ? ClearChargingProfileStatus::Accepted : ClearChargingProfileStatus::Unknown;
}

void ProfileStore::transaction_started(int connector, DateTime start, std::optional<int> id) {
    if (connector < 1 || static_cast<std::size_t>(connector) >= transactions_.size()) {
        return;
    }
    transactions_[static_cast<std::size_t>(connector)] = Transaction{true, id, start.unix_ms()};
}

void ProfileStore::transaction_id(int connector, int id) {
    if (connector >= 1 && static_cast<std::size_t>(connector) < transactions_.size()) {
        transactions_[static_cast<std::size_t>(connector)].id = id;
    }
}

void ProfileStore::transaction_ended(int connector) {
    if (connector >= 1 && static_cast<std::size_t>(connector) < transactions_.size()) {
        transactions_[static_cast<std::size_t>(connector)] = Transaction{};
    }
    installed_.erase(std::remove_if(installed_.begin(), installed_.end(),
                                    [&](const Installed& i) {
                                        return i.connector == connector && i.profile.chargingProfilePurpose ==
                                                                               ChargingProfilePurposeType::TxProfile;
                                    }),
                     installed_.end());
}

std::size_t ProfileStore::heap_bytes() const {
    std::size_t n = installed_.capacity() * sizeof(Installed) + transactions_.capacity() * sizeof(Transaction);
    for (const auto& i : installed_) {
        n += i.profile.chargingSchedule.chargingSchedulePeriod.capacity() * sizeof(ChargingSchedulePeriod);
    }
    return n;
}

} // namespace ocpp::smartcharging
