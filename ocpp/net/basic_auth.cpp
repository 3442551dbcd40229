// HTTP Basic authentication (RFC 7617) and the strict base64 (RFC 4648) it is carried in.
#include <cstdint>

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a base64 digit, or -1 (also for '=').
int base64_value(char c) {
    const auto at = kAlphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Strict RFC 4648 base64: length a multiple of 4, padding only at the end, no stray bits.
std::optional<std::string> base64_decode_strict(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t pad = 0;
    if (in.back() == '=') {
        pad = (in[in.size() - 2] == '=') ? 2 : 1;
    }
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        const bool last = i + 4 == in.size();
        int v[4];
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = in[i + k];
            if (c == '=' && last && k >= 4 - pad) {
                v[k] = 0;
                continue;
            }
            v[k] = base64_value(c);
            if (v[k] < 0) {
                return std::nullopt;
            }
        }
        const std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                                (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
        out.push_back(static_cast<char>((n >> 16) & 0xff));
        if (!(last && pad == 2)) {
            out.push_back(static_cast<char>((n >> 8) & 0xff));
        }
        if (!(last && pad >= 1)) {
            out.push_back(static_cast<char>(n & 0xff));
        }
        if (last && ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0))) {
            return std::nullopt; // non-canonical: bits set in the padding
        }
    }
    return out;
}

} // namespace

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header_value) {
    return detail::parse_basic_auth_as(header_value, {});
}

namespace detail {

std::optional<std::pair<std::string, std::string>> parse_basic_auth_as(std::string_view header_value,
                                                                       std::string_view expected_user) {
    std::string_view v = trim(header_value);
    constexpr std::string_view scheme = "basic";
    if (v.size() <= scheme.size() || !iequals(v.substr(0, scheme.size()), scheme) || !is_space(v[scheme.size()])) {
        return std::nullopt;
    }
    v = trim(v.substr(scheme.size()));
    auto decoded = base64_decode_strict(v);
    if (!decoded) {
        return std::nullopt;
    }
    const bool named = !expected_user.empty() && decoded->size() > expected_user.size() &&
                       decoded->compare(0, expected_user.size(), expected_user) == 0 &&
                       (*decoded)[expected_user.size()] == ':';
    const auto colon = named ? expected_user.size() : decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::string base64_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(kAlphabet[(n >> 6) & 63]);
        out.push_back(kAlphabet[n & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
        }
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

} // namespace detail

} // namespace ocpp::net
