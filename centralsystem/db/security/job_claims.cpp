// The security jobs' rows as nodes of a cluster share them (job_claims.hpp).
#include "centralsystem/db/security/job_claims.hpp"

#include <algorithm>
#include <map>

#include "store/ddl.hpp"

namespace cs::db {

store::Migration security_jobs_cluster_migration() {
    return store::portable_migration(8, R"sql(
        ALTER TABLE security_jobs ADD COLUMN retry_seconds INTEGER NOT NULL DEFAULT 30;
        ALTER TABLE security_jobs ADD COLUMN confirm_seconds INTEGER NOT NULL DEFAULT 120;
        ALTER TABLE security_job_chargers ADD COLUMN node TEXT NOT NULL DEFAULT '';
        ALTER TABLE security_job_chargers ADD COLUMN step TEXT NOT NULL DEFAULT '';
        ALTER TABLE security_job_chargers ADD COLUMN next_at {int64} NOT NULL DEFAULT 0;
    )sql");
}

namespace {

constexpr std::string_view kWorkSelect =
    "SELECT j.id, j.kind, j.target_profile, j.concurrency, j.max_attempts, j.retry_seconds, j.confirm_seconds, "
    "r.chargebox_id, r.outcome, r.reason, r.node, r.step, r.attempts, r.next_at FROM security_job_chargers r "
    "JOIN security_jobs j ON j.id = r.job_id WHERE j.state = 'running' AND (r.outcome IN ('pending', 'sent') OR "
    "(r.outcome = 'offline' AND r.attempts < j.max_attempts)) ";
// Not worked by another live node (?1 this node, ?2 now).
constexpr std::string_view kNotElsewhere =
    "AND (r.node = '' OR r.node = ?1 OR NOT EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.node_id = r.node AND "
    "n.lease_until > ?2)) ";

JobWork read_work(const store::Statement& q) {
    JobWork w;
    w.job = q.int64(0);
    w.kind = q.text(1);
    w.target_profile = static_cast<int>(q.int64(2));
    w.concurrency = static_cast<int>(q.int64(3));
    w.max_attempts = static_cast<int>(q.int64(4));
    w.retry_seconds = static_cast<int>(q.int64(5));
    w.confirm_seconds = static_cast<int>(q.int64(6));
    w.chargebox_id = q.text(7);
    w.outcome = q.text(8);
    w.reason = q.text(9);
    w.node = q.text(10);
    w.step = q.text(11);
    w.attempts = static_cast<int>(q.int64(12));
    w.next_at = q.int64(13);
    return w;
}

// Of ids[from, to), each charger taking part in a running job (its row not ended), with the lowest such job.
Result<std::map<std::string, std::int64_t>>
chargers_in_running_jobs(Connection& db, const std::vector<std::string>& ids, std::size_t from, std::size_t to) {
    std::string sql = "SELECT r.chargebox_id, min(j.id) FROM security_job_chargers r JOIN security_jobs j ON j.id = "
                      "r.job_id WHERE j.state = 'running' AND (r.outcome IN ('pending', 'sent') OR (r.outcome = "
                      "'offline' AND r.attempts < j.max_attempts)) AND r.chargebox_id IN (";
    sql += store::numbered_list(to - from) + ") GROUP BY r.chargebox_id";
    auto q = db.prepare(sql);
    if (!q) {
        return q.error();
    }
    for (std::size_t i = from; i < to; ++i) {
        q->bind(static_cast<int>(i - from + 1), ids[i]);
    }
    auto rows =
        Connection::collect(*q, [](const store::Statement& s) { return std::make_pair(s.text(0), s.int64(1)); });
    if (!rows) {
        return rows.error();
    }
    return std::map<std::string, std::int64_t>(rows->begin(), rows->end());
}

} // namespace

Result<OpenWork> open_job_work(Connection& db, const std::string& node, std::int64_t now_ms, int limit) {
    OpenWork out;
    auto mine = db.all(read_work,
                       std::string(kWorkSelect) + std::string(kNotElsewhere) +
                           "AND EXISTS (SELECT 1 FROM cluster_owners o WHERE o.chargebox_id = r.chargebox_id AND "
                           "o.node_id = ?1 AND o.connected = 1) ORDER BY j.id, r.chargebox_id LIMIT ?3",
                       node, now_ms, limit);
    if (!mine) {
        return mine.error();
    }
    out.mine = std::move(*mine);
    auto nowhere = db.all(read_work,
                          std::string(kWorkSelect) + std::string(kNotElsewhere) +
                              "AND r.next_at <= ?2 AND NOT EXISTS (SELECT 1 FROM cluster_owners o JOIN cluster_nodes "
                              "n ON n.node_id = o.node_id WHERE o.chargebox_id = r.chargebox_id AND o.connected = 1 "
                              "AND n.lease_until > ?2) ORDER BY j.id, r.chargebox_id LIMIT ?3",
                          node, now_ms, limit);
    if (!nowhere) {
        return nowhere.error();
    }
    out.nowhere = std::move(*nowhere);
    return out;
}

Result<bool> claim_job_row(Connection& db, const JobWork& seen, const std::string& node, std::int64_t now_ms) {
    if (auto r = db.run("UPDATE security_jobs SET state = state WHERE id = ?1", seen.job); !r) {
        return r.error();
    }
    auto changed = db.execute(
        "UPDATE security_job_chargers SET node = ?3 WHERE job_id = ?1 AND chargebox_id = ?2 AND node = ?4 AND "
        "outcome = ?5 AND attempts = ?6 AND step = ?7 AND (SELECT count(*) FROM security_job_chargers a WHERE "
        "a.job_id = ?1 AND a.chargebox_id <> ?2 AND a.node <> '' AND a.outcome IN ('pending', 'sent') AND EXISTS "
        "(SELECT 1 FROM cluster_nodes n WHERE n.node_id = a.node AND n.lease_until > ?8)) < ?9",
        seen.job, seen.chargebox_id, node, seen.node, seen.outcome, seen.attempts, seen.step, now_ms, seen.concurrency);
    if (!changed) {
        return changed.error();
    }
    return *changed > 0;
}

Result<bool> change_job_row(Connection& db, const JobWork& seen, const JobWork& to, const std::string& updated_at) {
    auto changed = db.execute(
        "UPDATE security_job_chargers SET outcome = ?3, reason = ?4, attempts = ?5, node = ?6, step = ?7, "
        "next_at = ?8, updated_at = ?9 WHERE job_id = ?1 AND chargebox_id = ?2 AND node = ?10 AND outcome = ?11 AND "
        "attempts = ?12 AND step = ?13",
        seen.job, seen.chargebox_id, to.outcome, to.reason, to.attempts, to.node, to.step, to.next_at, updated_at,
        seen.node, seen.outcome, seen.attempts, seen.step);
    if (!changed) {
        return changed.error();
    }
    return *changed > 0;
}

Result<bool> record_job_step(Connection& db, std::int64_t job, const std::string& node, const JobWork& to,
                             const std::string& updated_at) {
    auto changed = db.execute(
        "UPDATE security_job_chargers SET outcome = ?3, reason = ?4, attempts = ?5, node = ?6, step = ?7, "
        "next_at = ?8, updated_at = ?9 WHERE job_id = ?1 AND chargebox_id = ?2 AND node = ?10 AND outcome IN "
        "('pending', 'sent', 'offline')",
        job, to.chargebox_id, to.outcome, to.reason, to.attempts, to.node, to.step, to.next_at, updated_at, node);
    if (!changed) {
        return changed.error();
    }
    return *changed > 0;
}

Result<void> confirm_rotation_rows(Connection& db, const std::string& chargebox_id, const std::string& reason,
                                   const std::string& updated_at) {
    return db.run("UPDATE security_job_chargers SET outcome = 'confirmed', reason = ?2, step = '', updated_at = ?3 "
                  "WHERE chargebox_id = ?1 AND outcome IN ('pending', 'sent') AND step IN ('key', 'await-password') "
                  "AND job_id IN (SELECT id FROM security_jobs WHERE state = 'running' AND kind = "
                  "'passwordRotation')",
                  chargebox_id, reason, updated_at);
}

Result<void> confirm_upgrade_rows(Connection& db, const std::string& chargebox_id, int profile,
                                  const std::string& reason, const std::string& updated_at) {
    return db.run("UPDATE security_job_chargers SET outcome = 'confirmed', reason = ?3, step = '', updated_at = ?4 "
                  "WHERE chargebox_id = ?1 AND outcome IN ('pending', 'sent') AND job_id IN (SELECT id FROM "
                  "security_jobs WHERE state = 'running' AND kind = 'profileUpgrade' AND target_profile <= ?2)",
                  chargebox_id, profile, reason, updated_at);
}

Result<void> finish_done_jobs(Connection& db, const std::string& now) {
    return db.run("UPDATE security_jobs SET state = 'done', finished_at = ?1 WHERE state = 'running' AND NOT EXISTS "
                  "(SELECT 1 FROM security_job_chargers r WHERE r.job_id = security_jobs.id AND (r.outcome IN "
                  "('pending', 'sent') OR (r.outcome = 'offline' AND r.attempts < security_jobs.max_attempts)))",
                  now);
}

Result<JobCreated> create_job_alone(Connection& db, const SecurityJobRow& job, const std::vector<std::string>& ids,
                                    int max_running) {
    if (db.dialect() == store::Dialect::Postgresql) {
        // Any fixed number other than the migrations' own: one lock for the creation of security jobs.
        if (auto r = db.exec("SELECT pg_advisory_xact_lock(7081967)"); !r) {
            return r.error();
        }
    }
    auto running = db.first([](const store::Statement& q) { return static_cast<int>(q.int64(0)); },
                            "SELECT count(*) FROM security_jobs WHERE state = 'running'");
    if (!running) {
        return running.error();
    }
    if (running->value_or(0) >= max_running) {
        return JobCreated{JobRefused{"", 0, running->value_or(0)}};
    }
    // The chargers a few hundred per query, in the order given: the first that takes part in a running job is named,
    // with the oldest such job.
    for (std::size_t from = 0; from < ids.size(); from += store::kListParams) {
        const std::size_t to = std::min(ids.size(), from + store::kListParams);
        auto busy = chargers_in_running_jobs(db, ids, from, to);
        if (!busy) {
            return busy.error();
        }
        for (std::size_t i = from; i < to && !busy->empty(); ++i) {
            if (auto it = busy->find(ids[i]); it != busy->end()) {
                return JobCreated{JobRefused{ids[i], it->second, running->value_or(0)}};
            }
        }
    }
    auto made = create_security_job(db, job, ids);
    if (!made) {
        return made.error();
    }
    return JobCreated{*made};
}

Result<void> release_job_rows_of(Connection& db, const std::string& node) {
    return db.run("UPDATE security_job_chargers SET node = '' WHERE node = ?1 AND outcome IN ('pending', 'sent', "
                  "'offline')",
                  node);
}

} // namespace cs::db
