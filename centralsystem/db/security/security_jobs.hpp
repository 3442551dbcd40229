#pragma once
// The store's side of the security jobs (security/jobs.hpp) and of the gate's security state: each charger's
// recorded security profile and a password rotation in progress, bulk jobs with one outcome per charger.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// Raises the charger's recorded security profile to `profile` (never lowers it).
Result<void> raise_security_profile(Connection& db, std::string_view id, int profile);
// A rotation: the new password hashes (space-separated) that pass beside the old one; "" ends it, keeping the old.
Result<void> set_pending_passwords(Connection& db, std::string_view id, std::string_view hashes);
// The charger came with new password `hash`: it replaces the old one, the rotation is over.
Result<void> finish_rotation(Connection& db, std::string_view id, std::string_view hash);

// One charger's part in a job.
struct JobChargerRow {
    std::string chargebox_id;
    std::string outcome = "pending"; // pending, sent, confirmed, rejected, offline, failed
    std::string reason;              // words for people: why rejected or failed, what is awaited
    int attempts = 0;
    std::string updated_at;
};

struct SecurityJobRow {
    std::int64_t id = 0;
    std::string kind;       // passwordRotation | profileUpgrade
    int target_profile = 0; // profileUpgrade only
    std::string state;      // running | done | interrupted
    std::string created_at, finished_at;
    int concurrency = 0, max_attempts = 0;
    int retry_seconds = 30, confirm_seconds = 120; // kept for the nodes of a cluster that take the job up
    std::vector<JobChargerRow> chargers;           // filled by find_security_job only
    // Chargers per outcome (list_security_jobs): pending, sent, confirmed, rejected, offline, failed.
    std::vector<std::pair<std::string, int>> counts;
};

// The Chargebox IDs among `ids` that are not stored.
Result<std::vector<std::string>> unknown_chargers(Connection& db, const std::vector<std::string>& ids);
// Every charger of a provider, sorted.
Result<std::vector<std::string>> chargers_of_provider(Connection& db, std::string_view provider);
// The recorded security profile of each of `ids` (0 for unknown ones), in order.
Result<std::vector<int>> security_profiles(Connection& db, const std::vector<std::string>& ids);
// Stores a new running job with every charger pending; its id. Keeps at most kKeptJobs finished jobs.
Result<std::int64_t> create_security_job(Connection& db, const SecurityJobRow& job,
                                         const std::vector<std::string>& ids);
Result<void> update_job_charger(Connection& db, std::int64_t job, const JobChargerRow& row);
Result<void> finish_security_job(Connection& db, std::int64_t job, std::string_view state, std::string_view now);
// Jobs left running by an earlier process: interrupted, their waiting chargers failed with a reason.
Result<void> interrupt_security_jobs(Connection& db, std::string_view now);
// The newest jobs first, with their counts per outcome.
Result<std::vector<SecurityJobRow>> list_security_jobs(Connection& db, int limit);
Result<std::optional<SecurityJobRow>> find_security_job(Connection& db, std::int64_t job);

inline constexpr int kKeptJobs = 200;

// A status a charger reported about a log upload or a signed firmware update (LogStatusNotification,
// SignedFirmwareStatusNotification), against the request it answers.
struct StatusReport {
    std::string chargebox_id;
    std::string kind; // log | firmware
    std::optional<int> request_id;
    std::string status, at;
};
// Stores a report; the newest kKeptReports per charger are kept.
Result<void> record_status_report(Connection& db, const StatusReport& report);
// The charger's reports of one kind, newest first.
Result<std::vector<StatusReport>> status_reports(Connection& db, std::string_view id, std::string_view kind);
inline constexpr int kKeptReports = 200;

} // namespace cs::db
