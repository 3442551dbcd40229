#pragma once
// Signed firmware from the central system: uploads checked against their signature (firmware_files.cpp), updates
// sent to chargers with SignedUpdateFirmware and followed through their status reports (firmware.cpp), and the file
// served to the chargers at an address holding an unguessable per-update token.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/security/firmware.hpp"

namespace cs::api {

// What a multipart upload may carry beside the firmware's own bytes (the signing certificate, the signature, the
// name and the part headers); the server's body limit for POST /api/v1/firmware is the firmware cap plus this.
inline constexpr std::size_t kFirmwareFormOverhead = 64 * 1024;
// The names of signed firmware files in the file store start with this (their share of the store, run.cpp).
inline constexpr std::string_view kFirmwareFilePrefix = "firmware-";
// At most this many chargers per update.
inline constexpr std::size_t kMaxUpdateChargers = 100;
// The file of an update is served until it ends, and at most this long.
inline constexpr std::int64_t kFirmwareTokenSeconds = 24 * 3600;
// Where chargers download the file of one update: /files/firmware/<token>/<file name>.
inline constexpr std::string_view kFirmwarePrefix = "/files/firmware/";

// POST /api/v1/firmware: the file (multipart/form-data parts file, signingCertificate, signature, name; or the raw
// body with those as query parameters), refused unless the signature verifies with the certificate.
void upload_firmware(CentralSystem& cs, const HttpRequest& req, Respond respond);
// GET /api/v1/firmware and /api/v1/firmware/{firmwareId} (the latter with its updates).
void list_firmware(CentralSystem& cs, Respond respond);
void get_firmware(CentralSystem& cs, const std::string& id, Respond respond);
// POST /api/v1/firmware/{firmwareId}/updates: SignedUpdateFirmware to each charger, answered once all answered.
void start_firmware_update(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
// GET /api/v1/firmware/{firmwareId}/updates/{updateId}: each charger's outcome, last status and history.
void get_firmware_update(CentralSystem& cs, const std::string& id, const std::string& update_id, Respond respond);
// GET /files/firmware/{token}[/name]: the file, for chargers; no bearer token, the path's token authorizes it while
// the update runs (not past kFirmwareTokenSeconds).
void serve_firmware_file(CentralSystem& cs, const std::string& rest, const HttpRequest& req, Respond respond);

// Writes a firmware upload as the API shows it (no signature material beyond the certificate's subject).
void write_firmware(Writer& w, const db::FirmwareRow& f);
// Whether every charger of the update has ended (Installed, a failure, or never reached).
bool firmware_update_ended(const db::FirmwareUpdateRow& u);
// The named parts of a multipart/form-data body; nullopt when the body is not such (also for plain firmware uploads).
std::optional<std::map<std::string, std::string>> form_parts(std::string_view content_type, const std::string& body);
// A name for people and for the download address: [A-Za-z0-9._-], at most 100 characters, never leading dots.
std::string clean_file_name(const std::string& name);
// "id" as a whole number from 1 on, or 0.
std::int64_t positive_id(const std::string& text);

} // namespace cs::api
