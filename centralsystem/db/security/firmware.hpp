#pragma once
// Signed firmware in the store: the uploads (their file in the file store, signing certificate and signature) and
// the updates sent to chargers (SignedUpdateFirmware), one row per charger whose id is the requestId it was sent
// with, so that the charger's SignedFirmwareStatusNotifications (status_reports, kind firmware) find it. Kept in a
// migration track of its own ("centralsystem-firmware").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/security/security_jobs.hpp"

namespace cs::db {

struct FirmwareRow {
    std::int64_t id = 0;
    std::string name, stored_name, sha256, signing_certificate, signature, created_at;
    std::int64_t size = 0;
};

// One charger's part in an update; request_id is the SignedUpdateFirmware requestId.
struct FirmwareUpdateCharger {
    std::int64_t request_id = 0;
    std::string chargebox_id;
    std::string outcome = "pending";   // pending, sent, offline, rejected, failed (the sending, not the install)
    std::string reason;                // the charger's answer or why nothing was sent
    std::vector<StatusReport> reports; // find_firmware_update only, newest first
};

struct FirmwareUpdateRow {
    std::int64_t id = 0, firmware_id = 0;
    std::string token, created_at;
    std::int64_t expires_at = 0; // Unix seconds; the file is served until then while the update runs
    std::string retrieve_date_time, install_date_time;
    std::optional<int> retries, retry_interval;
    std::vector<FirmwareUpdateCharger> chargers;
};

store::Migration firmware_migration();
Result<void> migrate_firmware(Connection& db);

// Stores an upload; the oldest beyond kKeptFirmware go with their updates (their files age out of the file store).
Result<std::int64_t> create_firmware(Connection& db, const FirmwareRow& row);
// The stored names of firmware that an update not yet expired at `now` (unix seconds) still serves to chargers.
Result<std::vector<std::string>> firmware_files_in_use(Connection& db, std::int64_t now);
Result<std::vector<FirmwareRow>> list_firmware(Connection& db);
Result<std::optional<FirmwareRow>> find_firmware(Connection& db, std::int64_t id);
inline constexpr int kKeptFirmware = 50;

// Stores an update with each charger pending (a requestId each); the stored update with its chargers.
Result<FirmwareUpdateRow> create_firmware_update(Connection& db, const FirmwareUpdateRow& update,
                                                 const std::vector<std::string>& chargers);
Result<void> set_firmware_update_outcome(Connection& db, std::int64_t request_id, std::string_view outcome,
                                         std::string_view reason);
// The charger cancelled its running update for `request_id` (AcceptedCanceled): its earlier updates that have not
// ended are marked replaced.
Result<void> replace_earlier_firmware_updates(Connection& db, std::string_view chargebox_id, std::int64_t request_id);
// The update with each charger's status reports.
Result<std::optional<FirmwareUpdateRow>> find_firmware_update(Connection& db, std::int64_t id);
Result<std::optional<FirmwareUpdateRow>> find_firmware_update_by_token(Connection& db, std::string_view token);
// The updates of one firmware, newest first (without reports).
Result<std::vector<FirmwareUpdateRow>> list_firmware_updates(Connection& db, std::int64_t firmware_id);

// Whether a reported status ends an update for that charger: Installed or one of the failures.
bool firmware_status_final(std::string_view status);
bool firmware_status_failed(std::string_view status);

} // namespace cs::db
