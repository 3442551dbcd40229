#pragma once
// The security jobs in a cluster (security/jobs_cluster.cpp), in the store: each charger's row of a running job names
// the node working it (`node`, "" when none), the step it reached (`step`: "key" once a new AuthorizationKey is stored
// for it, "await-password", "await-certificate", "await-profile" while the charger is awaited) and when it is due
// (`next_at`, Unix ms: an offline charger's next try, an awaited charger's deadline). A node takes a row only for a
// charger connected to it (or, for the bookkeeping of chargers connected nowhere, any node, once), and every change is
// made only where the row is still as the node read it, so two nodes never work one charger's step. A row has ended
// when its outcome is confirmed, rejected or failed, or offline after the job's last attempt.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "centralsystem/db/security/security_jobs.hpp"
#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// Version 8 of the central system's track: the columns above and the jobs' retry and confirm times.
store::Migration security_jobs_cluster_migration();

// One charger's row of a running job with what a node needs to work it.
struct JobWork {
    std::int64_t job = 0;
    std::string kind; // passwordRotation | profileUpgrade
    int target_profile = 0, concurrency = 0, max_attempts = 0, retry_seconds = 0, confirm_seconds = 0;
    std::string chargebox_id, outcome, reason, node, step;
    int attempts = 0;
    std::int64_t next_at = 0;
};

// The rows not ended of running jobs that `node` may act on at `now_ms`: those of chargers connected to it
// (`mine`), and those of chargers connected to no live node that are due (`nowhere`); never rows a live other node
// works. At most `limit` of each.
struct OpenWork {
    std::vector<JobWork> mine, nowhere;
};
Result<OpenWork> open_job_work(Connection& db, const std::string& node, std::int64_t now_ms, int limit);

// `node` takes a row (as read in `seen`) when it is still as read and fewer than the job's concurrency of its rows
// are worked by live nodes; whether it did. Locks the job's row first, so nodes take one after another.
Result<bool> claim_job_row(Connection& db, const JobWork& seen, const std::string& node, std::int64_t now_ms);
// A change of a row as read in `seen` (outcome, reason, attempts, node, step, next_at in `to`), made only while the
// row is still as read; whether it was.
Result<bool> change_job_row(Connection& db, const JobWork& seen, const JobWork& to, const std::string& updated_at);
// A node records a step of a row it works: only while `node` still works it and it has not ended.
Result<bool> record_job_step(Connection& db, std::int64_t job, const std::string& node, const JobWork& to,
                             const std::string& updated_at);
// The charger came back as its job asked at whatever node (the gate there): its awaited rows of running jobs are
// confirmed, whichever node worked them.
Result<void> confirm_rotation_rows(Connection& db, const std::string& chargebox_id, const std::string& reason,
                                   const std::string& updated_at);
Result<void> confirm_upgrade_rows(Connection& db, const std::string& chargebox_id, int profile,
                                  const std::string& reason, const std::string& updated_at);
// Running jobs whose rows have all ended are done.
Result<void> finish_done_jobs(Connection& db, const std::string& now);
// Why a new job was not stored: `chargebox_id` takes part in running job `job` (whose row for it has not ended), or,
// with no charger named, `running` jobs run already (the cap).
struct JobRefused {
    std::string chargebox_id;
    std::int64_t job = 0;
    int running = 0;
};
using JobCreated = std::variant<std::int64_t, JobRefused>;
// Stores a new running job over `ids` (create_security_job) unless at least `max_running` jobs run or one of `ids`
// takes part in a running job. The check and the insert are one step for every node of a cluster: the transaction
// first takes a lock all of them take for it (PostgreSQL: an advisory lock held to the end of the transaction; SQLite
// has one writer at a time already), so two jobs over one charger started at once on two nodes never both pass.
Result<JobCreated> create_job_alone(Connection& db, const SecurityJobRow& job, const std::vector<std::string>& ids,
                                    int max_running);
// A process that takes a node's id has none of its predecessor's work in memory: the rows that predecessor was
// working (pending, sent, offline) go back to whichever node holds each charger, at the step and time they reached.
Result<void> release_job_rows_of(Connection& db, const std::string& node);

} // namespace cs::db
