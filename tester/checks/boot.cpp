#include "tester/checks/boot.hpp"

#include "ocpp/rpc/frame.hpp"

namespace tester {

namespace {

std::string field(const rapidjson::Value& payload, const char* name) {
    if (!payload.IsObject()) {
        return {};
    }
    auto it = payload.FindMember(name);
    return it != payload.MemberEnd() && it->value.IsString()
               ? std::string(it->value.GetString(), it->value.GetStringLength())
               : std::string();
}

const char* const kBootHint =
    "OCPP 1.6 requires BootNotification as the first message after connecting. A charger that starts with other "
    "messages usually believes it is still registered with an earlier central system: reboot it (or reset its OCPP "
    "state) so that it sends BootNotification, or update its firmware.";

} // namespace

void read_boot_facts(const rapidjson::Value& payload, ChargerFacts& facts) {
    facts.vendor = field(payload, "chargePointVendor");
    facts.model = field(payload, "chargePointModel");
    facts.serial = field(payload, "chargePointSerialNumber");
    if (facts.serial.empty()) {
        facts.serial = field(payload, "chargeBoxSerialNumber");
    }
    facts.firmware = field(payload, "firmwareVersion");
    facts.iccid = field(payload, "iccid");
    facts.imsi = field(payload, "imsi");
    facts.meter_type = field(payload, "meterType");
    facts.meter_serial = field(payload, "meterSerialNumber");
}

FirstMessage classify_first_message(std::string_view text) {
    FirstMessage first;
    ocpp::rpc::Frame frame;
    ocpp::rpc::FrameError error;
    if (!ocpp::rpc::parse_frame(text, frame, error)) {
        first.description = "not a valid OCPP-J frame (" + error.message + ")";
        return first;
    }
    switch (frame.type) {
    case ocpp::rpc::MessageType::Call:
        first.call = true;
        first.action = frame.action;
        first.description = frame.action;
        break;
    case ocpp::rpc::MessageType::CallResult:
        first.description = "a CALLRESULT to a call nobody made";
        break;
    case ocpp::rpc::MessageType::CallError:
        first.description = "a CALLERROR (" + frame.error_code + ")";
        break;
    }
    return first;
}

Outcome check_boot_first(const FirstMessage& first, double ms_after_upgrade) {
    if (first.call && first.action == "BootNotification") {
        return Outcome::pass("BootNotification came first, " + format_ms(ms_after_upgrade) +
                             " after the WebSocket opened");
    }
    return Outcome::fail("the first message was " + first.description + ", not BootNotification", kBootHint);
}

Outcome boot_never_came(bool any_message, const std::string& why) {
    if (any_message) {
        return Outcome::fail("no BootNotification arrived (" + why + ")", kBootHint);
    }
    return Outcome::fail("the charger connected but sent no message at all (" + why + ")",
                         "The WebSocket opened, but the charger never sent BootNotification. Check that its OCPP "
                         "client is enabled and set to OCPP 1.6-J, and reboot it; if it stays silent, update its "
                         "firmware.");
}

Outcome check_boot_payload(const ChargerFacts& facts, const std::vector<ocpp::validation::Finding>& findings) {
    std::string seen = (facts.vendor.empty() ? std::string("no vendor") : "vendor " + quote(facts.vendor)) + ", " +
                       (facts.model.empty() ? std::string("no model") : "model " + quote(facts.model));
    if (!facts.serial.empty()) {
        seen += ", serial " + quote(facts.serial);
    }
    if (!facts.firmware.empty()) {
        seen += ", firmware " + quote(facts.firmware);
    }
    if (!facts.iccid.empty() || !facts.imsi.empty()) {
        seen += ", ICCID " + quote(facts.iccid) + ", IMSI " + quote(facts.imsi);
    }
    if (!facts.meter_type.empty()) {
        seen += ", meter " + quote(facts.meter_type);
    }
    if (findings.empty()) {
        return Outcome::pass(seen + "; answered Accepted");
    }
    Outcome out =
        Outcome::fail(std::to_string(findings.size()) + " schema deviation" + (findings.size() == 1 ? "" : "s") + " (" +
                          describe_finding(findings.front()) + "); " + seen,
                      "The BootNotification breaks the OCPP 1.6 schema (see the details: JSON pointer and "
                      "rule). A central system in strict mode refuses it with a CALLERROR and the charger "
                      "never gets registered. Correct the values in the charger's settings (vendor and "
                      "model at most 20 characters, serial numbers at most 25) or update its firmware.");
    for (const auto& f : findings) {
        out.details.push_back("BootNotification " + describe_finding(f));
    }
    return out;
}

std::string describe_finding(const ocpp::validation::Finding& f) {
    return (f.pointer.empty() ? std::string("(payload)") : f.pointer) + " " + f.rule + ": " + f.message;
}

} // namespace tester
