// The central system's schema (versioned migrations) and the id-tag registry.
#include "centralsystem/store.hpp"
#include "centralsystem/store_util.hpp"

namespace cs::db {

using namespace detail;

Result<void> migrate(Sqlite& db) {
    return db.migrate("centralsystem", {{1, R"sql(
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
            street TEXT, postal_code TEXT, city TEXT, country TEXT, latitude REAL, longitude REAL,
            hotline TEXT NOT NULL DEFAULT '', emergency_contact TEXT NOT NULL DEFAULT '',
            accessibility TEXT NOT NULL DEFAULT '', commissioned_at TEXT NOT NULL DEFAULT '');
        CREATE INDEX chargers_by_provider ON chargers(provider);
        CREATE TABLE charge_points (
            chargebox_id TEXT NOT NULL REFERENCES chargers(chargebox_id) ON DELETE CASCADE,
            connector_id INTEGER NOT NULL,
            evse_id TEXT UNIQUE,
            standard TEXT NOT NULL DEFAULT '', format TEXT NOT NULL DEFAULT '', power_type TEXT NOT NULL DEFAULT '',
            max_power_kw REAL, max_current_a REAL, phases INTEGER,
            status TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (chargebox_id, connector_id));
        CREATE TABLE id_tags (
            id_tag TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid')),
            expiry_date TEXT, parent_id_tag TEXT);
        CREATE TABLE transactions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chargebox_id TEXT NOT NULL, connector_id INTEGER NOT NULL, id_tag TEXT NOT NULL,
            meter_start INTEGER NOT NULL, start_ts TEXT NOT NULL,
            meter_stop INTEGER, stop_ts TEXT, stop_reason TEXT);
        CREATE UNIQUE INDEX transactions_once ON transactions(chargebox_id, connector_id, start_ts, id_tag);
        CREATE TABLE meter_values (
            transaction_id INTEGER, chargebox_id TEXT NOT NULL, connector_id INTEGER NOT NULL,
            ts TEXT NOT NULL, measurand TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL DEFAULT '',
            phase TEXT NOT NULL DEFAULT '', context TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '');
        CREATE INDEX meter_values_by_transaction ON meter_values(transaction_id, ts);
    )sql"},
                                        {2, R"sql(
        CREATE TABLE price_sets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chargebox_id TEXT NOT NULL REFERENCES chargers(chargebox_id) ON DELETE CASCADE,
            connector_id INTEGER, currency TEXT NOT NULL,
            per_kwh REAL NOT NULL DEFAULT 0, per_session REAL NOT NULL DEFAULT 0, per_minute REAL NOT NULL DEFAULT 0,
            valid_from TEXT NOT NULL, valid_to TEXT, created_at TEXT NOT NULL);
        CREATE INDEX price_sets_by_charger ON price_sets(chargebox_id);
        CREATE INDEX transactions_by_stop ON transactions(stop_ts);
    )sql"}});
}

Result<void> upsert_id_tag(Sqlite& db, const IdTag& tag) {
    auto q = db.prepare("INSERT INTO id_tags(id_tag, status, expiry_date, parent_id_tag) VALUES(?1, ?2, ?3, ?4) "
                        "ON CONFLICT(id_tag) DO UPDATE SET status = ?2, expiry_date = ?3, parent_id_tag = ?4");
    if (!q) {
        return q.error();
    }
    q->bind(1, std::string_view(tag.id_tag)).bind(2, std::string_view(tag.status));
    bind_opt_text(*q, 3, tag.expiry_date);
    bind_opt_text(*q, 4, tag.parent_id_tag);
    return q->run();
}

namespace {
IdTag read_tag(const store::Statement& q) {
    return IdTag{q.text(0), q.text(1), opt_text(q, 2), opt_text(q, 3)};
}
} // namespace

Result<std::optional<IdTag>> find_id_tag(Sqlite& db, std::string_view id_tag) {
    auto q = db.prepare("SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags WHERE id_tag = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id_tag);
    auto row = q->step();
    if (!row) {
        return row.error();
    }
    return *row ? std::optional<IdTag>(read_tag(*q)) : std::nullopt;
}

Result<std::vector<IdTag>> list_id_tags(Sqlite& db) {
    auto q = db.prepare("SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags ORDER BY id_tag LIMIT 10000");
    if (!q) {
        return q.error();
    }
    std::vector<IdTag> out;
    for (;;) {
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(read_tag(*q));
    }
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
