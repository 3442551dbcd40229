#pragma once
// The rules a simulated charger's file transfers share (UpdateFirmware, GetDiagnostics, SignedUpdateFirmware,
// GetLog): how retries and retry intervals are bounded, the names of uploaded files and the verdict on a downloaded
// firmware file.
#include <chrono>
#include <optional>
#include <string>

#include "ocpp/text/datetime.hpp"
#include "ocpp/util/clock.hpp"

namespace sim::transfer_steps {

constexpr int kMaxRetries = 10; // more retries than this are not honoured
// A firmware update (plain or signed): from Installing to the reboot, and how often an install that waits for the
// running sessions looks at them again.
constexpr auto kInstallTime = std::chrono::seconds(2);
constexpr auto kSessionWaitPoll = std::chrono::seconds(5);

// The pause between attempts: `seconds` when positive (at most a day), else one minute.
ocpp::Clock::Duration retry_interval(const std::optional<int>& seconds);
// 1 + retries, with retries clamped to 0..kMaxRetries.
int attempts(const std::optional<int>& retries);
// Keeps letters, digits, '.', '-', '_' and replaces the rest with '_' (a file name stays printable and safe).
std::string safe_chars(const std::string& s);
// "20260131T120000Z"
std::string compact_time(const ocpp::DateTime& t);
// Where an upload goes: the location, with the file name appended when the location ends with '/' or is an FTP URL.
std::string upload_url(const std::string& location, const std::string& file_name);

// The outcome of "installing" a firmware file: empty, or a line "corrupt", is not installable; a first line
// "version=X" gives the new version X, else the location's file name without extension (at most 50 characters).
struct FirmwareVerdict {
    bool installable = false;
    std::string version;
};
FirmwareVerdict judge_firmware(const std::string& file, const std::string& location);

} // namespace sim::transfer_steps
