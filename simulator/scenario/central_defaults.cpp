#include "simulator/scenario/central_defaults.hpp"

#include "ocpp/rpc/errors.hpp"

namespace scen {

namespace {

// One default answer: the action and its CALLRESULT payload as a template (scenarios/FORMAT.md, "Values").
struct DefaultAnswer {
    const char* action;
    const char* payload;
};

// clang-format off
const DefaultAnswer kDefaults[] = {
    {"Authorize", R"({"idTagInfo":{"status":"Accepted"}})"},
    {"BootNotification", R"({"status":"Accepted","currentTime":"${now()}","interval":60})"},
    {"DataTransfer", R"({"status":"UnknownVendorId"})"},
    {"DiagnosticsStatusNotification", "{}"},
    {"FirmwareStatusNotification", "{}"},
    {"Heartbeat", R"({"currentTime":"${now()}"})"},
    {"LogStatusNotification", "{}"},
    {"MeterValues", "{}"},
    {"SecurityEventNotification", "{}"},
    {"SignedFirmwareStatusNotification", "{}"},
    {"StartTransaction", R"({"idTagInfo":{"status":"Accepted"},"transactionId":"${counter(transactionId)}"})"},
    {"StatusNotification", "{}"},
    {"StopTransaction", R"({"idTagInfo":{"status":"Accepted"}})"},
};
// clang-format on

} // namespace

void answer_by_default(const std::string& action, ocpp::RawReply& reply, Context& ctx) {
    for (const auto& d : kDefaults) {
        if (action != d.action) {
            continue;
        }
        rapidjson::Document payload;
        if (auto r = expand_json(d.payload, ctx, payload); !r) {
            reply.error(ocpp::rpc::ErrorCode::InternalError, r.error().message);
            return;
        }
        reply.ok(payload);
        return;
    }
    reply.error(ocpp::rpc::ErrorCode::NotImplemented, "the scenario has no answer for " + action);
}

} // namespace scen
