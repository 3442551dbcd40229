#pragma once
// Reading a saved JSON report back (for `report html`, `compare` and `merge`): the file, its JSON, and that it is a
// load report of the format version this program writes; each failure names the file and what is wrong.
#include <string>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"

namespace sim {

// Reports larger than this are refused rather than read: a run's report stays under 20 MiB whatever its length,
// fleet or latency spread (the time series coarsens and bounds its sketches), so this leaves headroom.
inline constexpr std::size_t kMaxReportBytes = 32u * 1024 * 1024;
// What one `report merge` reads of all its reports together (each parsed report takes a few times its size).
inline constexpr std::size_t kMaxMergeBytes = 256u * 1024 * 1024;

ocpp::Result<rapidjson::Document> load_report(const std::string& path);
// The same checks on text already read; `name` is used in messages.
ocpp::Result<rapidjson::Document> parse_report(const std::string& text, const std::string& name);

// Members of a report with defaults, for reading figures without a check at every step.
double number_at(const rapidjson::Value& v, const char* key, double fallback = 0);
const rapidjson::Value* object_at(const rapidjson::Value& v, const char* key);

} // namespace sim
