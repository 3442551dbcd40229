// /api/v1/chargers: create (by hand or from a claiming code), list with search, details, patch, commission.
#include "centralsystem/api/chargers/audit.hpp"
#include "centralsystem/api/conflicts.hpp"
#include "centralsystem/api/routes.hpp"
#include "store/claims.hpp"
#include "store/password.hpp"

namespace cs::api {

namespace {

// After a create: the charger as stored (with 201), and the handshake cache learns it.
struct Created {
    std::optional<store::Redemption> refused_claim;
    std::optional<Charger> charger;
};

} // namespace

std::string client_host(const std::string& remote) {
    if (!remote.empty() && remote.front() == '[') {
        const auto close = remote.find(']');
        return close == std::string::npos ? remote : remote.substr(1, close - 1);
    }
    const auto colon = remote.rfind(':');
    return colon == std::string::npos || remote.find(':') != colon ? remote : remote.substr(0, colon);
}

void create_charger(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_new_charger(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    NewCharger input = std::move(std::get<NewCharger>(parsed));
    input.charger.created_at = cs.now_text();
    const ocpp::DateTime now{cs.loop().clock().wall_now()};
    // A refusal found inside the job rolls the job back (a redeemed claim stays unused) and is reported from here.
    auto refused = std::make_shared<db::Conflict>();
    cs.store<Created>(
        [input = std::move(input), now, client = client_host(req.remote_address), actor = request_actor(req),
         now_text = cs.now_text(), refused](store::Connection& db) -> ocpp::Result<Created> {
            Charger c = input.charger;
            Created out;
            if (input.claim_code) {
                auto redeemed = store::Claims::redeem(db, *input.claim_code, now, client);
                if (!redeemed) {
                    return redeemed.error();
                }
                if (!redeemed->claim) {
                    out.refused_claim = std::move(*redeemed);
                    return out; // failures are counted (rate limit): commit them
                }
                const store::Claim& claim = *redeemed->claim;
                c.chargebox_id = claim.chargebox_id;
                c.password_hash = claim.password_hash;
                c.claim_code = claim.code;
                c.boot.vendor = claim.vendor;
                c.boot.model = claim.model;
                c.boot.serial = claim.serial;
                c.boot.firmware = claim.firmware;
                c.vendor = c.vendor.empty() ? claim.vendor : c.vendor;
                c.model = c.model.empty() ? claim.model : c.model;
            } else if (input.password) {
                c.password_hash = store::hash_password(*input.password);
            }
            auto conflict = db::insert_charger(db, c);
            if (!conflict) {
                return conflict.error();
            }
            if (*conflict) {
                *refused = *conflict;
                return ocpp::make_error("refused");
            }
            auto stored = db::find_charger(db, c.chargebox_id);
            if (!stored) {
                return stored.error();
            }
            auto audit = db::add_audit(
                db, db::AuditEntry{0, c.chargebox_id, now_text, actor,
                                   c.claim_code.empty() ? "created" : "created from claiming code " + c.claim_code,
                                   "chargePoints", "", *stored ? charge_points_text((*stored)->charge_points) : ""});
            if (!audit) {
                return audit.error();
            }
            out.charger = std::move(*stored);
            return out;
        },
        [&cs, respond, refused](ocpp::Result<Created> r) {
            if (!r) {
                if (*refused) {
                    return respond(conflict_response(*refused));
                }
                return respond(store_failed(cs, r.error()));
            }
            if (const auto& claim = r->refused_claim) {
                return respond(json_error(claim->status, claim->error, "claimCode"));
            }
            const Charger& c = *r->charger;
            cs.put_credentials(c.chargebox_id, credentials_of(c));
            if (!c.claim_code.empty()) {
                cs.notify(c.chargebox_id, "claimRedeemed", "claiming code " + c.claim_code + " was redeemed");
            }
            cs.log().info("api", "charger \"" + c.chargebox_id + "\" created" +
                                     (c.claim_code.empty() ? "" : " from claiming code " + c.claim_code));
            HttpResponse resp = json_response(201, charger_json(cs, c));
            resp.headers.emplace_back("Location", "/api/v1/chargers/" + c.chargebox_id);
            respond(std::move(resp));
        });
}

void list_chargers(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    const std::string q = query_param(req.query, "q");
    const std::string provider = query_param(req.query, "provider");
    if (q.size() > 64 || provider.size() > 64) {
        return respond(json_error(400, "search terms are limited to 64 characters", q.size() > 64 ? "q" : "provider"));
    }
    cs.store<std::vector<Charger>>([q, provider](store::Connection& db) { return db::list_chargers(db, q, provider); },
                                   [&cs, respond](ocpp::Result<std::vector<Charger>> r) {
                                       if (!r) {
                                           return respond(store_failed(cs, r.error()));
                                       }
                                       respond(json_response(200, json_object([&](Writer& w) {
                                                                 w.Key("chargers");
                                                                 w.StartArray();
                                                                 for (const auto& c : *r) {
                                                                     write_charger(w, c, cs.online(c.chargebox_id));
                                                                 }
                                                                 w.EndArray();
                                                                 w.Key("count");
                                                                 w.Uint64(r->size());
                                                             })));
                                   });
}

void get_charger(CentralSystem& cs, const std::string& id, Respond respond) {
    auto decommissioned = std::make_shared<std::string>(); // when it was taken out of operation ("" = not)
    cs.store<std::optional<Charger>>(
        [id, decommissioned](store::Connection& db) -> ocpp::Result<std::optional<Charger>> {
            auto c = db::find_charger(db, id);
            if (!c || !*c) {
                return c;
            }
            auto reported = db::reported_config(db, id);
            if (!reported) {
                return reported.error();
            }
            if (!reported->keys.empty()) {
                (*c)->reported = std::move(*reported);
            }
            auto out_of_operation = db::decommissioned_at(db, id);
            if (!out_of_operation) {
                return out_of_operation.error();
            }
            *decommissioned = std::move(*out_of_operation);
            return c;
        },
        [&cs, respond, decommissioned](ocpp::Result<std::optional<Charger>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no charger with this Chargebox ID", "id"));
            }
            respond(json_response(200, charger_json(cs, **r, *decommissioned)));
        });
}

void patch_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_patch(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    PatchInput input = std::move(std::get<PatchInput>(parsed));
    auto refused = std::make_shared<db::Correction>();
    cs.store<std::optional<Charger>>(
        [id, input = std::move(input), actor = request_actor(req), now = cs.now_text(),
         refused](store::Connection& db) -> ocpp::Result<std::optional<Charger>> {
            auto before = db::find_charger(db, id);
            if (!before || !*before) {
                return before;
            }
            if (input.charge_points) {
                auto replaced = db::replace_charge_points(db, id, *input.charge_points);
                if (!replaced) {
                    return replaced.error();
                }
                if (*replaced) {
                    *refused = *replaced;
                    return ocpp::make_error("refused"); // nothing of the job is kept
                }
            }
            db::ChargerPatch patch = input.patch;
            if (input.password) {
                patch.password_hash = store::hash_password(*input.password);
            }
            auto changed = db::patch_charger(db, id, patch);
            if (!changed) {
                return changed.error();
            }
            auto after = db::find_charger(db, id);
            if (!after || !*after) {
                return after;
            }
            if (auto audit = audit_changes(db, **before, **after, actor, "edited", now); !audit) {
                return audit.error();
            }
            return after;
        },
        [&cs, respond, refused](ocpp::Result<std::optional<Charger>> r) {
            if (!r) {
                return respond(*refused ? correction_response(*refused) : store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no charger with this Chargebox ID", "id"));
            }
            const Charger& c = **r;
            cs.put_credentials(c.chargebox_id, credentials_of(c));
            respond(json_response(200, charger_json(cs, c)));
        });
}

void commission_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_commission(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto refused = std::make_shared<db::Conflict>();
    cs.store<std::optional<Charger>>(
        [id, c = std::get<Commission>(parsed), now = cs.now_text(), actor = request_actor(req),
         refused](store::Connection& db) -> ocpp::Result<std::optional<Charger>> {
            auto before = db::find_charger(db, id);
            if (!before) {
                return before.error();
            }
            auto done = db::commission(db, id, c, now);
            if (!done) {
                return done.error();
            }
            if (*done) {
                *refused = *done;
                return ocpp::make_error("refused");
            }
            if (auto cleared = db::clear_decommissioned(db, id); !cleared) {
                return cleared.error();
            }
            auto after = db::find_charger(db, id);
            if (!after || !*after || !*before) {
                return after;
            }
            if (auto audit = audit_changes(db, **before, **after, actor, "put into operation", now); !audit) {
                return audit.error();
            }
            return after;
        },
        [&cs, respond, refused](ocpp::Result<std::optional<Charger>> r) {
            if (!r) {
                if (*refused) {
                    return respond(conflict_response(*refused));
                }
                return respond(store_failed(cs, r.error()));
            }
            const Charger& c = **r;
            cs.put_credentials(c.chargebox_id, credentials_of(c));
            cs.log().info("api", "charger \"" + c.chargebox_id + "\" put into operation");
            respond(json_response(200, charger_json(cs, c)));
        });
}

} // namespace cs::api
