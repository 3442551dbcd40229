#pragma once
// OCPP 1.6 smart charging (sections 3.13, 5.16, 7): validating a charging profile against a charger's limits, the
// set of installed profiles per connector, and the composite schedule they make together. Pure: no clock, no I/O;
// every time is passed in.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/v16/messages.hpp"

namespace ocpp::smartcharging {

// What a charger allows (its configuration keys and its electrics).
struct Limits {
    int connectors = 1;                 // connectors 1..connectors; 0 is the charge point itself
    int max_stack_level = 10;           // ChargeProfileMaxStackLevel
    bool allow_current = true;          // ChargingScheduleAllowedChargingRateUnit contains "Current"
    bool allow_power = true;            // ChargingScheduleAllowedChargingRateUnit contains "Power"
    int max_periods = 24;               // ChargingScheduleMaxPeriods
    int max_profiles = 10;              // MaxChargingProfilesInstalled (all connectors together)
    double voltage = 230.0;             // per phase, to convert between A and W
    int phases = 3;                     // phases when a period does not say (numberPhases)
    double connector_max_w = 1e12;      // what one connector can deliver; the limit where no profile applies
    int max_composite_seconds = 604800; // longest GetCompositeSchedule duration answered (one week)
};

// Why a profile was rejected; typed so callers count and test them, with a text for logs.
enum class RejectReason {
    ConnectorOutOfRange,
    StackLevelOutOfRange,
    UnitNotAllowed,
    NoPeriods,
    TooManyPeriods,
    FirstPeriodNotZero,
    PeriodsNotAscending,
    BadLimit,
    BadNumberPhases,
    BadMinChargingRate,
    BadDuration,
    MaxProfileNotOnConnectorZero,
    TxProfileOnConnectorZero,
    TxProfileWithoutTransaction,
    TransactionIdMismatch,
    TransactionIdOnNonTxProfile,
    RemoteStartNotTxProfile,
    RelativeWithStartSchedule,
    RecurringWithoutRecurrencyKind,
    RecurringWithoutStartSchedule,
    ValidToNotAfterValidFrom,
    TooManyProfiles,
};
const char* to_string(RejectReason r);

// The answer to SetChargingProfile: Accepted, or Rejected with the reason.
struct Verdict {
    v16::ChargingProfileStatus status = v16::ChargingProfileStatus::Accepted;
    std::optional<RejectReason> reason;
    std::string text; // empty when accepted
    bool accepted() const { return status == v16::ChargingProfileStatus::Accepted; }
};

// One limit in force at a moment, as the meter needs it.
struct Limit {
    double watts = 0;     // the most the connector may draw
    double min_watts = 0; // minChargingRate of the profile in force: below it the EV cannot charge
    int phases = 3;
    std::int64_t until_ms = INT64_MAX; // unix ms when it may change next
};

// The installed profiles of one charger and the transactions running on its connectors.
class ProfileStore {
public:
    explicit ProfileStore(Limits limits);

    // Checks a SetChargingProfile for `connector` against the limits and the running transactions (§3.13, §5.16).
    Verdict validate(int connector, const v16::ChargingProfile& profile) const;
    // Validates and installs: a profile with the same id, or the same stack level and purpose on the same
    // connector, is replaced. Nothing changes when it is rejected.
    Verdict set(int connector, const v16::ChargingProfile& profile);
    // A profile sent in RemoteStartTransaction: must be a TxProfile without transactionId; installed on
    // `connector` for the session about to start there (dropped with transaction_ended()).
    Verdict set_for_remote_start(int connector, const v16::ChargingProfile& profile);
    // ClearChargingProfile: by id alone when id is given, else every profile matching all criteria given.
    v16::ClearChargingProfileStatus clear(const v16::ClearChargingProfileReq& req);

    // A transaction began on a connector at `start` (its id may come later, see transaction_id()).
    void transaction_started(int connector, DateTime start, std::optional<int> id = std::nullopt);
    void transaction_id(int connector, int id);
    // The transaction ended: its TxProfiles end with it.
    void transaction_ended(int connector);

    // GetCompositeSchedule as §3.13 combines the profiles, starting at `now`, in `unit` (A when absent and allowed,
    // else W). Rejected for a connector out of range or a duration <= 0 or beyond Limits::max_composite_seconds.
    // Choices: where no profile applies the limit is the hardware's (Limits::connector_max_w); connector 0 reports
    // the ChargePointMaxProfile (else the hardware of all connectors); every connector is capped by the whole
    // ChargePointMaxProfile: sharing it among connectors charging at once is the charger's matter, not the
    // composite's. Without a transaction a Relative schedule is shown as if one started at `now`.
    v16::GetCompositeScheduleConf composite(int connector, DateTime now, int duration_s,
                                            std::optional<v16::ChargingRateUnitType> unit) const;
    // The limit in force on a connector at `t` (never above Limits::connector_max_w).
    Limit limit_at(int connector, DateTime t) const;

    std::size_t size() const { return installed_.size(); }
    const Limits& limits() const { return limits_; }
    Limits& limits() { return limits_; } // the configuration keys may change
    // Bytes held on the heap by the installed profiles (for memory budgets).
    std::size_t heap_bytes() const;

    struct Installed {
        int connector = 0;
        v16::ChargingProfile profile;
    };
    const std::vector<Installed>& installed() const { return installed_; }

private:
    struct Transaction {
        bool running = false;
        std::optional<int> id;
        std::int64_t start_ms = 0;
    };
    Verdict check(int connector, const v16::ChargingProfile& p, bool remote_start) const;
    Verdict install(int connector, const v16::ChargingProfile& p);
    const Transaction* transaction(int connector) const;

    Limits limits_;
    std::vector<Installed> installed_;
    std::vector<Transaction> transactions_; // index = connector
};

} // namespace ocpp::smartcharging
