// The security jobs and the gate's security state in the store, and migration 7 that holds them.
#include "centralsystem/db/security/security_jobs.hpp"

#include <algorithm>
#include <map>

#include "centralsystem/db/queries.hpp"
#include "store/ddl.hpp"

namespace cs::db {

store::Migration security_jobs_migration() {
    return store::portable_migration(7, R"sql(
        ALTER TABLE chargers ADD COLUMN security_profile INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE chargers ADD COLUMN pending_password_hashes TEXT NOT NULL DEFAULT '';
        CREATE TABLE security_jobs (
            id {id},
            kind TEXT NOT NULL, target_profile INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'running', created_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '',
            concurrency INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE security_job_chargers (
            job_id {int64} NOT NULL REFERENCES security_jobs(id) ON DELETE CASCADE,
            chargebox_id TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'pending', reason TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (job_id, chargebox_id));
        CREATE TABLE status_reports (
            id {id},
            chargebox_id TEXT NOT NULL, kind TEXT NOT NULL, request_id {int64}, status TEXT NOT NULL,
            at TEXT NOT NULL);
        CREATE INDEX status_reports_by_charger ON status_reports(chargebox_id, id);
        CREATE TABLE log_requests (
            id {id},
            chargebox_id TEXT NOT NULL, log_type TEXT NOT NULL, token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
            answer TEXT NOT NULL DEFAULT '', file_name TEXT NOT NULL DEFAULT '',
            stored_name TEXT NOT NULL DEFAULT '', file_size {int64} NOT NULL DEFAULT 0,
            sha256 TEXT NOT NULL DEFAULT '', uploaded_at TEXT NOT NULL DEFAULT '');
        CREATE INDEX log_requests_by_charger ON log_requests(chargebox_id, id);
    )sql");
}

Result<void> raise_security_profile(Connection& db, std::string_view id, int profile) {
    return db.run("UPDATE chargers SET security_profile = ?2 WHERE chargebox_id = ?1 AND security_profile < ?2", id,
                  profile);
}

Result<void> set_pending_passwords(Connection& db, std::string_view id, std::string_view hashes) {
    return db.run("UPDATE chargers SET pending_password_hashes = ?2 WHERE chargebox_id = ?1", id, hashes);
}

Result<void> finish_rotation(Connection& db, std::string_view id, std::string_view hash) {
    return db.run("UPDATE chargers SET password_hash = ?2, pending_password_hashes = '', accept_any_password = 0 "
                  "WHERE chargebox_id = ?1",
                  id, hash);
}

Result<void> record_status_report(Connection& db, const StatusReport& report) {
    if (auto r = db.run("INSERT INTO status_reports(chargebox_id, kind, request_id, status, at) "
                        "VALUES(?1, ?2, ?3, ?4, ?5)",
                        report.chargebox_id, report.kind, report.request_id, report.status, report.at);
        !r) {
        return r.error();
    }
    // Bounded: a charger repeating itself keeps only its newest reports.
    return db.run("DELETE FROM status_reports WHERE chargebox_id = ?1 AND id NOT IN (SELECT id FROM status_reports "
                  "WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2)",
                  report.chargebox_id, kKeptReports);
}

Result<std::vector<StatusReport>> status_reports(Connection& db, std::string_view id, std::string_view kind) {
    return db.all(
        [](const store::Statement& q) {
            std::optional<int> request;
            if (!q.is_null(2)) {
                request = static_cast<int>(q.int64(2));
            }
            return StatusReport{q.text(0), q.text(1), request, q.text(3), q.text(4)};
        },
        "SELECT chargebox_id, kind, request_id, status, at FROM status_reports WHERE chargebox_id = ?1 AND kind = ?2 "
        "ORDER BY id DESC",
        id, kind);
}

namespace {

// The security profile of each stored charger among `ids`, a few hundred per query.
Result<std::map<std::string, int>> stored_security_profiles(Connection& db, const std::vector<std::string>& ids) {
    std::map<std::string, int> out;
    for (std::size_t from = 0; from < ids.size(); from += store::kListParams) {
        const std::size_t to = std::min(ids.size(), from + store::kListParams);
        auto q = db.prepare("SELECT chargebox_id, security_profile FROM chargers WHERE chargebox_id IN (" +
                            store::numbered_list(to - from) + ")");
        if (!q) {
            return q.error();
        }
        for (std::size_t i = from; i < to; ++i) {
            q->bind(static_cast<int>(i - from + 1), ids[i]);
        }
        auto rows = Connection::collect(
            *q, [](const store::Statement& r) { return std::make_pair(r.text(0), static_cast<int>(r.int64(1))); });
        if (!rows) {
            return rows.error();
        }
        out.insert(rows->begin(), rows->end());
    }
    return out;
}

} // namespace

Result<std::vector<std::string>> unknown_chargers(Connection& db, const std::vector<std::string>& ids) {
    auto known = stored_security_profiles(db, ids);
    if (!known) {
        return known.error();
    }
    std::vector<std::string> missing;
    for (const auto& id : ids) {
        if (known->count(id) == 0) {
            missing.push_back(id);
        }
    }
    return missing;
}

Result<std::vector<std::string>> chargers_of_provider(Connection& db, std::string_view provider) {
    return db.all([](const store::Statement& q) { return q.text(0); },
                  "SELECT chargebox_id FROM chargers WHERE provider = ?1 ORDER BY chargebox_id", provider);
}

Result<std::vector<int>> security_profiles(Connection& db, const std::vector<std::string>& ids) {
    auto known = stored_security_profiles(db, ids);
    if (!known) {
        return known.error();
    }
    std::vector<int> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        const auto it = known->find(id);
        out.push_back(it == known->end() ? 0 : it->second);
    }
    return out;
}

Result<std::int64_t> create_security_job(Connection& db, const SecurityJobRow& job,
                                         const std::vector<std::string>& ids) {
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO security_jobs(kind, target_profile, state, created_at, concurrency, max_attempts, "
                       "retry_seconds, confirm_seconds) VALUES(?1, ?2, 'running', ?3, ?4, ?5, ?6, ?7) RETURNING id",
                       job.kind, job.target_profile, job.created_at, job.concurrency, job.max_attempts,
                       job.retry_seconds, job.confirm_seconds);
    if (!id) {
        return id.error();
    }
    if (!*id) {
        return ocpp::make_error("the new job got no id");
    }
    // A few hundred rows per statement (the job and the time bound once), well under SQLite's oldest limit of 999
    // parameters: a job over thousands of chargers is stored in a handful of statements.
    constexpr std::size_t kJobRowsPerInsert = 400;
    for (std::size_t from = 0; from < ids.size(); from += kJobRowsPerInsert) {
        const std::size_t to = std::min(ids.size(), from + kJobRowsPerInsert);
        std::string sql = "INSERT INTO security_job_chargers(job_id, chargebox_id, updated_at) VALUES ";
        for (std::size_t i = from; i < to; ++i) {
            sql += (i == from ? "(?1, ?" : ", (?1, ?") + std::to_string(i - from + 3) + ", ?2)";
        }
        auto q = db.prepare(sql + " ON CONFLICT DO NOTHING");
        if (!q) {
            return q.error();
        }
        q->bind(1, **id).bind(2, job.created_at);
        for (std::size_t i = from; i < to; ++i) {
            q->bind(static_cast<int>(i - from + 3), ids[i]);
        }
        if (auto r = q->run(); !r) {
            return r.error();
        }
    }
    // Bounded history: the oldest finished jobs beyond kKeptJobs go, with their rows.
    const std::string limit_clause = " LIMIT 1000000000 OFFSET ?1";
    if (auto r = db.run("DELETE FROM security_job_chargers WHERE job_id IN (SELECT id FROM security_jobs WHERE "
                        "state <> 'running' ORDER BY id DESC" +
                            limit_clause + ")",
                        kKeptJobs);
        !r) {
        return r.error();
    }
    if (auto r = db.run("DELETE FROM security_jobs WHERE id IN (SELECT id FROM security_jobs WHERE state <> "
                        "'running' ORDER BY id DESC" +
                            limit_clause + ")",
                        kKeptJobs);
        !r) {
        return r.error();
    }
    return **id;
}

Result<void> update_job_charger(Connection& db, std::int64_t job, const JobChargerRow& row) {
    return db.run("UPDATE security_job_chargers SET outcome = ?3, reason = ?4, attempts = ?5, updated_at = ?6 "
                  "WHERE job_id = ?1 AND chargebox_id = ?2",
                  job, row.chargebox_id, row.outcome, row.reason, row.attempts, row.updated_at);
}

Result<void> finish_security_job(Connection& db, std::int64_t job, std::string_view state, std::string_view now) {
    return db.run("UPDATE security_jobs SET state = ?2, finished_at = ?3 WHERE id = ?1", job, state, now);
}

Result<void> interrupt_security_jobs(Connection& db, std::string_view now) {
    if (auto r = db.run("UPDATE security_job_chargers SET outcome = 'failed', reason = 'the central system "
                        "restarted before this charger was done', updated_at = ?1 WHERE outcome IN ('pending', "
                        "'sent', 'offline') AND job_id IN (SELECT id FROM security_jobs WHERE state = 'running')",
                        now);
        !r) {
        return r.error();
    }
    return db.run("UPDATE security_jobs SET state = 'interrupted', finished_at = ?1 WHERE state = 'running'", now);
}

namespace {

constexpr std::string_view kSecurityJobColumns =
    "id, kind, target_profile, state, created_at, finished_at, concurrency, max_attempts";

SecurityJobRow read_security_job(const store::Statement& q) {
    SecurityJobRow j;
    j.id = q.int64(0);
    j.kind = q.text(1);
    j.target_profile = static_cast<int>(q.int64(2));
    j.state = q.text(3);
    j.created_at = q.text(4);
    j.finished_at = q.text(5);
    j.concurrency = static_cast<int>(q.int64(6));
    j.max_attempts = static_cast<int>(q.int64(7));
    return j;
}

Result<void> add_counts(Connection& db, SecurityJobRow& j) {
    auto counts = db.all(
        [](const store::Statement& q) { return std::make_pair(q.text(0), static_cast<int>(q.int64(1))); },
        "SELECT outcome, count(*) FROM security_job_chargers WHERE job_id = ?1 GROUP BY outcome ORDER BY outcome",
        j.id);
    if (!counts) {
        return counts.error();
    }
    j.counts = std::move(*counts);
    return {};
}

} // namespace

Result<std::vector<SecurityJobRow>> list_security_jobs(Connection& db, int limit) {
    auto jobs =
        db.all(read_security_job,
               "SELECT " + std::string(kSecurityJobColumns) + " FROM security_jobs ORDER BY id DESC LIMIT ?1", limit);
    if (!jobs) {
        return jobs.error();
    }
    for (auto& j : *jobs) {
        if (auto r = add_counts(db, j); !r) {
            return r.error();
        }
    }
    return jobs;
}

Result<std::optional<SecurityJobRow>> find_security_job(Connection& db, std::int64_t job) {
    auto found = db.first(read_security_job,
                          "SELECT " + std::string(kSecurityJobColumns) + " FROM security_jobs WHERE id = ?1", job);
    if (!found || !*found) {
        return found;
    }
    SecurityJobRow& j = **found;
    if (auto r = add_counts(db, j); !r) {
        return r.error();
    }
    auto rows = db.all(
        [](const store::Statement& q) {
            return JobChargerRow{q.text(0), q.text(1), q.text(2), static_cast<int>(q.int64(3)), q.text(4)};
        },
        "SELECT chargebox_id, outcome, reason, attempts, updated_at FROM security_job_chargers WHERE job_id = ?1 "
        "ORDER BY chargebox_id",
        job);
    if (!rows) {
        return rows.error();
    }
    j.chargers = std::move(*rows);
    return found;
}

} // namespace cs::db
