// DataTransfer messages, roll-out files and jobs in the store (operations.hpp).
#include "centralsystem/db/operations.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kTransferColumns = "id, chargebox_id, vendor_id, message_id, data, status, answer_data, at";
constexpr std::string_view kFileColumns = "id, name, stored_name, size, sha256, created_at";
constexpr std::string_view kRolloutColumns =
    "id, file_id, token, location, created_at, state, start_at, concurrency, "
    "retries, retry_interval, timeout_s, ocpp_retries, ocpp_retry_interval, force_install";
constexpr std::string_view kRolloutChargerColumns =
    "r.id, r.job_id, r.chargebox_id, r.status, r.attempts, r.sent_at, r.next_at, r.detail, r.updated_at";

DataTransferRow read_transfer(const store::Statement& q) {
    return DataTransferRow{q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)};
}

RolloutFile read_file(const store::Statement& q) {
    RolloutFile f;
    f.id = q.int64(0);
    f.name = q.text(1);
    f.stored_name = q.text(2);
    f.size = q.int64(3);
    f.sha256 = q.text(4);
    f.created_at = q.text(5);
    return f;
}

RolloutJob read_rollout_job(const store::Statement& q) {
    RolloutJob j;
    j.id = q.int64(0);
    j.file_id = q.int64(1);
    j.token = q.text(2);
    j.location = q.text(3);
    j.created_at = q.text(4);
    j.state = q.text(5);
    j.start_at = q.int64(6);
    j.concurrency = static_cast<int>(q.int64(7));
    j.retries = static_cast<int>(q.int64(8));
    j.retry_interval = static_cast<int>(q.int64(9));
    j.timeout = static_cast<int>(q.int64(10));
    j.ocpp_retries = q.opt_int(11);
    j.ocpp_retry_interval = q.opt_int(12);
    j.force = q.int64(13) != 0;
    return j;
}

RolloutCharger read_rollout_charger(const store::Statement& q) {
    RolloutCharger c;
    c.id = q.int64(0);
    c.job_id = q.int64(1);
    c.chargebox_id = q.text(2);
    c.status = q.text(3);
    c.attempts = static_cast<int>(q.int64(4));
    c.sent_at = q.int64(5);
    c.next_at = q.int64(6);
    c.detail = q.text(7);
    c.updated_at = q.text(8);
    return c;
}

// A job's chargers with the facts of their last BootNotification.
Result<void> attach_chargers(Connection& db, RolloutJob& job) {
    auto rows = db.all(
        [](const store::Statement& q) {
            RolloutCharger c = read_rollout_charger(q);
            c.firmware_version = q.text(9);
            c.booted_at = q.text(10);
            return c;
        },
        "SELECT " + std::string(kRolloutChargerColumns) +
            ", COALESCE(c.boot_firmware, ''), COALESCE(c.boot_at, '') FROM rollout_chargers r LEFT JOIN chargers c "
            "ON c.chargebox_id = r.chargebox_id WHERE r.job_id = ?1 ORDER BY r.id",
        job.id);
    if (!rows) {
        return rows.error();
    }
    job.chargers = std::move(*rows);
    return {};
}

} // namespace

Result<std::optional<RolloutJob>> find_rollout_job(Connection& db, std::int64_t id) {
    auto job =
        db.first(read_rollout_job, "SELECT " + std::string(kRolloutColumns) + " FROM rollout_jobs WHERE id = ?1", id);
    if (!job || !*job) {
        return job;
    }
    if (auto a = attach_chargers(db, **job); !a) {
        return a.error();
    }
    return job;
}

store::Migration operations_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE data_transfers (
            id {id},
            chargebox_id TEXT NOT NULL, vendor_id TEXT NOT NULL, message_id TEXT NOT NULL, data TEXT NOT NULL,
            status TEXT NOT NULL, answer_data TEXT NOT NULL, at TEXT NOT NULL);
        CREATE INDEX data_transfers_by_charger ON data_transfers(chargebox_id, id);
        CREATE TABLE rollout_files (
            id {id},
            name TEXT NOT NULL, stored_name TEXT NOT NULL, size {int64} NOT NULL, sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE rollout_jobs (
            id {id},
            file_id {int64} NOT NULL, token TEXT NOT NULL UNIQUE, location TEXT NOT NULL, created_at TEXT NOT NULL,
            state TEXT NOT NULL, start_at {int64} NOT NULL, concurrency {int64} NOT NULL, retries {int64} NOT NULL,
            retry_interval {int64} NOT NULL, timeout_s {int64} NOT NULL, ocpp_retries {int64},
            ocpp_retry_interval {int64}, force_install {int64} NOT NULL);
        CREATE TABLE rollout_chargers (
            id {id},
            job_id {int64} NOT NULL, chargebox_id TEXT NOT NULL, status TEXT NOT NULL, attempts {int64} NOT NULL,
            sent_at {int64} NOT NULL, next_at {int64} NOT NULL, detail TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX rollout_chargers_by_job ON rollout_chargers(job_id);
        CREATE INDEX rollout_chargers_by_charger ON rollout_chargers(chargebox_id, id);
    )sql");
}

