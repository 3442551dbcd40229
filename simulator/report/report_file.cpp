#include "simulator/report/report_file.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <rapidjson/error/en.h>

#include "ocpp/system/small_file.hpp"
#include "simulator/fleet/report.hpp"

namespace sim {

namespace {

// Copying, writing and rendering a document recurse into it, so a report's nesting is bounded before any of that.
constexpr std::size_t kMaxReportDepth = 32;

// The deepest nesting of arrays and objects, walked with a stack of our own (never the call stack).
std::size_t nesting_depth(const rapidjson::Value& root) {
    std::vector<std::pair<const rapidjson::Value*, std::size_t>> todo{{&root, 1}};
    std::size_t deepest = 0;
    while (!todo.empty()) {
        const auto [v, depth] = todo.back();
        todo.pop_back();
        deepest = std::max(deepest, depth);
        if (depth > kMaxReportDepth) {
            break;
        }
        if (v->IsArray()) {
            for (const auto& e : v->GetArray()) {
                todo.emplace_back(&e, depth + 1);
            }
        } else if (v->IsObject()) {
            for (const auto& m : v->GetObject()) {
                todo.emplace_back(&m.value, depth + 1);
            }
        }
    }
    return deepest;
}

} // namespace

ocpp::Result<rapidjson::Document> load_report(const std::string& path) {
    auto text = ocpp::read_small_file(path, kMaxReportBytes);
    if (!text) {
        return ocpp::make_error(text.error().kind, path + ": " + text.error().message);
    }
    return parse_report(*text, path);
}

ocpp::Result<rapidjson::Document> parse_report(const std::string& text, const std::string& name) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size()); // deep nesting must not use the stack
    if (doc.HasParseError()) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, name + ": not JSON (" +
                                                              rapidjson::GetParseError_En(doc.GetParseError()) +
                                                              " at byte " + std::to_string(doc.GetErrorOffset()) + ")");
    }
    if (nesting_depth(doc) > kMaxReportDepth) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, name + ": nested deeper than " +
                                                              std::to_string(kMaxReportDepth) +
                                                              " levels; a load report is not");
    }
    if (!doc.IsObject() || !doc.HasMember("tool") || !doc["tool"].IsString() ||
        std::string(doc["tool"].GetString()) != "ocpp-simulator") {
        return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                name + ": not a load report of ocpp-simulator run (no \"tool\": \"ocpp-simulator\")");
    }
    const int version = doc.HasMember("format_version") && doc["format_version"].IsInt()
                            ? doc["format_version"].GetInt()
                            : 1; // the reports before the time series had no version
    if (version != kReportFormatVersion) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                name + ": report format version " + std::to_string(version) + ", this program reads " +
                                    std::to_string(kReportFormatVersion) + "; run the load test again to compare it");
    }
    if (!doc.HasMember("actions") || !doc["actions"].IsObject()) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, name + ": \"actions\" is missing or not an object");
    }
    for (const auto& m : doc["actions"].GetObject()) {
        if (!m.value.IsObject()) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                    name + ": actions." + m.name.GetString() + " is not an object");
        }
    }
    for (const char* key : {"all_actions", "timeseries", "options", "thresholds"}) {
        if (doc.HasMember(key) && !doc[key].IsObject() && !doc[key].IsNull()) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid, name + ": \"" + key + "\" is not an object");
        }
    }
    return doc;
}

double number_at(const rapidjson::Value& v, const char* key, double fallback) {
    if (!v.IsObject()) {
        return fallback;
    }
    const auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : fallback;
}

const rapidjson::Value* object_at(const rapidjson::Value& v, const char* key) {
    if (!v.IsObject()) {
        return nullptr;
    }
    const auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

} // namespace sim
