#pragma once
// The REST API under /api/v1 (and /healthz, and the web portal at "/") on the chargers' port. JSON in and out; errors
// are
// {"error": "...", "field": "..."}; with a token set, every /api/v1 request needs "Authorization: Bearer TOKEN".
#include <string>

#include "centralsystem/central_system.hpp"
#include "centralsystem/portal.hpp"
#include "ocpp/net/http.hpp"

namespace cs {

struct ApiConfig {
    std::string token;                        // empty: no authentication (a lab setup)
    std::function<std::size_t()> connections; // open WebSocket connections, for /healthz
    PortalConfig portal;                      // the web portal at "/"
};

// The handler lives on the loop of `cs`, which must outlive it.
ocpp::net::HttpHandler make_api_handler(CentralSystem& cs, ApiConfig config);

} // namespace cs
