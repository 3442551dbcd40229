#pragma once
// Operating the network from the REST API: plain firmware files and roll-out jobs (rollouts.cpp, rollout_files.cpp),
// GetDiagnostics into the central system's file store (diagnostics.cpp) and the DataTransfer log
// (data_transfers.cpp).
#include <string>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Firmware files above this many bytes are refused with 413 (the server's body limit, 9 MiB, is above it).
inline constexpr std::size_t kMaxRolloutFile = 8 * 1024 * 1024;
// At most this many chargers per roll-out job, and this many at once.
inline constexpr std::size_t kMaxRolloutChargers = 10000;
inline constexpr int kMaxRolloutConcurrency = 1000;
// Where chargers download the file of one job: /files/rollouts/<token>/<file name>.
inline constexpr std::string_view kRolloutPrefix = "/files/rollouts/";

// POST /api/v1/rollouts/files: the firmware's bytes (multipart part "file" and optional "name", or the raw body
// with ?name=); GET /api/v1/rollouts/files: the files with size and SHA-256.
void upload_rollout_file(CentralSystem& cs, const HttpRequest& req, Respond respond);
void list_rollout_files(CentralSystem& cs, Respond respond);
// POST /api/v1/rollouts: a job; GET /api/v1/rollouts: the newest 100; GET /api/v1/rollouts/{jobId}: with each
// charger's live status; POST /api/v1/rollouts/{jobId}/cancel.
void create_rollout(CentralSystem& cs, const HttpRequest& req, Respond respond);
void list_rollouts(CentralSystem& cs, Respond respond);
void get_rollout(CentralSystem& cs, const std::string& id, Respond respond);
void cancel_rollout(CentralSystem& cs, const std::string& id, Respond respond);
// GET /files/rollouts/{token}[/name]: the job's file, for chargers; the path's token authorizes it while the job
// has not ended.
void serve_rollout_file(CentralSystem& cs, const std::string& rest, const HttpRequest& req, Respond respond);

// POST /api/v1/chargers/{id}/diagnostics: GetDiagnostics with an upload address of the central system (or the
// operator's FTP server); GET /api/v1/chargers/{id}/diagnostics: the requests, their files and statuses.
void request_diagnostics(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void list_diagnostics(CentralSystem& cs, const std::string& id, Respond respond);

// GET /api/v1/chargers/{id}/data-transfers and GET /api/v1/data-transfers[?chargeBoxId=&limit=].
void charger_data_transfers(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void list_data_transfers(CentralSystem& cs, const HttpRequest& req, Respond respond);

} // namespace cs::api
