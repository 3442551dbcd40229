#pragma once
// UTF-8 validation for outgoing text frames (internal to ocpp/net; no websocketpp here, so every transport uses it).
#include <string_view>

namespace ocpp::net::detail {

// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view text);

} // namespace ocpp::net::detail
