// The central system's schema (versioned migrations) and the id-tag registry.
#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/db/authlists/local_lists.hpp"
#include "centralsystem/db/cluster.hpp"
#include "centralsystem/db/corrections.hpp"
#include "centralsystem/db/hardware_models.hpp"
#include "centralsystem/db/operations.hpp"
#include "centralsystem/db/queries.hpp"
#include "centralsystem/db/reservations.hpp"
#include "centralsystem/db/security/firmware.hpp"
#include "centralsystem/db/security/job_claims.hpp"
#include "centralsystem/db/security/security.hpp"
#include "centralsystem/db/sites/sites.hpp"
#include "centralsystem/db/users.hpp"
#include "store/ddl.hpp"

namespace cs::db {

namespace {
Result<void> migrate_tracks(Connection& db);
} // namespace

Result<void> migrate(Connection& db) {
    auto tracks = migrate_tracks(db);
    return tracks ? migrate_session_indexes(db) : tracks; // indexes on the main track's tables (db/corrections.cpp)
}

namespace {
Result<void> migrate_tracks(Connection& db) {
    // Roll-outs and DataTransfer keep a migration track of their own (db/operations.cpp).
    if (auto operations = migrate_operations(db); !operations) {
        return operations;
    }
    // Signed firmware keeps a migration track of its own (db/security/firmware.cpp).
    if (auto firmware = migrate_firmware(db); !firmware) {
        return firmware;
    }
    if (auto sites = migrate_sites(db); !sites) { // load-management sites (db/sites/sites.cpp)
        return sites;
    }
    if (auto reservations = migrate_reservations(db); !reservations) {
        return reservations;
    }
    if (auto lists = migrate_local_lists(db); !lists) {
        return lists;
    }
    if (auto groups = migrate_list_groups(db); !groups) { // local-list groups (db/list_groups.cpp), after the lists
        return groups;
    }
    if (auto corrections = migrate_corrections(db); !corrections) { // audit trail (db/corrections.cpp)
        return corrections;
    }
    if (auto users = migrate_users(db); !users) { // portal and API users (db/users.cpp)
        return users;
    }
    if (auto models = migrate_hardware_models(db); !models) { // the operators' hardware models
        return models;
    }
    if (auto cluster = migrate_cluster(db); !cluster) { // nodes and charger ownership (db/cluster.cpp)
        return cluster;
    }
    // Each version written once for SQLite and PostgreSQL (store/ddl.hpp): identity instead of AUTOINCREMENT, BIGINT
    // where SQLite's 64-bit INTEGER holds meter readings and ids, DOUBLE PRECISION for REAL, and an explicit rowid on
    // meter_values (SQLite has it implicitly) so that queries order samples by arrival in both.
    return db.migrate("centralsystem",
                      {store::portable_migration(1, R"sql(
        CREATE TABLE chargers (
            chargebox_id TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL DEFAULT '',
            provider TEXT NOT NULL DEFAULT '', vendor TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'operational')),
            accept_any_password INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL, claim_code TEXT NOT NULL DEFAULT '',
            boot_vendor TEXT NOT NULL DEFAULT '', boot_model TEXT NOT NULL DEFAULT '',
            boot_serial TEXT NOT NULL DEFAULT '', boot_firmware TEXT NOT NULL DEFAULT '',
            boot_iccid TEXT NOT NULL DEFAULT '', boot_imsi TEXT NOT NULL DEFAULT '',
            boot_meter_type TEXT NOT NULL DEFAULT '', boot_at TEXT NOT NULL DEFAULT '',
            status0 TEXT NOT NULL DEFAULT '', error_code0 TEXT NOT NULL DEFAULT '',
            street TEXT, postal_code TEXT, city TEXT, country TEXT, latitude {real}, longitude {real},
            hotline TEXT NOT NULL DEFAULT '', emergency_contact TEXT NOT NULL DEFAULT '',
            accessibility TEXT NOT NULL DEFAULT '', commissioned_at TEXT NOT NULL DEFAULT '');
        CREATE INDEX chargers_by_provider ON chargers(provider);
        CREATE TABLE charge_points (
            chargebox_id TEXT NOT NULL REFERENCES chargers(chargebox_id) ON DELETE CASCADE,
            connector_id INTEGER NOT NULL,
            evse_id TEXT UNIQUE,
            standard TEXT NOT NULL DEFAULT '', format TEXT NOT NULL DEFAULT '', power_type TEXT NOT NULL DEFAULT '',
            max_power_kw {real}, max_current_a {real}, phases INTEGER,
            status TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (chargebox_id, connector_id));
        CREATE TABLE id_tags (
            id_tag TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid')),
            expiry_date TEXT, parent_id_tag TEXT);
        CREATE TABLE transactions (
            id {id},
            chargebox_id TEXT NOT NULL, connector_id INTEGER NOT NULL, id_tag TEXT NOT NULL,
            meter_start {int64} NOT NULL, start_ts TEXT NOT NULL,
            meter_stop {int64}, stop_ts TEXT, stop_reason TEXT);
        CREATE UNIQUE INDEX transactions_once ON transactions(chargebox_id, connector_id, start_ts, id_tag);
        CREATE TABLE meter_values (
            {rowid}
            transaction_id {int64}, chargebox_id TEXT NOT NULL, connector_id INTEGER NOT NULL,
            ts TEXT NOT NULL, measurand TEXT NOT NULL, value {real} NOT NULL, unit TEXT NOT NULL DEFAULT '',
            phase TEXT NOT NULL DEFAULT '', context TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '');
        CREATE INDEX meter_values_by_transaction ON meter_values(transaction_id, ts);
    )sql"),
                       store::portable_migration(2, R"sql(
        CREATE TABLE price_sets (
            id {id},
            chargebox_id TEXT NOT NULL REFERENCES chargers(chargebox_id) ON DELETE CASCADE,
            connector_id INTEGER, currency TEXT NOT NULL,
            per_kwh {real} NOT NULL DEFAULT 0, per_session {real} NOT NULL DEFAULT 0, per_minute {real} NOT NULL DEFAULT 0,
            valid_from TEXT NOT NULL, valid_to TEXT, created_at TEXT NOT NULL);
        CREATE INDEX price_sets_by_charger ON price_sets(chargebox_id);
        CREATE INDEX transactions_by_stop ON transactions(stop_ts);
    )sql"),
                       store::portable_migration(3, R"sql(
        CREATE TABLE notifications (
            id {id},
            at TEXT NOT NULL, chargebox_id TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
            read_at TEXT);
        CREATE INDEX notifications_by_time ON notifications(at);
    )sql"),
                       {4, R"sql(
        CREATE TABLE charger_config (
            chargebox_id TEXT NOT NULL REFERENCES chargers(chargebox_id) ON DELETE CASCADE,
            config_key TEXT NOT NULL, value TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (chargebox_id, config_key));
        ALTER TABLE chargers ADD COLUMN config_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE chargers ADD COLUMN status0_at TEXT NOT NULL DEFAULT '';
    )sql"},
                       // A session a charger started while planned: answered Blocked, kept, never
                       // counted in turnover, revenue or statistics.
                       {5, R"sql(
        ALTER TABLE transactions ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
    )sql"},
                       // The operator CA, certificates and security events (db/security/security.cpp).
                       security_migration(),
                       // Security profiles, pending passwords, jobs, logs (db/security/security_jobs.cpp).
                       security_jobs_migration(),
                       // Security jobs shared by a cluster's nodes (db/security/job_claims.cpp).
                       security_jobs_cluster_migration()});
}
} // namespace

