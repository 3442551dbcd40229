// GET /api/v1/chargers/{id}/connectors/{n}/composite-schedule (sites.hpp): GetCompositeSchedule to the charger, its
// answer as JSON (409 not connected, 504 no answer, 502 a CALLERROR or a broken answer).
#include "centralsystem/api/sites/sites.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::api {

namespace {
constexpr int kMaxDuration = 7 * 24 * 3600;

// A whole number in [min, max] from text, or nullopt.
std::optional<int> whole_int(const std::string& text, int min, int max) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const int n = std::stoi(text);
    return n >= min && n <= max ? std::optional<int>(n) : std::nullopt;
}
} // namespace

void composite_schedule(CentralSystem& cs, const std::string& id, const std::string& connector, const HttpRequest& req,
                        Respond respond) {
    using namespace ocpp::v16;
    const auto n = whole_int(connector, 0, 99);
    if (!n) {
        return respond(json_error(422, "connectorId must be a whole number from 0 to 99, not \"" + connector + "\"",
                                  "connectorId"));
    }
    GetCompositeScheduleReq call;
    call.connectorId = *n;
    call.duration = 3600;
    if (const auto d = query_param(req.query, "duration"); !d.empty()) {
        const auto seconds = whole_int(d, 1, kMaxDuration);
        if (!seconds) {
            return respond(
                json_error(422, "duration must be a whole number of seconds from 1 to " + std::to_string(kMaxDuration),
                           "duration"));
        }
        call.duration = *seconds;
    }
    if (const auto u = query_param(req.query, "unit"); !u.empty()) {
        if (u != "A" && u != "W") {
            return respond(json_error(422, "unit must be A or W", "unit"));
        }
        call.chargingRateUnit = u == "A" ? ChargingRateUnitType::A : ChargingRateUnitType::W;
    }
    ocpp::Clock::Duration timeout{};
    if (const auto t = query_param(req.query, "timeout"); !t.empty()) {
        const auto seconds = whole_int(t, 1, 60);
        if (!seconds) {
            return respond(json_error(422, "timeout must be a whole number of seconds from 1 to 60", "timeout"));
        }
        timeout = std::chrono::seconds(*seconds);
    }
    auto peer = cs.peer(id);
    if (!peer) {
        return respond(json_error(409, "charger \"" + id + "\" is not connected", "chargeBoxId"));
    }
    peer->call(
        call,
        [respond](ocpp::CallOutcome<GetCompositeScheduleConf> out) {
            if (out.status == ocpp::CallStatus::Timeout || out.status == ocpp::CallStatus::Closed) {
                return respond(json_error(504, "the charger did not answer GetCompositeSchedule"));
            }
            if (out.status == ocpp::CallStatus::QueueFull) {
                return respond(json_error(503, "too many calls wait for this charger; try again"));
            }
            if (out.status != ocpp::CallStatus::Ok || !out.conf) {
                return respond(
                    json_error(502, "the charger's answer to GetCompositeSchedule: " +
                                        (out.error_description.empty() ? out.error_code : out.error_description)));
            }
            respond(json_response(200, to_json_string(*out.conf) + "\n"));
        },
        timeout);
}

} // namespace cs::api
