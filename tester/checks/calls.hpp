#pragma once
// Check 7: the charger answers calls from the central system: GetConfiguration, and TriggerMessage(StatusNotification)
// followed by the status. Also the words for any call that failed (timeout, CALLERROR, closed connection).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/peer/outcome.hpp"
#include "ocpp/v16/messages.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

// Records the configuration in `facts` (connectors from NumberOfConnectors) and judges the answer.
Outcome check_get_configuration(const ocpp::CallOutcome<ocpp::v16::GetConfigurationConf>& out, ChargerFacts& facts);
// GetConfiguration's NumberOfConnectors against the connectors the StatusNotifications named: a warning when they
// disagree, nullopt when they agree or one side is unknown.
std::optional<Outcome> check_connector_agreement(std::optional<int> configured, const std::vector<int>& reported);
// The TriggerMessage answer: nullopt when Accepted (the status must follow), else the verdict.
std::optional<Outcome> check_trigger_answer(const ocpp::CallOutcome<ocpp::v16::TriggerMessageConf>& out);

// Fail (or warn, for optional features) for a call that got no usable answer, with a hint naming the action.
Outcome call_failed(std::string_view action, ocpp::CallStatus status, const std::string& error_code,
                    const std::string& description, bool optional_feature);

// A configuration value from GetConfiguration as an integer, when present and numeric.
std::optional<int> config_int(const ChargerFacts& facts, std::string_view key);
std::optional<std::string> config_value(const ChargerFacts& facts, std::string_view key);

} // namespace tester
