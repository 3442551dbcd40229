#pragma once
// Logs asked of chargers with GetLog: one row per request, with the upload's unguessable token and, once the charger
// uploaded, the stored file (its name in the file store, size, SHA-256). The statuses the charger reported come from
// status_reports (security_jobs.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/security/security_jobs.hpp"

namespace cs::db {

struct LogRequest {
    std::int64_t id = 0;
    std::string chargebox_id, log_type, token, created_at;
    std::string answer;    // the charger's answer to GetLog (Accepted, Rejected, AcceptedCanceled; "" before it)
    std::string file_name; // as the charger named it (its answer, or the upload's)
    std::string stored_name;
    std::int64_t file_size = 0;
    std::string sha256, uploaded_at;
    std::vector<StatusReport> reports; // list_log_requests only, newest first
};

Result<std::int64_t> create_log_request(Connection& db, const LogRequest& r);
Result<void> set_log_answer(Connection& db, std::int64_t id, std::string_view answer, std::string_view file_name);
Result<std::optional<LogRequest>> find_log_by_token(Connection& db, std::string_view token);
Result<std::optional<LogRequest>> find_log_request(Connection& db, std::int64_t id);
Result<void> log_uploaded(Connection& db, std::int64_t id, std::string_view file_name, std::string_view stored_name,
                          std::int64_t size, std::string_view sha256, std::string_view now);
// The charger's requests, newest first (at most kKeptLogRequests are kept per charger), with their status reports.
Result<std::vector<LogRequest>> list_log_requests(Connection& db, std::string_view chargebox_id);
inline constexpr int kKeptLogRequests = 100;

} // namespace cs::db