Result<void> migrate_operations(Connection& db) {
    // 2: the scheduler reads the open jobs each second by their state.
    return db.migrate(
        "centralsystem-operations",
        {operations_migration(),
         store::portable_migration(2, "CREATE INDEX rollout_jobs_by_state ON rollout_jobs(state, start_at);")});
}

Result<void> record_data_transfer(Connection& db, const DataTransferRow& r) {
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO data_transfers(chargebox_id, vendor_id, message_id, data, status, answer_data, at) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                       r.chargebox_id, r.vendor_id, r.message_id, r.data, r.status, r.answer_data, r.at);
    if (!id) {
        return id.error();
    }
    // Trimmed every kTrimDataTransfersEvery inserts, not on each: first every charger's rows beyond its share
    // (a chatty charger loses its own oldest, not the others'), then the oldest beyond the total.
    if (!*id || **id % kTrimDataTransfersEvery != 0) {
        return {};
    }
    if (auto d =
            db.run("DELETE FROM data_transfers WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
                   "(PARTITION BY chargebox_id ORDER BY id DESC) AS n FROM data_transfers) AS ranked WHERE n > ?1)",
                   kKeptDataTransfersPerCharger);
        !d) {
        return d;
    }
    auto count = db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM data_transfers");
    if (!count) {
        return count.error();
    }
    const std::int64_t extra = count->value_or(0) - kKeptDataTransfers;
    if (extra <= 0) {
        return {};
    }
    return db.run(
        "DELETE FROM data_transfers WHERE id <= (SELECT id FROM data_transfers ORDER BY id LIMIT 1 OFFSET ?1)",
        extra - 1);
}

Result<std::vector<DataTransferRow>> list_data_transfers(Connection& db, std::string_view chargebox_id, int limit) {
    if (chargebox_id.empty()) {
        return db.all(read_transfer,
                      "SELECT " + std::string(kTransferColumns) + " FROM data_transfers ORDER BY id DESC LIMIT ?1",
                      limit);
    }
    return db.all(read_transfer,
                  "SELECT " + std::string(kTransferColumns) +
                      " FROM data_transfers WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2",
                  chargebox_id, limit);
}

Result<std::int64_t> create_rollout_file(Connection& db, const RolloutFile& f) {
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO rollout_files(name, stored_name, size, sha256, created_at) VALUES(?1, ?2, ?3, ?4, "
                       "?5) RETURNING id",
                       f.name, f.stored_name, f.size, f.sha256, f.created_at);
    if (!id) {
        return id.error();
    }
    if (!*id) {
        return ocpp::make_error("the firmware file got no id");
    }
    // Bounded: the oldest beyond kKeptRolloutFiles are forgotten (their files age out of the file store).
    if (auto d = db.run("DELETE FROM rollout_files WHERE id NOT IN (SELECT id FROM rollout_files ORDER BY id DESC "
                        "LIMIT ?1)",
                        kKeptRolloutFiles);
        !d) {
        return d.error();
    }
    return **id;
}

Result<std::vector<RolloutFile>> list_rollout_files(Connection& db) {
    return db.all(read_file, "SELECT " + std::string(kFileColumns) + " FROM rollout_files ORDER BY id DESC");
}

Result<std::optional<RolloutFile>> find_rollout_file(Connection& db, std::int64_t id) {
    return db.first(read_file, "SELECT " + std::string(kFileColumns) + " FROM rollout_files WHERE id = ?1", id);
}

