#pragma once
// Sessions across chargers: GET /api/v1/sessions (the sessions page) and GET /api/v1/sessions/export (finished
// sessions for billing, as CSV or as OCPI 2.2.1 CDR objects), both filtered by time, provider, charger and id tag.
#include <string>
#include <variant>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/sessions.hpp"

namespace cs::api {

void list_sessions(CentralSystem& cs, const HttpRequest& req, Respond respond);
void export_sessions(CentralSystem& cs, const HttpRequest& req, Respond respond);

// The filters both share, checked (400 naming the parameter); `export_mode` requires from and to (at most 366 days
// apart) and takes limit up to 10,000 and afterId, the list limit up to 1,000 and before.
std::variant<db::SessionQuery, Problem> parse_session_query(const HttpRequest& req, bool export_mode);

// A finished session's energy (Wh) and, when a price set applies, its revenue, for the exports (cdr.cpp).
std::string sessions_csv(const db::SessionPage& page);
// OCPI requires a price (total_cost, currency) and an EVSE ID (party, evse_id): sessions without them cannot be valid
// CDRs and are left out, counted in `left_out` (the CSV export lists them all).
std::string sessions_cdr_json(const db::SessionPage& page, std::size_t& left_out);

} // namespace cs::api
