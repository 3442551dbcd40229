// POST /api/v1/chargers/{id}/commands/{Action}: sends the CALL through the charger's connection and answers with
// the charger's answer (409 not connected, 504 timeout, 502 CALLERROR or a broken answer, 422 a bad payload).
#include <set>

#include "centralsystem/api_routes.hpp"

namespace cs::api {

namespace {

// Every action a central system initiates in OCPP 1.6 (Core and the other five feature profiles).
const std::set<std::string> kCommands = {
    "CancelReservation",      "ChangeAvailability",    "ChangeConfiguration", "ClearCache",     "ClearChargingProfile",
    "DataTransfer",           "GetCompositeSchedule",  "GetConfiguration",    "GetDiagnostics", "GetLocalListVersion",
    "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow",          "Reset",          "SendLocalList",
    "SetChargingProfile",     "TriggerMessage",        "UnlockConnector",     "UpdateFirmware"};

} // namespace

void send_command(CentralSystem& cs, const std::string& id, const std::string& action, const HttpRequest& req,
                  Respond respond) {
    if (!kCommands.count(action)) {
        std::string list;
        for (const auto& a : kCommands) {
            list += (list.empty() ? "" : ", ") + a;
        }
        return respond(
            json_error(404, "\"" + action + "\" is not a central-system action; use one of " + list, "action"));
    }
    HttpRequest body_req = req;
    if (body_req.body.empty()) {
        body_req.body = "{}";
    }
    rapidjson::Document doc;
    if (auto bad = parse_object(body_req, doc)) {
        return respond(std::move(*bad));
    }
    ocpp::Clock::Duration timeout{};
    if (const std::string t = query_param(req.query, "timeout"); !t.empty()) {
        const int seconds = std::atoi(t.c_str());
        if (seconds < 1 || seconds > 300 || std::to_string(seconds) != t) {
            return respond(json_error(400, "timeout takes whole seconds from 1 to 300", "timeout"));
        }
        timeout = std::chrono::seconds(seconds);
    }
    auto peer = cs.peer(id);
    if (!peer) {
        const bool known = cs.credentials(id) != nullptr;
        return respond(known ? json_error(409, "the charger is not connected", "id")
                             : json_error(404, "no charger with this Chargebox ID", "id"));
    }
    peer->call_text(
        action, body_req.body,
        [respond, action, id](ocpp::RawOutcome out) {
            using ocpp::CallStatus;
            switch (out.status) {
            case CallStatus::Ok:
                return respond(json_response(200, json_object([&](Writer& w) {
                                                 member(w, "action", action);
                                                 w.Key("response");
                                                 out.payload->Accept(w);
                                                 w.Key("latencyMs");
                                                 w.Double(
                                                     std::chrono::duration<double, std::milli>(out.latency).count());
                                             })));
            case CallStatus::CallError:
                return respond(json_error(502, "the charger answered with CALLERROR " + out.error_code + ": " +
                                                   out.error_description));
            case CallStatus::Timeout:
                return respond(json_error(504, "the charger did not answer in time"));
            case CallStatus::Closed:
                return respond(json_error(409, "the charger disconnected before answering", "id"));
            case CallStatus::QueueFull:
                return respond(json_error(503, "too many commands are waiting for this charger; try again"));
            case CallStatus::InvalidRequest: {
                std::string field = out.findings.empty() ? "" : out.findings.front().pointer;
                if (!field.empty() && field.front() == '/') {
                    field.erase(0, 1);
                }
                return respond(json_error(
                    422, "the payload is not a valid " + action + " request: " + ocpp::describe(out.findings),
                    field.empty() ? "body" : field));
            }
            case CallStatus::InvalidResponse:
                return respond(json_error(502, "the charger's answer is not a valid " + action +
                                                   " confirmation: " + out.error_description));
            }
        },
        timeout);
}

} // namespace cs::api
