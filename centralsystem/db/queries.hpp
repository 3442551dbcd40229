#pragma once
// The central system's tables (component "centralsystem" in the shared database) and every query on them.
// These functions run on the store worker's thread only (StoreWorker::submit); the loop never calls them directly.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/records.hpp"
#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

Result<void> migrate(Connection& db);
// Version 7: the security profile and password rotation per charger, bulk security jobs, requested logs and signed
// firmware (security_jobs.cpp).
store::Migration security_jobs_migration();

// Why a write was refused, in the domain's terms (the API maps each kind to an HTTP status: api/conflicts.cpp).
enum class ConflictKind {
    None,
    ChargerExists,   // the Chargebox ID is taken
    EvseIdTaken,     // an EVSE ID belongs to another charge point
    NoSuchCharger,   // the charger named in the path does not exist
    NoSuchConnector, // the charger has no such connector
    NoSuchPriceSet,  // the charger has no such price set
    WouldReprice,    // sessions that have run would then cost differently
    NoChargePoints,  // a charger without charge points cannot be put into operation
};
// A write refused for a reason the client can fix: the kind, the field (JSON pointer style) and the words.
struct Conflict {
    ConflictKind kind = ConflictKind::None;
    std::string field, error;
    explicit operator bool() const { return kind != ConflictKind::None; }
};

// Creates a charger and its charge points; a taken Chargebox ID or EVSE ID is a Conflict (nothing written).
Result<Conflict> insert_charger(Connection& db, const Charger& c);
Result<std::optional<Charger>> find_charger(Connection& db, std::string_view id);
// Search on Chargebox ID and EVSE IDs (substring, case-insensitive); provider matches exactly; empty = any.
// A negative limit means no limit.
Result<std::vector<Charger>> list_chargers(Connection& db, std::string_view q, std::string_view provider,
                                           int limit = 1000);
// Every charger's ID, password hash, status and switch, for the handshake cache at start-up.
Result<std::vector<Charger>> all_credentials(Connection& db);
// One charger's ID, password hash, status and switch (a handshake cache miss on a shared database).
Result<std::optional<Charger>> credentials_of(Connection& db, std::string_view id);

// The fields PATCH may change; unset ones stay.
struct ChargerPatch {
    std::optional<std::string> provider, vendor, model, password_hash;
    std::optional<bool> accept_any_password;
};
Result<bool> patch_charger(Connection& db, std::string_view id, const ChargerPatch& p); // false: no such charger
// Sets the address and settings and the status operational; a connector the charger does not have is a Conflict.
Result<Conflict> commission(Connection& db, std::string_view id, const Commission& c, std::string_view now);
// For a CSV import (store_import.cpp): which of these Chargebox IDs exist already, and which EVSE IDs belong to a
// stored charge point (EVSE ID -> its Chargebox ID).
struct Taken {
    std::set<std::string> chargers;
    std::map<std::string, std::string> evse_ids;
};
Result<Taken> taken_ids(Connection& db, const std::vector<std::string>& chargebox_ids,
                        const std::vector<std::string>& evse_ids);
// A charger of an import that clashes with a stored one: its index in the import, the index of its charge point
// whose EVSE ID is taken (none: its Chargebox ID is), and the words.
struct ImportClash {
    std::size_t charger = 0;
    std::optional<std::size_t> charge_point;
    std::string error;
};
// A CSV import: checks every charger against the store and, when none clashes and this is no dry run, inserts them
// all. Run it as one job of the store worker: an insert that fails after others succeeded (a node of a shared
// database took the ID in between) is an error, and the job's rollback undoes the whole import.
Result<std::vector<ImportClash>> import_chargers(Connection& db, const std::vector<Charger>& chargers, bool dry_run);
// Registers an unknown charger as planned (--auto-register); nothing when it exists already.
Result<void> auto_register(Connection& db, std::string_view id, std::string_view password_hash, std::string_view now);
// Stores a captured password and turns accept-any-password off.
Result<void> capture_password(Connection& db, std::string_view id, std::string_view password_hash);

Result<void> record_boot(Connection& db, std::string_view id, const BootFacts& boot);
// Replaces what the charger reported through GetConfiguration (store_config.cpp); reads it back (no keys: none).
Result<void> store_reported_config(Connection& db, std::string_view id, const ReportedConfig& rc);
Result<ReportedConfig> reported_config(Connection& db, std::string_view id);
Result<void> record_status(Connection& db, std::string_view id, int connector_id, std::string_view status,
                           std::string_view error_code, std::string_view ts);

Result<void> upsert_id_tag(Connection& db, const IdTag& tag);
Result<std::optional<IdTag>> find_id_tag(Connection& db, std::string_view id_tag);
Result<std::vector<IdTag>> list_id_tags(Connection& db);
// Accepted / Blocked / Expired / Invalid as an Authorize answer gives it: unknown -> Invalid, past expiry -> Expired.
std::string authorization_status(const std::optional<IdTag>& tag, std::string_view now);

