#pragma once
// Correcting data: deleting a planned charger, taking a charger out of operation, replacing the charge points of a
// planned one, and the audit trail of who changed what. Kept in a migration track of its own
// ("centralsystem-corrections").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

Result<void> migrate_corrections(Connection& db);
// Indexes for the sessions and id-tag searches: a track of its own, run after the main one (whose tables it needs).
Result<void> migrate_session_indexes(Connection& db);

// Why a correction was refused (the API maps NoSuchCharger to 404, the others to 409).
enum class Refusal {
    None,
    NoSuchCharger,
    InOperation,     // deleting or re-wiring an operational charger
    NotInOperation,  // taking a charger out of operation that is not in operation
    HasHistory,      // sessions refer to the charger
    InSite,          // the charger belongs to a load-management site
    EvseIdTaken,     // an EVSE ID belongs to another charger
    HasCertificates, // an unexpired client certificate was issued for the charger's ID
};
// A refused correction: the kind, the field (JSON pointer style) and the words; false when nothing was refused.
struct Correction {
    Refusal refusal = Refusal::None;
    std::string field, error;
    explicit operator bool() const { return refusal != Refusal::None; }
};

// One change to a charger: who (the name the request carried), what (action and field), when, old -> new.
struct AuditEntry {
    std::int64_t id = 0; // set by the store, increasing
    std::string chargebox_id, at, actor, action, field, old_value, new_value;
};
// Entries are kept after their charger is deleted (who deleted it stays known); at most kAuditKept per charger.
inline constexpr std::int64_t kAuditKept = 1000;
Result<void> add_audit(Connection& db, const AuditEntry& e);
// Newest first, at most `limit`.
Result<std::vector<AuditEntry>> list_audit(Connection& db, std::string_view chargebox_id, int limit);

// Deletes a planned charger and everything that is only its set-up (charge points, prices, reported configuration,
// local-list state). Refused (InOperation) while it is in operation, (HasHistory) once a session refers to it, or
// (InSite) while it belongs to a load-management site, (HasCertificates) while a client certificate issued for its ID
// is unexpired at `now` (it would authenticate as the next charger with this ID); NoSuchCharger when unknown.
Result<Correction> delete_charger(Connection& db, std::string_view id, std::string_view now);
// Takes an operational charger out of operation (back to planned, history kept, decommissioned_at set); refused
// (NotInOperation) when it is not in operation.
Result<Correction> decommission(Connection& db, std::string_view id, std::string_view now);
// Clears the out-of-operation mark (the charger was put into operation again).
Result<void> clear_decommissioned(Connection& db, std::string_view id);
// When the charger was taken out of operation ("" = never, or put into operation again since).
Result<std::string> decommissioned_at(Connection& db, std::string_view id);
// Replaces the charge points of a planned charger without sessions: connectors kept keep their last status. Refused
// (InOperation) once in operation, (HasHistory) once a session refers to it, EvseIdTaken for another charger's
// EVSE ID.
Result<Correction> replace_charge_points(Connection& db, std::string_view id, const std::vector<ChargePoint>& points);

} // namespace cs::db
