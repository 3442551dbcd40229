#include "simulator/report/report_file.hpp"

#include <rapidjson/error/en.h>

#include "ocpp/system/small_file.hpp"
#include "simulator/fleet/report.hpp"

namespace sim {

ocpp::Result<rapidjson::Document> load_report(const std::string& path) {
    auto text = ocpp::read_small_file(path, kMaxReportBytes);
    if (!text) {
        return ocpp::make_error(text.error().kind, path + ": " + text.error().message);
    }
    return parse_report(*text, path);
}

ocpp::Result<rapidjson::Document> parse_report(const std::string& text, const std::string& name) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, name + ": not JSON (" +
                                                              rapidjson::GetParseError_En(doc.GetParseError()) +
                                                              " at byte " + std::to_string(doc.GetErrorOffset()) + ")");
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
