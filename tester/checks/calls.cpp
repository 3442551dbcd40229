#include "tester/checks/calls.hpp"

#include <charconv>

namespace tester {

using ocpp::CallStatus;

std::optional<std::string> config_value(const ChargerFacts& facts, std::string_view key) {
    for (const auto& [k, v] : facts.configuration) {
        if (k == key) {
            return v;
        }
    }
    return std::nullopt;
}

std::optional<int> config_int(const ChargerFacts& facts, std::string_view key) {
    auto v = config_value(facts, key);
    if (!v) {
        return std::nullopt;
    }
    int n = 0;
    const char* end = v->data() + v->size();
    auto [p, ec] = std::from_chars(v->data(), end, n);
    if (ec != std::errc() || p != end) {
        return std::nullopt;
    }
    return n;
}

Outcome call_failed(std::string_view action, CallStatus status, const std::string& error_code,
                    const std::string& description, bool optional_feature) {
    const std::string name(action);
    switch (status) {
    case CallStatus::Timeout:
        return Outcome::fail(
            "no answer to " + name + " (" + description + ")",
            "The charger did not answer a call from the central system. It may not receive it (a proxy or firewall "
            "that lets traffic through in one direction only, or a mobile network that drops idle connections) or "
            "its firmware ignores " +
                name + ". A central system cannot manage a charger that does not answer; update the firmware.");
    case CallStatus::Closed:
        return Outcome::fail("the connection closed before the answer to " + name,
                             "The connection dropped while the charger should have answered (see "
                             "connection.stable).");
    case CallStatus::CallError: {
        const std::string seen = "answered " + name + " with CALLERROR " + error_code +
                                 (description.empty() ? std::string() : " " + quote(description, 160));
        if (optional_feature && (error_code == "NotImplemented" || error_code == "NotSupported")) {
            return Outcome::warn(seen, "The charger does not support " + name +
                                           " (an optional feature profile). The central system cannot use it.");
        }
        return Outcome::fail(seen, name + " belongs to the OCPP 1.6 " +
                                       (optional_feature ? std::string("RemoteTrigger") : std::string("Core")) +
                                       " profile and the charger refused it. Update the firmware, or ask the "
                                       "manufacturer why it answers with a CALLERROR.");
    }
    case CallStatus::InvalidResponse:
        return Outcome::fail("the answer to " + name + " is not valid: " + description,
                             "The charger's answer breaks the OCPP 1.6 schema and cannot be used (see "
                             "messages.schema). Update the firmware.");
    case CallStatus::QueueFull:
    case CallStatus::InvalidRequest:
    case CallStatus::Ok:
        break;
    }
    return Outcome::fail("the tester could not send " + name + ": " + description,
                         "This is a fault of the tester; please report it.");
}

Outcome check_get_configuration(const ocpp::CallOutcome<ocpp::v16::GetConfigurationConf>& out, ChargerFacts& facts) {
    if (!out.ok()) {
        return call_failed("GetConfiguration", out.status, out.error_code, out.error_description, false);
    }
    facts.configuration.clear();
    if (out.conf->configurationKey) {
        for (const auto& kv : *out.conf->configurationKey) {
            facts.configuration.emplace_back(kv.key, kv.value.value_or(""));
        }
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(out.latency).count();
    std::string seen = std::to_string(facts.configuration.size()) + " keys in " + format_ms(static_cast<double>(ms));
    std::vector<std::string> missing;
    for (const char* key :
         {"NumberOfConnectors", "HeartbeatInterval", "SupportedFeatureProfiles", "MeterValueSampleInterval"}) {
        if (auto v = config_value(facts, key)) {
            seen += std::string(", ") + key + "=" + *v;
        } else {
            missing.push_back(key);
        }
    }
    if (auto n = config_int(facts, "NumberOfConnectors")) {
        facts.connectors = *n;
    }
    if (!missing.empty()) {
        return Outcome::warn(seen + "; missing: " + join_list(missing),
                             "These Core configuration keys should be readable with GetConfiguration. The central "
                             "system uses them (e.g. NumberOfConnectors to create the charge points). Check the "
                             "firmware.");
    }
    return Outcome::pass(seen);
}

std::optional<Outcome> check_connector_agreement(std::optional<int> configured, const std::vector<int>& reported) {
    if (!configured || reported.empty()) {
        return std::nullopt;
    }
    int highest = 0;
    for (int c : reported) {
        highest = std::max(highest, c);
    }
    if (highest == *configured) {
        return std::nullopt;
    }
    std::vector<std::string> ids;
    for (int c : reported) {
        ids.push_back(std::to_string(c));
    }
    return Outcome::warn("NumberOfConnectors is " + std::to_string(*configured) +
                             ", but StatusNotifications came for connector " + join_list(ids),
                         "The connector count in the charger's configuration differs from the connectors it "
                         "reports. The central system creates one charge point per connector, so fix the "
                         "connector configuration (NumberOfConnectors) on the charger.");
}

std::optional<Outcome> check_trigger_answer(const ocpp::CallOutcome<ocpp::v16::TriggerMessageConf>& out) {
    if (!out.ok()) {
        return call_failed("TriggerMessage", out.status, out.error_code, out.error_description, true);
    }
    switch (out.conf->status) {
    case ocpp::v16::TriggerMessageStatus::Accepted:
        return std::nullopt;
    case ocpp::v16::TriggerMessageStatus::NotImplemented:
        return Outcome::warn("TriggerMessage answered NotImplemented",
                             "The charger does not support the RemoteTrigger profile: the central system cannot "
                             "ask it for a fresh status. Ask the manufacturer for a firmware with RemoteTrigger.");
    case ocpp::v16::TriggerMessageStatus::Rejected:
        break;
    }
    return Outcome::warn("TriggerMessage(StatusNotification) answered Rejected",
                         "The charger refused to send its status on request. Check whether TriggerMessage is "
                         "disabled in its settings.");
}

} // namespace tester
