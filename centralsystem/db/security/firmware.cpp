// Signed firmware uploads and updates in the store (firmware.hpp).
#include "centralsystem/db/security/firmware.hpp"

#include <set>

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kFirmwareColumns =
    "id, name, stored_name, size, sha256, signing_certificate, signature, created_at";
constexpr std::string_view kUpdateColumns = "id, firmware_id, token, created_at, expires_at, retrieve_date_time, "
                                            "install_date_time, retries, retry_interval";

const std::set<std::string, std::less<>> kFailures = {
    "DownloadFailed", "InstallationFailed", "InstallVerificationFailed", "InvalidSignature", "InvalidCertificate"};

FirmwareRow read_firmware(const store::Statement& q) {
    FirmwareRow r;
    r.id = q.int64(0);
    r.name = q.text(1);
    r.stored_name = q.text(2);
    r.size = q.int64(3);
    r.sha256 = q.text(4);
    r.signing_certificate = q.text(5);
    r.signature = q.text(6);
    r.created_at = q.text(7);
    return r;
}

FirmwareUpdateRow read_update(const store::Statement& q) {
    FirmwareUpdateRow r;
    r.id = q.int64(0);
    r.firmware_id = q.int64(1);
    r.token = q.text(2);
    r.created_at = q.text(3);
    r.expires_at = q.int64(4);
    r.retrieve_date_time = q.text(5);
    r.install_date_time = q.text(6);
    if (q.int64(7) >= 0) {
        r.retries = static_cast<int>(q.int64(7));
    }
    if (q.int64(8) >= 0) {
        r.retry_interval = static_cast<int>(q.int64(8));
    }
    return r;
}

FirmwareUpdateCharger read_update_charger(const store::Statement& q) {
    FirmwareUpdateCharger c;
    c.request_id = q.int64(0);
    c.chargebox_id = q.text(1);
    c.outcome = q.text(2);
    c.reason = q.text(3);
    return c;
}

// The update's chargers, with their reports when asked.
Result<std::optional<FirmwareUpdateRow>> with_chargers(Connection& db, Result<std::optional<FirmwareUpdateRow>> found,
                                                       bool reports) {
    if (!found || !*found) {
        return found;
    }
    auto& update = **found;
    auto chargers = db.all(read_update_charger,
                           "SELECT request_id, chargebox_id, outcome, reason FROM firmware_update_chargers "
                           "WHERE update_id = ?1 ORDER BY chargebox_id",
                           update.id);
    if (!chargers) {
        return chargers.error();
    }
    update.chargers = std::move(*chargers);
    for (auto& c : update.chargers) {
        if (!reports) {
            break;
        }
        auto all = status_reports(db, c.chargebox_id, "firmware");
        if (!all) {
            return all.error();
        }
        for (auto& s : *all) {
            if (s.request_id && *s.request_id == c.request_id) {
                c.reports.push_back(std::move(s));
            }
        }
    }
    return found;
}

} // namespace

store::Migration firmware_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE firmware (
            id {id},
            name TEXT NOT NULL, stored_name TEXT NOT NULL, size {int64} NOT NULL, sha256 TEXT NOT NULL,
            signing_certificate TEXT NOT NULL, signature TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE firmware_updates (
            id {id},
            firmware_id {int64} NOT NULL REFERENCES firmware(id) ON DELETE CASCADE,
            token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, expires_at {int64} NOT NULL,
            retrieve_date_time TEXT NOT NULL, install_date_time TEXT NOT NULL DEFAULT '',
            retries {int64} NOT NULL DEFAULT -1, retry_interval {int64} NOT NULL DEFAULT -1);
        CREATE TABLE firmware_update_chargers (
            request_id {id},
            update_id {int64} NOT NULL REFERENCES firmware_updates(id) ON DELETE CASCADE,
            chargebox_id TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'pending', reason TEXT NOT NULL DEFAULT '');
        CREATE INDEX firmware_update_chargers_by_update ON firmware_update_chargers(update_id);
    )sql");
}

Result<void> migrate_firmware(Connection& db) {
    return db.migrate("centralsystem-firmware", {firmware_migration()});
}

Result<std::vector<std::string>> firmware_files_in_use(Connection& db, std::int64_t now) {
    return db.all([](const store::Statement& q) { return q.text(0); },
                  "SELECT DISTINCT f.stored_name FROM firmware f JOIN firmware_updates u ON u.firmware_id = f.id "
                  "WHERE u.expires_at >= ?1",
                  now);
}

