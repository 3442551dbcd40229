#pragma once
// Logs asked of chargers (GetLog) into the central system's own file store: the REST side and the upload address
// the charger sends its file to (api/logs.cpp).
#include <string>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Uploads above this many bytes are refused with 413 (the server's body limit is above it).
inline constexpr std::size_t kMaxLogUpload = 8 * 1024 * 1024;
// Where a charger uploads the log of one request: /uploads/logs/<token>.
inline constexpr std::string_view kUploadPrefix = "/uploads/logs/";

// A file name as a charger gave it, kept for people only (and safe in a header): printable ASCII without quotes,
// backslashes or slashes, at most 255 characters.
std::string clean_name(const std::string& name);
// POST /api/v1/chargers/{id}/logs: sends GetLog with an upload address holding a fresh unguessable token.
void request_log(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
// GET /api/v1/chargers/{id}/logs: the requests, their files and the statuses the charger reported.
void list_logs(CentralSystem& cs, const std::string& id, Respond respond);
// GET /api/v1/logs/{logId}/file: the uploaded file.
void download_log(CentralSystem& cs, const std::string& log_id, Respond respond);
// PUT or POST (multipart/form-data) /uploads/logs/{token}: the charger's upload; no bearer token, the path's token
// authorizes exactly one upload of a bounded size.
void upload_log(CentralSystem& cs, const std::string& token, const HttpRequest& req, Respond respond);

} // namespace cs::api