Result<void> upsert_id_tag(Connection& db, const IdTag& tag) {
    return db.run("INSERT INTO id_tags(id_tag, status, expiry_date, parent_id_tag) VALUES(?1, ?2, ?3, ?4) "
                  "ON CONFLICT(id_tag) DO UPDATE SET status = ?2, expiry_date = ?3, parent_id_tag = ?4",
                  tag.id_tag, tag.status, tag.expiry_date, tag.parent_id_tag);
}

namespace {
constexpr std::string_view kTagSelect = "SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags ";
IdTag read_tag(const store::Statement& q) {
    return IdTag{q.text(0), q.text(1), q.opt_text(2), q.opt_text(3)};
}
} // namespace

Result<std::optional<IdTag>> find_id_tag(Connection& db, std::string_view id_tag) {
    return db.first(read_tag, std::string(kTagSelect) + "WHERE id_tag = ?1", id_tag);
}

Result<std::vector<IdTag>> list_id_tags(Connection& db) {
    return db.all(read_tag, std::string(kTagSelect) + "ORDER BY id_tag LIMIT 10000");
}

std::string authorization_status(const std::optional<IdTag>& tag, std::string_view now) {
    if (!tag) {
        return "Invalid";
    }
    // Both are RFC 3339 UTC with 'Z' as we store them, so text order is time order (to the second).
    if (tag->status == "Accepted" && tag->expiry_date && tag->expiry_date->substr(0, 19) <= now.substr(0, 19)) {
        return "Expired";
    }
    return tag->status;
}

} // namespace cs::db
