// GET /api/v1/claims/{claimCode}: the wizard checks a claiming code as soon as it is typed and pre-fills what the
// tester saw (Chargebox ID, vendor, model, serial, firmware, connector count). The code stays unused; wrong codes
// count against the client exactly as when creating a charger (store::Claims).
#include "store/claims.hpp"
#include "centralsystem/api/wizard/wizard.hpp"

namespace cs::api {

void check_claim(CentralSystem& cs, const std::string& code, const HttpRequest& req, Respond respond) {
    const ocpp::DateTime now{cs.loop().clock().wall_now()};
    cs.store<store::Redemption>([code, now, client = client_host(req.remote_address)](
                                    store::Connection& db) { return store::Claims::check(db, code, now, client); },
                                [&cs, respond](ocpp::Result<store::Redemption> r) {
                                    if (!r) {
                                        return respond(store_failed(cs, r.error()));
                                    }
                                    if (!r->claim) {
                                        return respond(json_error(r->status, r->error, "claimCode"));
                                    }
                                    const store::Claim& c = *r->claim;
                                    respond(json_response(200, json_object([&](Writer& w) {
                                                              member(w, "claimCode", c.code);
                                                              member(w, "chargeBoxId", c.chargebox_id);
                                                              member(w, "vendor", c.vendor);
                                                              member(w, "model", c.model);
                                                              member(w, "serial", c.serial);
                                                              member(w, "firmware", c.firmware);
                                                              w.Key("connectors");
                                                              w.Int(c.connectors);
                                                              w.Key("securityProfile");
                                                              w.Int(c.security_profile);
                                                              member(w, "expiresAt", ocpp::format_datetime(c.expires));
                                                          })));
                                });
}

} // namespace cs::api
