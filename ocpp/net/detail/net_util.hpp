#pragma once
// Internal helpers of ocpp/net shared by the transport implementations (not part of the public API).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocpp::net::detail {

// Process-wide unique session ids (1, 2, ...), so sessions of several servers never collide in a registry.
std::uint64_t next_session_id();

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
std::string base64_encode(std::string_view data);
// Optional white space of HTTP (RFC 9110 5.6.3): space and horizontal tab.
bool is_space(char c);
// `s` without leading and trailing optional white space.
std::string_view trim(std::string_view s);

// parse_basic_auth for a server that knows the Chargebox ID from the path: credentials that start with
// "expected_user:" split there, since the ID may hold ':' (OCPP 2.0.1's identity rule) and RFC 7617 user-ids may not.
std::optional<std::pair<std::string, std::string>> parse_basic_auth_as(std::string_view header_value,
                                                                       std::string_view expected_user);

// Splits a request target "/a/b?x=1" into path and query; an absolute-form target keeps only its path.
void split_target(std::string_view target, std::string& path, std::string& query);

// "ws://host:port/path?query" parsed strictly; false with a reason when it is not a usable ws/wss URL.
struct WsUrl {
    bool secure = false;
    std::string host; // without brackets for IPv6
    std::uint16_t port = 0;
    std::string target; // "/path?query", at least "/"
};
bool parse_ws_url(std::string_view url, WsUrl& out, std::string& reason);

// "127.0.0.1:1234", "[::1]:1234"; IPv4-mapped IPv6 addresses are shown as IPv4.
std::string format_endpoint(std::string address, std::uint16_t port);

} // namespace ocpp::net::detail