Result<std::int64_t> create_firmware(Connection& db, const FirmwareRow& row) {
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO firmware(name, stored_name, size, sha256, signing_certificate, signature, "
                       "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                       row.name, row.stored_name, row.size, row.sha256, row.signing_certificate, row.signature,
                       row.created_at);
    if (!id) {
        return id.error();
    }
    if (!*id) {
        return ocpp::make_error("the firmware got no id");
    }
    // Bounded: the oldest uploads beyond kKeptFirmware go, with their updates (the chargers first: no cascade is
    // relied upon, SQLite may run without foreign keys).
    const std::string old =
        "SELECT id FROM firmware WHERE id NOT IN (SELECT id FROM firmware ORDER BY id DESC LIMIT ?1)";
    if (auto d = db.run("DELETE FROM firmware_update_chargers WHERE update_id IN (SELECT id FROM firmware_updates "
                        "WHERE firmware_id IN (" +
                            old + "))",
                        kKeptFirmware);
        !d) {
        return d.error();
    }
    if (auto d = db.run("DELETE FROM firmware_updates WHERE firmware_id IN (" + old + ")", kKeptFirmware); !d) {
        return d.error();
    }
    if (auto d = db.run("DELETE FROM firmware WHERE id IN (" + old + ")", kKeptFirmware); !d) {
        return d.error();
    }
    return **id;
}

Result<std::vector<FirmwareRow>> list_firmware(Connection& db) {
    return db.all(read_firmware, "SELECT " + std::string(kFirmwareColumns) + " FROM firmware ORDER BY id DESC");
}

Result<std::optional<FirmwareRow>> find_firmware(Connection& db, std::int64_t id) {
    return db.first(read_firmware, "SELECT " + std::string(kFirmwareColumns) + " FROM firmware WHERE id = ?1", id);
}

Result<FirmwareUpdateRow> create_firmware_update(Connection& db, const FirmwareUpdateRow& update,
                                                 const std::vector<std::string>& chargers) {
    auto id =
        db.first([](const store::Statement& q) { return q.int64(0); },
                 "INSERT INTO firmware_updates(firmware_id, token, created_at, expires_at, retrieve_date_time, "
                 "install_date_time, retries, retry_interval) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                 "RETURNING id",
                 update.firmware_id, update.token, update.created_at, update.expires_at, update.retrieve_date_time,
                 update.install_date_time, static_cast<std::int64_t>(update.retries.value_or(-1)),
                 static_cast<std::int64_t>(update.retry_interval.value_or(-1)));
    if (!id) {
        return id.error();
    }
    if (!*id) {
        return ocpp::make_error("the firmware update got no id");
    }
    for (const auto& c : chargers) {
        if (auto r = db.run("INSERT INTO firmware_update_chargers(update_id, chargebox_id) VALUES(?1, ?2)", **id, c);
            !r) {
            return r.error();
        }
    }
    auto found = find_firmware_update(db, **id);
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return ocpp::make_error("the firmware update is gone");
    }
    return std::move(**found);
}

Result<void> set_firmware_update_outcome(Connection& db, std::int64_t request_id, std::string_view outcome,
                                         std::string_view reason) {
    return db.run("UPDATE firmware_update_chargers SET outcome = ?2, reason = ?3 WHERE request_id = ?1", request_id,
                  outcome, reason);
}

Result<void> replace_earlier_firmware_updates(Connection& db, std::string_view chargebox_id, std::int64_t request_id) {
    return db.run("UPDATE firmware_update_chargers SET outcome = 'replaced', reason = ?3 WHERE chargebox_id = ?1 AND "
                  "request_id < ?2 AND outcome = 'sent' AND NOT EXISTS (SELECT 1 FROM status_reports s WHERE "
                  "s.chargebox_id = ?1 AND s.kind = 'firmware' AND s.request_id = firmware_update_chargers.request_id "
                  "AND s.status IN ('Installed', 'DownloadFailed', 'InstallationFailed', "
                  "'InstallVerificationFailed', 'InvalidSignature', 'InvalidCertificate'))",
                  chargebox_id, request_id, "the charger cancelled it for request " + std::to_string(request_id));
}

Result<std::optional<FirmwareUpdateRow>> find_firmware_update(Connection& db, std::int64_t id) {
    return with_chargers(
        db, db.first(read_update, "SELECT " + std::string(kUpdateColumns) + " FROM firmware_updates WHERE id = ?1", id),
        true);
}

Result<std::optional<FirmwareUpdateRow>> find_firmware_update_by_token(Connection& db, std::string_view token) {
    return with_chargers(db,
                         db.first(read_update,
                                  "SELECT " + std::string(kUpdateColumns) + " FROM firmware_updates WHERE token = ?1",
                                  token),
                         true);
}

Result<std::vector<FirmwareUpdateRow>> list_firmware_updates(Connection& db, std::int64_t firmware_id) {
    return db.all(read_update,
                  "SELECT " + std::string(kUpdateColumns) +
                      " FROM firmware_updates WHERE firmware_id = ?1 ORDER BY "
                      "id DESC",
                  firmware_id);
}

bool firmware_status_failed(std::string_view status) {
    return kFailures.count(status) > 0;
}

bool firmware_status_final(std::string_view status) {
    return status == "Installed" || firmware_status_failed(status);
}

} // namespace cs::db