Result<std::int64_t> create_rollout_job(Connection& db, const RolloutJob& j) {
    // The store worker runs each job in a transaction: the job and its chargers are stored together or not at all.
    auto id =
        db.first([](const store::Statement& q) { return q.int64(0); },
                 "INSERT INTO rollout_jobs(file_id, token, location, created_at, state, start_at, concurrency, "
                 "retries, retry_interval, timeout_s, ocpp_retries, ocpp_retry_interval, force_install) VALUES(?1, ?2, "
                 "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
                 j.file_id, j.token, j.location, j.created_at, j.state, j.start_at, j.concurrency, j.retries,
                 j.retry_interval, j.timeout, j.ocpp_retries, j.ocpp_retry_interval, j.force);
    if (!id || !*id) {
        return id ? ocpp::make_error("the roll-out job got no id") : id.error();
    }
    // Bounded: ended jobs beyond the newest kKeptRolloutJobs go, with their chargers.
    const std::string old_jobs = "SELECT id FROM rollout_jobs WHERE state IN ('done', 'cancelled') AND id NOT IN "
                                 "(SELECT id FROM rollout_jobs ORDER BY id DESC LIMIT ?1)";
    if (auto d = db.run("DELETE FROM rollout_chargers WHERE job_id IN (" + old_jobs + ")", kKeptRolloutJobs); !d) {
        return d.error();
    }
    if (auto d = db.run("DELETE FROM rollout_jobs WHERE id IN (" + old_jobs + ")", kKeptRolloutJobs); !d) {
        return d.error();
    }
    for (const auto& c : j.chargers) {
        if (auto i = db.run("INSERT INTO rollout_chargers(job_id, chargebox_id, status, attempts, sent_at, next_at, "
                            "detail, updated_at) VALUES(?1, ?2, 'queued', 0, 0, 0, '', ?3)",
                            **id, c.chargebox_id, j.created_at);
            !i) {
            return i.error();
        }
    }
    return **id;
}

Result<std::vector<RolloutJob>> list_rollout_jobs(Connection& db, int limit) {
    auto jobs =
        db.all(read_rollout_job,
               "SELECT " + std::string(kRolloutColumns) + " FROM rollout_jobs ORDER BY id DESC LIMIT ?1", limit);
    if (!jobs) {
        return jobs;
    }
    for (auto& j : *jobs) {
        auto counts =
            db.all([](const store::Statement& q) { return std::make_pair(q.text(0), static_cast<int>(q.int64(1))); },
                   "SELECT status, COUNT(*) FROM rollout_chargers WHERE job_id = ?1 GROUP BY status", j.id);
        if (!counts) {
            return counts.error();
        }
        j.counts = std::map<std::string, int>(counts->begin(), counts->end());
    }
    return jobs;
}

Result<std::vector<std::string>> rollout_files_in_use(Connection& db, std::int64_t now) {
    return db.all([](const store::Statement& q) { return q.text(0); },
                  "SELECT DISTINCT f.stored_name FROM rollout_jobs j JOIN rollout_files f ON f.id = j.file_id "
                  "WHERE j.state IN ('scheduled', 'running') AND j.start_at + ?2 > ?1",
                  now, kRolloutLongest);
}

Result<std::optional<RolloutFile>> served_rollout_file(Connection& db, std::string_view token, std::int64_t now) {
    return db.first(read_file,
                    "SELECT f.id, f.name, f.stored_name, f.size, f.sha256, f.created_at FROM rollout_jobs j JOIN "
                    "rollout_files f ON f.id = j.file_id WHERE j.token = ?1 AND j.state IN ('scheduled', 'running') "
                    "AND j.start_at + ?3 > ?2",
                    token, now, kRolloutLongest);
}

Result<bool> cancel_rollout_job(Connection& db, std::int64_t id, std::string_view now) {
    auto changed = db.execute(
        "UPDATE rollout_jobs SET state = 'cancelled' WHERE id = ?1 AND state IN ('scheduled', 'running')", id);
    if (!changed) {
        return changed.error();
    }
    if (*changed == 0) {
        return false;
    }
    if (auto u = db.run("UPDATE rollout_chargers SET status = 'cancelled', detail = 'the job was cancelled before it "
                        "was sent', updated_at = ?2 WHERE job_id = ?1 AND status IN ('queued', 'offline', "
                        "'busy-charging')",
                        id, now);
        !u) {
        return u.error();
    }
    return true;
}

