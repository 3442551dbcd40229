// The audit trail of charger changes (audit.hpp) and GET /api/v1/chargers/{id}/audit.
#include "centralsystem/api/chargers/audit.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

#include "centralsystem/api/access/access.hpp"
#include "centralsystem/api/routes.hpp"

namespace cs::api {

HttpResponse correction_response(const db::Correction& c) {
    return json_error(c.refusal == db::Refusal::NoSuchCharger ? 404 : 409, c.error, c.field);
}

std::string request_actor(const HttpRequest& req) {
    const std::string_view name = req.header(kActorHeader); // set by the access layer (api/access)
    return name.empty() ? "anonymous" : std::string(name);
}

std::string charge_points_text(const std::vector<ChargePoint>& points) {
    std::string out;
    for (const auto& p : points) {
        out += (out.empty() ? "" : "; ") + std::to_string(p.connector_id) + " " + p.evse_id.value_or("-");
        for (const auto* part : {&p.standard, &p.format, &p.power_type}) {
            if (!part->empty()) {
                out += " " + *part;
            }
        }
        if (p.max_power_kw) {
            char kw[32];
            std::snprintf(kw, sizeof kw, " %g kW", *p.max_power_kw);
            out += kw;
        }
    }
    return out;
}

ocpp::Result<void> audit_changes(store::Connection& db, const Charger& before, const Charger& after,
                                 const std::string& actor, const std::string& action, const std::string& now) {
    const auto yes_no = [](bool b) { return std::string(b ? "true" : "false"); };
    const std::vector<std::tuple<const char*, std::string, std::string>> fields = {
        {"status", before.status, after.status},
        {"provider", before.provider, after.provider},
        {"vendor", before.vendor, after.vendor},
        {"model", before.model, after.model},
        {"acceptAnyPassword", yes_no(before.accept_any_password), yes_no(after.accept_any_password)},
        {"password", before.password_hash.empty() ? "" : "set", after.password_hash.empty() ? "" : "set"},
        {"chargePoints", charge_points_text(before.charge_points), charge_points_text(after.charge_points)},
        {"hotline", before.hotline, after.hotline},
        {"emergencyContact", before.emergency_contact, after.emergency_contact},
        {"accessibility", before.accessibility, after.accessibility},
    };
    for (const auto& [field, old_value, new_value] : fields) {
        std::string o = old_value, n = new_value;
        if (std::string_view(field) == "password" && before.password_hash != after.password_hash && o == n) {
            n = "changed";
        }
        if (o == n) {
            continue;
        }
        if (auto r = db::add_audit(db, db::AuditEntry{0, after.chargebox_id, now, actor, action, field, o, n}); !r) {
            return r;
        }
    }
    return {};
}

void charger_audit(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    int limit = 100;
    if (const std::string text = query_param(req.query, "limit"); !text.empty()) {
        char* end = nullptr;
        const long n = std::strtol(text.c_str(), &end, 10);
        if (end == text.c_str() || *end != '\0' || n < 1 || n > 1000) {
            return respond(json_error(400, "limit must be a whole number from 1 to 1000", "limit"));
        }
        limit = static_cast<int>(n);
    }
    // Entries outlive their charger: the trail of a deleted charger still says who deleted it.
    cs.store<std::vector<db::AuditEntry>>([id, limit](store::Connection& db) { return db::list_audit(db, id, limit); },
                                          [&cs, respond](ocpp::Result<std::vector<db::AuditEntry>> r) {
                                              if (!r) {
                                                  return respond(store_failed(cs, r.error()));
                                              }
                                              respond(json_response(200, json_object([&](Writer& w) {
                                                                        w.Key("entries");
                                                                        w.StartArray();
                                                                        for (const auto& e : *r) {
                                                                            w.StartObject();
                                                                            w.Key("id");
                                                                            w.Int64(e.id);
                                                                            member(w, "at", e.at);
                                                                            member(w, "actor", e.actor);
                                                                            member(w, "action", e.action);
                                                                            member(w, "field", e.field);
                                                                            member(w, "oldValue", e.old_value);
                                                                            member(w, "newValue", e.new_value);
                                                                            w.EndObject();
                                                                        }
                                                                        w.EndArray();
                                                                    })));
                                          });
}

} // namespace cs::api
