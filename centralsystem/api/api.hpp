#pragma once
// The REST API under /api/v1 (and /healthz, and the web portal at "/") on the chargers' port. JSON in and out; errors
// are
// {"error": "...", "field": "..."}; with a token set, every /api/v1 request needs "Authorization: Bearer TOKEN".
#include <string>
#include <utility>
#include <vector>

#include "centralsystem/central_system.hpp"
#include "centralsystem/web/portal.hpp"
#include "ocpp/net/http.hpp"

namespace cs {

struct ApiConfig {
    std::string token;                        // empty: no authentication (a lab setup)
    std::function<std::size_t()> connections; // open WebSocket connections, for /healthz
    PortalConfig portal;                      // the web portal at "/"
};

// Every route under /api/v1 as (method, OpenAPI path template such as "/api/v1/chargers/{chargeBoxId}"), in
// matching order; openapi.yaml documents exactly these (a test checks it).
std::vector<std::pair<std::string, std::string>> api_routes();

// The handler lives on the loop of `cs`, which must outlive it. One handler (copies of it) serves every listener of
// the process, plain and TLS: they share one sign-in limiter and one password hashing pool, so a second listener
// gives a guesser no second budget. The session cookie is `Secure` where the request came over TLS.
ocpp::net::HttpHandler make_api_handler(CentralSystem& cs, ApiConfig config);

} // namespace cs
