#pragma once
// Plain HTTP requests arriving on the WebSocket port (REST API, web pages, metrics).
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocpp::net {

struct HttpRequest {
    std::string method; // "GET"
    std::string path;   // percent-encoded path without the query: "/api/v1/chargers"
    std::string query;  // "provider=acme" (without '?')
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;
    std::string remote_address;
    // The first header with this (lower-case) name, or empty.
    std::string_view header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// Called on the server's loop. respond may be called later (from that loop) to answer asynchronously, exactly once.
using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder respond)>;

// True when an Authorization header value is "Bearer <token>" with exactly this token (compared in constant time).
bool bearer_token_matches(std::string_view authorization, std::string_view token);

} // namespace ocpp::net
