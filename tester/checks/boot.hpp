#pragma once
// Check 4: BootNotification is the first message, arrives in time and is valid; the charger's identity is recorded.
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/validation/schema.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

// Copies the identity fields of a BootNotification payload into `facts`, leniently: any string is taken as it is,
// whatever its length, so that an invalid payload still shows what the charger said.
void read_boot_facts(const rapidjson::Value& payload, ChargerFacts& facts);

// The first frame the charger sent, parsed as far as it goes: a CALL's action, or why it is not one.
struct FirstMessage {
    bool call = false;
    std::string action;      // for a CALL
    std::string description; // "a CALLRESULT", "not a valid OCPP-J frame: ..."
};
FirstMessage classify_first_message(std::string_view text);

Outcome check_boot_first(const FirstMessage& first, double ms_after_upgrade);
// No BootNotification at all: the connection opened (`any_message` when something else came) but none arrived.
Outcome boot_never_came(bool any_message, const std::string& why);
Outcome check_boot_payload(const ChargerFacts& facts, const std::vector<ocpp::validation::Finding>& findings);

// "/chargePointVendor maxLength: is 25 characters long, at most 20 allowed" for a report line.
std::string describe_finding(const ocpp::validation::Finding& f);

} // namespace tester
