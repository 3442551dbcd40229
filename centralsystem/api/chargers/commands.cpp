// POST /api/v1/chargers/{id}/commands/{Action}: sends the CALL through the charger's connection and answers with
// the charger's answer (409 not connected, 504 timeout, 502 CALLERROR or a broken answer, 503 too many waiting,
// 422 a bad payload). Errors after the charger is found name the action; a CALLERROR comes with its code and
// description as the charger sent them, a timeout with the seconds waited.
#include <optional>
#include <set>

#include "centralsystem/api/routes.hpp"
#include "ocpp/v16/schemas.hpp"

namespace cs::api {

namespace {

// Every action a central system initiates in OCPP 1.6 (Core and the other five feature profiles).
const std::set<std::string> kCommands = {
    "CancelReservation",      "ChangeAvailability",    "ChangeConfiguration", "ClearCache",     "ClearChargingProfile",
    "DataTransfer",           "GetCompositeSchedule",  "GetConfiguration",    "GetDiagnostics", "GetLocalListVersion",
    "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow",          "Reset",          "SendLocalList",
    "SetChargingProfile",     "TriggerMessage",        "UnlockConnector",     "UpdateFirmware"};

// An error answer of the CommandError schema: the words, the field at fault (or none), the action, and for a
// timeout the seconds waited, for a CALLERROR its code and description as received.
struct CommandErrorDetails {
    std::string field;
    std::optional<long long> timeout_s;
    const ocpp::RawOutcome* call_error = nullptr;
};

HttpResponse command_error(int status, const std::string& action, const std::string& error,
                           const CommandErrorDetails& details = {}) {
    return json_response(status, json_object([&](Writer& w) {
                             member(w, "error", error);
                             if (!details.field.empty()) {
                                 member(w, "field", details.field);
                             }
                             member(w, "action", action);
                             if (details.timeout_s) {
                                 w.Key("timeoutSeconds");
                                 w.Int64(*details.timeout_s);
                             }
                             if (details.call_error) {
                                 w.Key("callError");
                                 w.StartObject();
                                 member(w, "errorCode", details.call_error->error_code);
                                 member(w, "errorDescription", details.call_error->error_description);
                                 w.EndObject();
                             }
                         }));
}

// The field a schema finding is about, as the API names fields ("chargingProfile/chargingSchedule"): for a missing
// property the property itself, for the payload as a whole "body".
std::string finding_field(const ocpp::validation::Finding& f) {
    std::string field = f.pointer.empty() ? "" : f.pointer.substr(1);
    if (!f.property.empty()) {
        field += (field.empty() ? "" : "/") + f.property;
    }
    return field.empty() ? "body" : field;
}

HttpResponse invalid_payload(const std::string& action, const std::vector<ocpp::validation::Finding>& findings) {
    return json_error(422, "the payload is not a valid " + action + " request: " + ocpp::describe(findings),
                      findings.empty() ? "body" : finding_field(findings.front()));
}

} // namespace

void list_commands(Respond respond) {
    // The request schemas as the validator uses them, so that a form built from them asks what the charger expects.
    const std::string body = json_object([](Writer& w) {
        w.Key("commands");
        w.StartArray();
        for (const auto& action : kCommands) {
            const std::string name = action + ".req.json";
            for (const auto& file : ocpp::v16::embedded_schemas()) {
                if (file.name == name) {
                    w.StartObject();
                    member(w, "action", action);
                    w.Key("schema");
                    w.RawValue(file.contents.data(), file.contents.size(), rapidjson::kObjectType);
                    w.EndObject();
                }
            }
        }
        w.EndArray();
    });
    respond(json_response(200, body));
}

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
    // Checked here too (the charger's connection checks it again), so that a bad payload is a 422 naming its field
    // whether or not the charger is connected.
    std::vector<ocpp::validation::Finding> findings;
    if (const auto* schema = cs.schemas().find(action, ocpp::validation::Direction::Request);
        schema && !schema->validate(doc, findings)) {
        return respond(invalid_payload(action, findings));
    }
    auto peer = cs.peer(id);
    if (!peer) {
        if (cs.credentials(id) == nullptr) {
            return respond(json_error(404, "no charger with this Chargebox ID", "id"));
        }
        return respond(command_error(409, action, "the charger is not connected, so " + action + " was not sent",
                                     CommandErrorDetails{"id", std::nullopt, nullptr}));
    }
    const long long waits =
        std::chrono::duration_cast<std::chrono::seconds>(timeout.count() > 0 ? timeout : cs.config().call_timeout)
            .count();
    peer->call_text(
        action, body_req.body,
        [respond, action, waits](ocpp::RawOutcome out) {
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
                return respond(command_error(502, action,
                                             "the charger answered " + action + " with CALLERROR " + out.error_code +
                                                 (out.error_description.empty() ? "" : ": " + out.error_description),
                                             CommandErrorDetails{"", std::nullopt, &out}));
            case CallStatus::Timeout:
                return respond(command_error(
                    504, action, "the charger did not answer " + action + " within " + std::to_string(waits) + " s",
                    CommandErrorDetails{"", waits, nullptr}));
            case CallStatus::Closed:
                return respond(command_error(409, action, "the charger disconnected before answering " + action,
                                             CommandErrorDetails{"id", std::nullopt, nullptr}));
            case CallStatus::QueueFull:
                return respond(command_error(503, action,
                                             "too many commands are waiting for this charger; " + action +
                                                 " was not sent, try again"));
            case CallStatus::InvalidRequest:
                return respond(invalid_payload(action, out.findings));
            case CallStatus::InvalidResponse:
                return respond(command_error(502, action,
                                             "the charger's answer is not a valid " + action +
                                                 " confirmation: " + out.error_description));
            }
        },
        timeout);
}

} // namespace cs::api
