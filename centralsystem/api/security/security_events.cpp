// GET /api/v1/security-events: the chargers' SecurityEventNotifications, newest first, filtered by charger, type,
// time range (the event's own time) and criticality, paged with ?before=<id>.
#include <cstdlib>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/security/security.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

std::optional<std::int64_t> whole_between(const std::string& text, std::int64_t min, std::int64_t max) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const std::int64_t v = std::strtoll(text.c_str(), nullptr, 10);
    return v >= min && v <= max ? std::optional<std::int64_t>(v) : std::nullopt;
}

// A time filter normalized to how events are stored (UTC, seconds), or nullopt when it is no RFC 3339 time.
std::optional<std::string> time_filter(const std::string& text) {
    const auto dt = ocpp::parse_datetime(text);
    if (!dt) {
        return std::nullopt;
    }
    return ocpp::format_datetime(ocpp::DateTime{std::chrono::time_point_cast<std::chrono::seconds>(dt->time)});
}

} // namespace

void list_security_events(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    db::SecurityEventQuery q;
    if (const std::string text = query_param(req.query, "limit"); !text.empty()) {
        const auto n = whole_between(text, 1, 1000);
        if (!n) {
            return respond(json_error(400, "limit must be a whole number from 1 to 1000", "limit"));
        }
        q.limit = static_cast<int>(*n);
    }
    if (const std::string text = query_param(req.query, "before"); !text.empty()) {
        q.before = whole_between(text, 1, INT64_MAX);
        if (!q.before) {
            return respond(json_error(400, "before must be a security event id (a whole number from 1)", "before"));
        }
    }
    q.chargebox_id = query_param(req.query, "chargeBoxId");
    if (!q.chargebox_id.empty()) {
        if (auto problem = chargebox_id_problem("chargeBoxId", q.chargebox_id)) {
            return respond(json_error(400, *problem, "chargeBoxId"));
        }
    }
    q.type = query_param(req.query, "type");
    if (q.type.size() > 50) {
        return respond(json_error(400, "type has at most 50 characters (as in SecurityEventNotification)", "type"));
    }
    for (auto [name, field] : {std::pair<const char*, std::string*>{"from", &q.from}, {"to", &q.to}}) {
        if (const std::string text = query_param(req.query, name); !text.empty()) {
            auto t = time_filter(text);
            if (!t) {
                return respond(json_error(
                    400, std::string(name) + " must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z", name));
            }
            *field = *t;
        }
    }
    if (!q.from.empty() && !q.to.empty() && q.to <= q.from) {
        return respond(json_error(400, "to must be after from", "to"));
    }
    const std::string critical = query_param(req.query, "critical");
    if (critical != "" && critical != "true" && critical != "false") {
        return respond(json_error(400, "critical takes true or false", "critical"));
    }
    q.critical_only = critical == "true";
    cs.store<db::SecurityEventPage>(
        [q](store::Connection& db) { return db::list_security_events(db, q); },
        [&cs, respond](ocpp::Result<db::SecurityEventPage> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("events");
                                      w.StartArray();
                                      for (const auto& e : r->items) {
                                          w.StartObject();
                                          w.Key("id");
                                          w.Int64(e.id);
                                          member(w, "chargeBoxId", e.chargebox_id);
                                          member(w, "type", e.type);
                                          member(w, "timestamp", e.at);
                                          member(w, "receivedAt", e.received_at);
                                          member_or_null(w, "techInfo", e.tech_info);
                                          member(w, "severity", e.critical ? "high" : "low");
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      // The next page: ?before=<this>; null on the last page.
                                      w.Key("nextBefore");
                                      r->more ? (void)w.Int64(r->items.back().id) : (void)w.Null();
                                  })));
        });
}

} // namespace cs::api
