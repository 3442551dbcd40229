#include "ocpp/http/bearer_token.hpp"

namespace ocpp::http {

namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
    // No early exit, not even on a length mismatch: every byte of `a` is compared (with a byte of `b`, wrapped).
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char other = b.empty() ? '\0' : b[i % b.size()];
        diff |= static_cast<unsigned char>(a[i] ^ other);
    }
    return diff == 0;
}

std::string_view bearer_token_of(std::string_view authorization) {
    // RFC 9110 11.1: the scheme is case-insensitive ("bearer", "BEARER") and followed by one or more spaces.
    constexpr std::string_view kScheme = "bearer";
    if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') {
        return {};
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (ascii_lower(authorization[i]) != kScheme[i]) {
            return {};
        }
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    return token;
}

bool bearer_token_matches(std::string_view authorization, std::string_view token) {
    const std::string_view given = bearer_token_of(authorization);
    return !token.empty() && !given.empty() && constant_time_equals(given, token);
}

} // namespace ocpp::http
