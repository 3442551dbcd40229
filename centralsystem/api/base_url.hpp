#pragma once
// The address of this server as a REST client reached it, for the upload and download URLs handed to chargers.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/net/http.hpp"

namespace cs::api {

// Whether the client reached this server over TLS: on a TLS listener, or through a TLS-terminating proxy that says
// so (the first X-Forwarded-Proto value, in any case) and is one of --trusted-proxy: anyone else's header is their
// own word about themselves.
inline bool came_over_tls(const ocpp::net::HttpRequest& req) {
    if (req.secure) {
        return true;
    }
    if (!req.from_trusted_proxy) {
        return false;
    }
    const std::string_view proto = req.header("x-forwarded-proto");
    const std::string_view first = proto.substr(0, proto.find(','));
    const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    std::size_t b = 0, e = first.size();
    while (b < e && is_space(first[b])) {
        ++b;
    }
    while (e > b && is_space(first[e - 1])) {
        --e;
    }
    const std::string_view value = first.substr(b, e - b);
    return value.size() == 5 && std::equal(value.begin(), value.end(), "https", [](char a, char c) {
               return std::tolower(static_cast<unsigned char>(a)) == c;
           });
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
