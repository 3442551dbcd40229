#pragma once
// The audit trail of charger changes made through the API: who (the name the request carried), what, when, old -> new.
#include <string>

#include "centralsystem/api/json.hpp"
#include "centralsystem/db/corrections.hpp"

namespace cs::api {

// 404 for an unknown charger, 409 for the other refusals, naming the field.
HttpResponse correction_response(const db::Correction& c);
// Who made the change: the signed-in user's or token's user name, "admin" for the bootstrap token (api/access).
std::string request_actor(const HttpRequest& req);
// The charge points as one line of text ("1 DE*ABC*E1*1 IEC_62196_T2 SOCKET AC_3_PHASE 22 kW; 2 ..."), for the trail.
std::string charge_points_text(const std::vector<ChargePoint>& points);
// One entry per field that differs between `before` and `after` (passwords as "changed", never their hashes).
ocpp::Result<void> audit_changes(store::Connection& db, const Charger& before, const Charger& after,
                                 const std::string& actor, const std::string& action, const std::string& now);

} // namespace cs::api
