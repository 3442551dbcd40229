#pragma once
// Operating a network from the central system, in the store: the DataTransfer messages chargers sent (bounded per
// charger and in all), plain firmware files and the roll-out jobs that send them with UpdateFirmware (one row per
// charger with its live status), and the charger statuses that belong to a job (FirmwareStatusNotification,
// DiagnosticsStatusNotification). Kept in a migration track of its own ("centralsystem-operations").
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/security/security_jobs.hpp"

namespace cs::db {

struct DataTransferRow {
    std::int64_t id = 0;
    std::string chargebox_id, vendor_id, message_id, data, status, answer_data, at;
};

struct RolloutFile {
    std::int64_t id = 0;
    std::string name, stored_name, sha256, created_at;
    std::int64_t size = 0;
};

// One charger's part in a roll-out job.
struct RolloutCharger {
    std::int64_t id = 0, job_id = 0;
    std::string chargebox_id;
    std::string status = "queued"; // see kRolloutStatuses
    int attempts = 0;              // UpdateFirmware sent this many times
    std::int64_t sent_at = 0;      // Unix seconds of the last UpdateFirmware
    std::int64_t next_at = 0;      // not sent again before (a retry's wait)
    std::string detail, updated_at;
    std::string firmware_version, booted_at; // the charger's last BootNotification (find_rollout_job only)
};

struct RolloutJob {
    std::int64_t id = 0, file_id = 0;
    std::string token, location, created_at;
    std::string state = "scheduled"; // scheduled, running, done, cancelled
    std::int64_t start_at = 0;       // Unix seconds
    int concurrency = 10, retries = 0, retry_interval = 60, timeout = 600;
    std::optional<int> ocpp_retries, ocpp_retry_interval; // UpdateFirmware's own fields
    bool force = false;
    std::vector<RolloutCharger> chargers;
    std::map<std::string, int> counts; // chargers per status (list_rollout_jobs only; else derived from chargers)
};

// The statuses of a charger in a job: waiting ones, those in progress (they take a place of the concurrency limit)
// and final ones.
inline const std::set<std::string, std::less<>> kRolloutWaiting = {"queued", "offline", "busy-charging"};
inline const std::set<std::string, std::less<>> kRolloutActive = {"sent", "Downloading", "Downloaded", "Installing"};
// Final statuses of the scheduler's own: a charger offline at each of its attempts, one still waiting at the job's end.
inline constexpr std::string_view kRolloutUnreachable = "unreachable";
inline constexpr std::string_view kRolloutExpired = "expired";
inline const std::set<std::string, std::less<>> kRolloutFailed = {"DownloadFailed", "InstallationFailed", "timeout",
                                                                  "rejected"};

store::Migration operations_migration();
Result<void> migrate_operations(Connection& db);

// Stores a DataTransfer; every kTrimDataTransfersEvery inserts the oldest beyond the bounds (per charger first, then
// in all) go.
Result<void> record_data_transfer(Connection& db, const DataTransferRow& row);
// Newest first; all chargers when chargebox_id is empty.
Result<std::vector<DataTransferRow>> list_data_transfers(Connection& db, std::string_view chargebox_id, int limit);
inline constexpr int kKeptDataTransfersPerCharger = 1000;
inline constexpr int kKeptDataTransfers = 100000;
inline constexpr int kTrimDataTransfersEvery = 100; // the bounds may be exceeded by this many rows in between

Result<std::int64_t> create_rollout_file(Connection& db, const RolloutFile& f);
Result<std::vector<RolloutFile>> list_rollout_files(Connection& db);
// The stored names of roll-out files that a job still serves at `now` (served_rollout_file's rule).
Result<std::vector<std::string>> rollout_files_in_use(Connection& db, std::int64_t now);
Result<std::optional<RolloutFile>> find_rollout_file(Connection& db, std::int64_t id);
inline constexpr int kKeptRolloutFiles = 50;

// Stores a job with its chargers; ended jobs beyond the newest kKeptRolloutJobs are forgotten.
Result<std::int64_t> create_rollout_job(Connection& db, const RolloutJob& job);
inline constexpr int kKeptRolloutJobs = 200;
// Newest first, without chargers but with their counts per status; at most `limit`.
Result<std::vector<RolloutJob>> list_rollout_jobs(Connection& db, int limit);
// With its chargers and their boot facts.
Result<std::optional<RolloutJob>> find_rollout_job(Connection& db, std::int64_t id);
// The file a job serves at its token, alone (no charger rows): only while the job is scheduled or running and
// before its end (start_at + kRolloutLongest); nullopt otherwise.
Result<std::optional<RolloutFile>> served_rollout_file(Connection& db, std::string_view token, std::int64_t now);
// A job ends this long after its start at the latest: chargers still waiting then are not sent, its file not served.
inline constexpr std::int64_t kRolloutLongest = 7 * 24 * 3600;
// Cancels a job that has not ended: its waiting chargers are never sent. False when it had ended already.
Result<bool> cancel_rollout_job(Connection& db, std::int64_t id, std::string_view now);
// Jobs due (scheduled or running, start_at reached; cancelled with a charger in progress) with their chargers not
// ended yet; chargers with a running session.
Result<std::vector<RolloutJob>> due_rollout_jobs(Connection& db, std::int64_t now);
Result<std::set<std::string>> chargers_in_session(Connection& db);
// Changes a job charger's row only if its status and attempts are still `expected` and `expected_attempts` (in a
// cluster another node may have changed it since it was read); with `concurrency` above 0 only while fewer of the
// job's rows than that are in progress (a row going to "sent"). Whether it did.
Result<bool> update_rollout_charger(Connection& db, const RolloutCharger& row, std::string_view expected,
                                    int expected_attempts, int concurrency = 0);
// Holds the job's row until the transaction ends, so that nodes planning the same job do so one after another and
// its concurrency holds across the cluster (take the locks of several jobs in ascending id order).
Result<void> lock_rollout_job(Connection& db, std::int64_t job_id);
Result<void> set_rollout_state(Connection& db, std::int64_t job_id, std::string_view state);
// A FirmwareStatusNotification: stored against the charger's newest job row in progress; whether there was one.
Result<bool> rollout_status_report(Connection& db, std::string_view chargebox_id, std::string_view status,
                                   std::string_view now);
// The charger's newest GetDiagnostics request (a log request of type "Diagnostics"), or nullopt.
Result<std::optional<std::int64_t>> newest_diagnostics_request(Connection& db, std::string_view chargebox_id);

} // namespace cs::db
