#pragma once
// The address of this server as a REST client reached it, for the upload and download URLs handed to chargers.
#include <optional>
#include <string>

#include "ocpp/net/http.hpp"

namespace cs::api {

// "https://host:port" when the request came in over TLS, "http://host:port" otherwise (a charger on the TLS
// listener must not be sent to a plain URL of that port); nothing when the Host header is missing or could change
// the URL's path, user or query.
inline std::optional<std::string> own_base_url(const ocpp::net::HttpRequest& req) {
    const std::string host(req.header("host"));
    if (host.empty() || host.find_first_of("/\\ @?#") != std::string::npos) {
        return std::nullopt;
    }
    return (req.secure ? "https://" : "http://") + host;
}

} // namespace cs::api
