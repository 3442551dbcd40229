#pragma once
// Bearer tokens (RFC 6750) as the programs' REST APIs check them: one configured token, compared in constant time.
#include <string_view>

namespace ocpp::http {

// True when `a` and `b` are equal; the time taken depends on their lengths only, not on where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);

// The token of an Authorization header value "Bearer <token>" (scheme case-insensitive, then one or more spaces), or
// empty when the value is not of that form.
std::string_view bearer_token_of(std::string_view authorization);

// True when an Authorization header value carries exactly `token`; an empty `token` (none configured) never matches.
bool bearer_token_matches(std::string_view authorization, std::string_view token);

} // namespace ocpp::http
