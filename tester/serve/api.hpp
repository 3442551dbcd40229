#pragma once
// The REST API of `ocpp-tester serve` (documented in tester/serve/API.md), on the same port as the chargers'
// WebSockets: start a test, poll its live state, fetch its reports and capture, abort it. Answers are JSON; errors are
// {"error": "...", "field": "..."} with 400/404/405/409/413/422/503.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ocpp/net/http.hpp"
#include "tester/serve/service.hpp"

namespace tester {

struct ApiConfig {
    // When set, starting and listing tests need "Authorization: Bearer TOKEN"; a test's own URLs need only its id.
    std::string token;
    std::function<std::size_t()> connections; // WebSocket connections open, for GET /healthz (read on the loop)
};

// Request bodies above this many bytes are refused with 413 before parsing.
inline constexpr std::size_t kMaxApiBody = 8 * 1024;

ocpp::net::HttpHandler make_api_handler(std::shared_ptr<TestService> service, ApiConfig config = {});

} // namespace tester
