#include "centralsystem/protocol/reported_config.hpp"
#include "ocpp/text/split.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace cs {

namespace {

using ocpp::text::lower;

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// A whole number within [lo, hi], or nullopt.
std::optional<long> whole_long(const std::string& text, long lo, long hi) {
    const std::string t = trim(text);
    char* end = nullptr;
    const long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || end == nullptr || *end != '\0' || v < lo || v > hi) {
        return std::nullopt;
    }
    return v;
}

std::optional<double> amps(const std::string& text) {
    const std::string t = trim(text);
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || end == nullptr || *end != '\0' || !(v > 0) || v > 1000) {
        return std::nullopt;
    }
    return v;
}

// "0.RST, 1.RST, 2.NotApplicable" -> per connector 3 for a phase rotation, 0 for NotApplicable/Unknown.
std::map<int, int> phases_by_connector(const std::string& rotation) {
    static const char* kRotations[] = {"rst", "rts", "srt", "str", "trs", "tsr"};
    std::map<int, int> out;
    std::size_t start = 0;
    while (start <= rotation.size()) {
        const auto comma = rotation.find(',', start);
        const std::string item = trim(rotation.substr(start, comma == std::string::npos ? comma : comma - start));
        const auto dot = item.find('.');
        if (dot != std::string::npos) {
            const auto connector = whole_long(item.substr(0, dot), 0, 1000);
            const std::string r = lower(item.substr(dot + 1));
            if (connector) {
                const bool rotates = std::find(std::begin(kRotations), std::end(kRotations), r) != std::end(kRotations);
                out[static_cast<int>(*connector)] = rotates ? 3 : 0;
            }
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

} // namespace

ReportedConfig reported_config_of(const std::vector<ocpp::v16::KeyValue>& keys, std::string at) {
    ReportedConfig rc;
    rc.at = std::move(at);
    for (const auto& kv : keys) {
        if (rc.keys.size() >= kMaxReportedKeys) {
            break;
        }
        rc.keys.emplace_back(kv.key, kv.value.value_or(""));
    }
    std::sort(rc.keys.begin(), rc.keys.end());
    rc.keys.erase(
        std::unique(rc.keys.begin(), rc.keys.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
        rc.keys.end());
    return rc;
}

Prefill derive_prefill(const std::vector<std::pair<std::string, std::string>>& keys) {
    std::map<std::string, std::string> by_name;
    for (const auto& [k, v] : keys) {
        by_name.emplace(lower(k), v);
    }
    auto find = [&](const char* name) -> const std::string* {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : &it->second;
    };
    Prefill p;
    if (const auto* v = find("numberofconnectors")) {
        if (auto n = whole_long(*v, 1, 100)) {
            p.number_of_connectors = static_cast<int>(*n);
        }
    }
    if (const auto* v = find("metervaluesampleinterval")) {
        if (auto n = whole_long(*v, 0, 86400)) {
            p.meter_value_sample_interval = static_cast<int>(*n);
        }
    }
    if (const auto* v = find("metervaluessampleddata")) {
        p.meter_values_sampled_data = *v;
    }
    std::optional<double> max_current;
    for (const char* name : {"maxcurrent", "maxchargingcurrent", "maximumcurrent", "chargepointmaxcurrent",
                             "maxcurrenta", "maxchargecurrent"}) {
        if (const auto* v = find(name); v && !max_current) {
            max_current = amps(*v);
        }
    }
    std::map<int, int> phases;
    if (const auto* v = find("connectorphaserotation")) {
        phases = phases_by_connector(*v);
    }
    const int connectors = p.number_of_connectors.value_or(0);
    for (int c = 1; c <= connectors; ++c) {
        Prefill::Point point;
        point.connector_id = c;
        auto it = phases.find(c);
        if (it == phases.end()) {
            it = phases.find(0); // connector 0 speaks for the whole charger
        }
        if (it != phases.end() && it->second > 0) {
            point.phases = it->second;
        }
        point.max_current_a = max_current;
        if (point.phases || point.max_current_a) {
            p.charge_points.push_back(point);
        }
    }
    return p;
}

void write_reported(api::Writer& w, const ReportedConfig& rc) {
    w.StartObject();
    api::member(w, "at", rc.at);
    w.Key("configuration");
    w.StartObject();
    for (const auto& [k, v] : rc.keys) {
        api::member(w, k.c_str(), v);
    }
    w.EndObject();
    const Prefill p = derive_prefill(rc.keys);
    w.Key("prefill");
    w.StartObject();
    api::member_or_null(w, "numberOfConnectors", p.number_of_connectors);
    api::member_or_null(w, "meterValueSampleInterval", p.meter_value_sample_interval);
    api::member_or_null(w, "meterValuesSampledData", p.meter_values_sampled_data);
    w.Key("chargePoints");
    w.StartArray();
    for (const auto& point : p.charge_points) {
        w.StartObject();
        w.Key("connectorId");
        w.Int(point.connector_id);
        api::member_or_null(w, "phases", point.phases);
        api::member_or_null(w, "maxCurrentA", point.max_current_a);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
}

} // namespace cs