struct StartResult {
    std::int64_t transaction_id = 0;
    std::optional<IdTag> tag;
    bool duplicate = false;  // the same start arrived before (offline replay): its first id is given again
    bool no_charger = false; // no charger has this ID (deleted while connected): nothing stored, answered Invalid
};
// blocked: the charger is planned; the session is kept but answered Blocked and never counted (records.hpp).
Result<StartResult> start_transaction(Connection& db, std::string_view chargebox_id, int connector_id,
                                      std::string_view id_tag, std::int64_t meter_start, std::string_view ts,
                                      bool blocked = false);
// Which charger and connector a transaction id belongs to (nullopt: no such transaction). Messages that name a
// transactionId are applied only when it is the sender's (and, for MeterValues, on the same connector).
struct TransactionOwner {
    std::string chargebox_id;
    int connector_id = 0;
};
Result<std::optional<TransactionOwner>> transaction_owner(Connection& db, std::int64_t transaction_id);

struct StopInput {
    std::int64_t transaction_id = 0;
    std::int64_t meter_stop = 0;
    std::string ts, reason;
    std::optional<std::string> id_tag;
    std::vector<MeterSample> samples; // transactionData
};
// Unknown: no transaction of this charger has the id (another charger's, or none); nothing is changed.
enum class StopResult { Stopped, AlreadyStopped, Unknown };
Result<StopResult> stop_transaction(Connection& db, std::string_view chargebox_id, const StopInput& in);

Result<void> add_meter_values(Connection& db, std::string_view chargebox_id, int connector_id,
                              std::optional<std::int64_t> transaction_id, const std::vector<MeterSample>& samples);
// A transaction from the first nine columns of a row: id, chargebox_id, connector_id, id_tag, meter_start,
// start_ts, meter_stop, stop_ts, stop_reason (the queries that list transactions select them in this order).
Transaction read_transaction(const store::Statement& q);
Result<std::vector<Transaction>> list_transactions(Connection& db, std::string_view chargebox_id, int limit);
Result<std::vector<MeterSample>> meter_values_of(Connection& db, std::int64_t transaction_id, int limit);

// Price sets (prices.cpp). A missing charger is a NoSuchCharger Conflict on "id", a connector it does not have a
// NoSuchConnector on "connectorId", a set that would take over sessions that have run WouldReprice.
Result<Conflict> insert_price_set(Connection& db, PriceSet& p); // sets p.id
Result<std::vector<PriceSet>> list_price_sets(Connection& db, std::string_view chargebox_id);
// A WouldReprice Conflict when some session of the charger (stopped or in progress) would be priced differently under
// `after` than under `before` (another set, or other figures); none otherwise.
Result<Conflict> repricing_conflict(Connection& db, std::string_view chargebox_id, const std::vector<PriceSet>& before,
                                    const std::vector<PriceSet>& after);
// Replaces price set `id` by `replacement` (its id, charger and createdAt stay), or deletes it (nullopt). Refused
// (WouldReprice) when a session of the charger that has run or is running would then cost differently; an unknown
// charger or set is NoSuchCharger or NoSuchPriceSet (price_edit.cpp).
Result<Conflict> change_price_set(Connection& db, std::string_view chargebox_id, std::int64_t id,
                                  const std::optional<PriceSet>& replacement);

// Notifications (store_notifications.cpp): the newest kNotificationsKept are kept, older ones are dropped.
inline constexpr std::int64_t kNotificationsKept = 10000;
Result<void> add_notification(Connection& db, const Notification& n, std::int64_t keep = kNotificationsKept);
struct NotificationQuery {
    std::optional<std::int64_t> before; // only ids below this (the next page)
    std::string since;                  // only those at or after this RFC 3339 UTC time ("" = any)
    bool unread_only = false;
    int limit = 100;
};
struct NotificationPage {
    std::vector<Notification> items; // newest first
    std::int64_t unread = 0;         // unread notifications in all
    bool more = false;               // older ones match too
};
Result<NotificationPage> list_notifications(Connection& db, const NotificationQuery& q);
// Marks the notifications with these ids, and with every id up to `up_to`, read; how many were unread.
Result<std::int64_t> mark_notifications_read(Connection& db, const std::vector<std::int64_t>& ids,
                                             std::optional<std::int64_t> up_to, std::string_view now);

// What GET /api/v1/dashboard counts, for the chargers of `provider` ("" = all).
struct DashboardData {
    std::vector<Charger> chargers;
    std::vector<Transaction> open;  // sessions in progress, with meter_last
    std::vector<Transaction> today; // sessions stopped on `day` (UTC, "2026-01-31")
    std::vector<PriceSet> prices;   // of those chargers
};
Result<DashboardData> dashboard_data(Connection& db, std::string_view provider, std::string_view day);

} // namespace cs::db
