#pragma once
// The Report as JSON (the `--report` file, the REST API's live state) and back, for round trips and tools.
// Field names are camelCase and stable: a web page reads them. No password is ever written; configuration values of
// secret keys (AuthorizationKey, ...) are replaced by "***".
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/util/result.hpp"
#include "tester/report/report.hpp"

namespace tester {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct JsonOptions {
    bool frames = false; // include every captured frame ("frames": [{"at","dir","text"}]); the capture has them too
};

// Writes the report's members into an object the caller has opened (so the REST API can add its own members).
void write_report_members(JsonWriter& w, const Report& report, const JsonOptions& options = {});
// The report as one JSON object.
std::string to_json(const Report& report, const JsonOptions& options = {});
// Reads what to_json wrote; errors name the offending member.
ocpp::Result<Report> report_from_json(std::string_view text);

// Verdict names as written ("pass", "fail", ...), and back.
std::optional<Verdict> verdict_from_string(std::string_view text);

// Helpers shared by the writers.
// Replaces invalid UTF-8 sequences by U+FFFD so that every writer emits well-formed text.
std::string sanitize_utf8(std::string_view text);
// Writes a string member value, sanitised.
void write_string(JsonWriter& w, std::string_view text);
// RFC 3339 UTC with milliseconds always present: "2026-01-31T11:00:00.000Z".
std::string format_time_ms(const ocpp::DateTime& at);
// A DateTime that was never set (the epoch) means "not yet".
inline bool is_set(const ocpp::DateTime& at) {
    return at.unix_ms() != 0;
}
// Configuration keys whose values are secrets (AuthorizationKey, anything with "password" or "secret" in it).
bool is_secret_key(std::string_view key);
// The value to show for a configuration key: "***" for secrets.
std::string shown_value(std::string_view key, std::string_view value);

} // namespace tester