Result<std::vector<RolloutJob>> due_rollout_jobs(Connection& db, std::int64_t now) {
    // Cancelled jobs too while a charger of theirs is still in progress (it times out like any other).
    auto jobs = db.all(read_rollout_job,
                       "SELECT " + std::string(kRolloutColumns) +
                           " FROM rollout_jobs j WHERE (state IN ('scheduled', 'running') AND start_at <= ?1) OR "
                           "(state = 'cancelled' AND EXISTS (SELECT 1 FROM rollout_chargers r WHERE r.job_id = j.id "
                           "AND r.status IN ('sent', 'Downloading', 'Downloaded', 'Installing'))) ORDER BY id",
                       now);
    if (!jobs) {
        return jobs;
    }
    for (auto& j : *jobs) {
        // Only the rows not ended yet: waiting, in progress, or failed with a retry left.
        auto rows = db.all(read_rollout_charger,
                           "SELECT " + std::string(kRolloutChargerColumns) +
                               " FROM rollout_chargers r WHERE r.job_id = ?1 AND (r.status IN ('queued', 'offline', "
                               "'busy-charging', 'sent', 'Downloading', 'Downloaded', 'Installing') OR (r.status IN "
                               "('DownloadFailed', 'InstallationFailed', 'timeout', 'rejected') AND r.attempts <= ?2)) "
                               "ORDER BY r.id",
                           j.id, j.retries);
        if (!rows) {
            return rows.error();
        }
        j.chargers = std::move(*rows);
    }
    return jobs;
}

Result<std::set<std::string>> chargers_in_session(Connection& db) {
    auto ids = db.all([](const store::Statement& q) { return q.text(0); },
                      "SELECT DISTINCT chargebox_id FROM transactions WHERE stop_ts IS NULL");
    if (!ids) {
        return ids.error();
    }
    return std::set<std::string>(ids->begin(), ids->end());
}

Result<bool> update_rollout_charger(Connection& db, const RolloutCharger& r, std::string_view expected,
                                    int expected_attempts, int concurrency) {
    // The row's status and attempts as the planner read them: a node that planned from an older reading changes
    // nothing (another node counted that offline attempt, or sent it, meanwhile).
    auto changed = db.execute(
        "UPDATE rollout_chargers SET status = ?2, attempts = ?3, sent_at = ?4, next_at = ?5, detail = ?6, "
        "updated_at = ?7 WHERE id = ?1 AND status = ?8 AND attempts = ?9 AND (?10 = 0 OR (SELECT count(*) FROM "
        "rollout_chargers a WHERE a.job_id = ?11 AND a.status IN ('sent', 'Downloading', 'Downloaded', "
        "'Installing')) < ?10)",
        r.id, r.status, r.attempts, r.sent_at, r.next_at, r.detail, r.updated_at, expected, expected_attempts,
        concurrency, r.job_id);
    if (!changed) {
        return changed.error();
    }
    return *changed > 0;
}

Result<void> lock_rollout_job(Connection& db, std::int64_t job_id) {
    return db.run("UPDATE rollout_jobs SET state = state WHERE id = ?1", job_id);
}

Result<void> set_rollout_state(Connection& db, std::int64_t job_id, std::string_view state) {
    return db.run("UPDATE rollout_jobs SET state = ?2 WHERE id = ?1 AND state IN ('scheduled', 'running')", job_id,
                  state);
}

Result<bool> rollout_status_report(Connection& db, std::string_view chargebox_id, std::string_view status,
                                   std::string_view now) {
    // The charger's newest row that was sent: a late report of an earlier attempt still lands on its own job.
    auto row = db.first([](const store::Statement& q) { return q.int64(0); },
                        "SELECT id FROM rollout_chargers WHERE chargebox_id = ?1 AND status IN ('sent', "
                        "'Downloading', 'Downloaded', 'Installing', 'timeout') ORDER BY id DESC LIMIT 1",
                        chargebox_id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return false;
    }
    if (auto u = db.run("UPDATE rollout_chargers SET status = ?2, detail = '', updated_at = ?3 WHERE id = ?1", **row,
                        status, now);
        !u) {
        return u.error();
    }
    return true;
}

Result<std::optional<std::int64_t>> newest_diagnostics_request(Connection& db, std::string_view chargebox_id) {
    return db.first([](const store::Statement& q) { return q.int64(0); },
                    "SELECT id FROM log_requests WHERE chargebox_id = ?1 AND log_type = 'Diagnostics' ORDER BY id "
                    "DESC LIMIT 1",
                    chargebox_id);
}

} // namespace cs::db
