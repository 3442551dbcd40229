#pragma once
// The address of this server as a REST client reached it, for the upload and download URLs handed to chargers.
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/net/forwarded.hpp"
#include "ocpp/net/http.hpp"

namespace cs::api {

// Whether the client reached this server over TLS: on a TLS listener, or through a TLS-terminating proxy that says so
// in X-Forwarded-Proto and is one of --trusted-proxy (ocpp::net::came_over_tls; the handshake gate asks the same).
inline bool came_over_tls(const ocpp::net::HttpRequest& req) {
    return ocpp::net::came_over_tls(req.secure, req.from_trusted_proxy, req.header("x-forwarded-proto"));
}

// "https://host:port" when the request came in over TLS (came_over_tls), "http://host:port" otherwise (a charger on the
// TLS listener must not be sent to a plain URL of that port); nothing when the Host header is missing or could change
// the URL's path, user or query.
inline std::optional<std::string> own_base_url(const ocpp::net::HttpRequest& req) {
    const std::string host(req.header("host"));
    if (host.empty() || host.find_first_of("/\\ @?#") != std::string::npos) {
        return std::nullopt;
    }
    return (came_over_tls(req) ? "https://" : "http://") + host;
}

} // namespace cs::api
