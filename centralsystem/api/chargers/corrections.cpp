// Correcting a charger: DELETE /api/v1/chargers/{id} (a planned one without history) and
// POST /api/v1/chargers/{id}/decommission (out of operation, history kept). Both leave an audit entry.
#include "centralsystem/api/chargers/audit.hpp"
#include "centralsystem/api/routes.hpp"

namespace cs::api {

void delete_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    // Its connection would stay up under an ID that no longer exists: the charger disconnects first.
    if (cs.peer(id)) {
        return respond(
            json_error(409, "the charger is connected: disconnect it first (or take it out of operation)", "id"));
    }
    auto refused = std::make_shared<db::Correction>();
    cs.store<bool>(
        [id, actor = request_actor(req), now = cs.now_text(), refused](store::Connection& db) -> ocpp::Result<bool> {
            auto done = db::delete_charger(db, id, now);
            if (!done) {
                return done.error();
            }
            if (*done) {
                *refused = *done;
                return ocpp::make_error("refused"); // nothing of the job is kept
            }
            if (auto r = db::add_audit(db, db::AuditEntry{0, id, now, actor, "deleted", "", "", ""}); !r) {
                return r.error();
            }
            return true;
        },
        [&cs, id, respond, refused](ocpp::Result<bool> r) {
            if (!r) {
                return respond(*refused ? correction_response(*refused) : store_failed(cs, r.error()));
            }
            cs.forget_credentials(id);
            if (auto peer = cs.peer(id)) {
                peer->close(1000, "charger deleted");
            }
            cs.log().info("api", "charger \"" + id + "\" deleted");
            HttpResponse resp;
            resp.status = 204;
            respond(std::move(resp));
        });
}

void decommission_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    auto refused = std::make_shared<db::Correction>();
    cs.store<Charger>(
        [id, actor = request_actor(req), now = cs.now_text(), refused](store::Connection& db) -> ocpp::Result<Charger> {
            auto before = db::find_charger(db, id);
            if (!before) {
                return before.error();
            }
            auto done = db::decommission(db, id, now);
            if (!done) {
                return done.error();
            }
            if (*done) {
                *refused = *done;
                return ocpp::make_error("refused");
            }
            auto after = db::find_charger(db, id);
            if (!after) {
                return after.error();
            }
            if (!*before || !*after) {
                return ocpp::make_error("the charger went away");
            }
            if (auto r = audit_changes(db, **before, **after, actor, "decommissioned", now); !r) {
                return r.error();
            }
            return std::move(**after);
        },
        [&cs, respond, refused, now = cs.now_text()](ocpp::Result<Charger> r) {
            if (!r) {
                return respond(*refused ? correction_response(*refused) : store_failed(cs, r.error()));
            }
            cs.put_credentials(r->chargebox_id, credentials_of(*r));
            cs.log().info("api", "charger \"" + r->chargebox_id + "\" taken out of operation");
            respond(json_response(200, charger_json(cs, *r, now)));
        });
}

} // namespace cs::api
