// Pure helpers of the transport layer: percent-decoding, Chargebox ID, HTTP Basic, subprotocol lists, URLs.
#include <atomic>
#include <cctype>
#include <charconv>

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
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

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt; // truncated escape
        }
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::optional<std::string> chargebox_id_from_path(std::string_view path) {
    const auto q = path.find_first_of("?#");
    if (q != std::string_view::npos) {
        path = path.substr(0, q);
    }
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    const auto slash = path.rfind('/');
    const std::string_view segment = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (segment.empty()) {
        return std::nullopt;
    }
    auto decoded = percent_decode(segment);
    if (!decoded || decoded->empty()) {
        return std::nullopt;
    }
    return decoded;
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header_value) {
    return detail::parse_basic_auth_as(header_value, {});
}

std::vector<std::string> split_subprotocols(std::string_view header_value) {
    std::vector<std::string> out;
    while (!header_value.empty()) {
        const auto comma = header_value.find(',');
        const std::string_view token = trim(header_value.substr(0, comma));
        if (!token.empty()) {
            out.emplace_back(token);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        header_value.remove_prefix(comma + 1);
    }
    return out;
}

bool bearer_token_matches(std::string_view authorization, std::string_view token) {
    // RFC 7235 2.1: the scheme is case-insensitive ("bearer", "BEARER") and followed by one or more spaces; the
    // token is compared exactly.
    constexpr std::string_view kScheme = "Bearer";
    if (token.empty() || authorization.size() <= kScheme.size() ||
        !detail::iequals(authorization.substr(0, kScheme.size()), kScheme) || authorization[kScheme.size()] != ' ') {
        return false;
    }
    std::string_view given = authorization.substr(kScheme.size());
    while (!given.empty() && given.front() == ' ') {
        given.remove_prefix(1);
    }
    if (given.size() != token.size()) {
        return false;
    }
    unsigned char diff = 0; // no early exit: the time taken does not tell how much of the token was right
    for (std::size_t i = 0; i < token.size(); ++i) {
        diff = static_cast<unsigned char>(diff | (given[i] ^ token[i]));
    }
    return diff == 0;
}

std::string_view HttpRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (detail::iequals(key, name)) {
            return value;
        }
    }
    return {};
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

std::uint64_t next_session_id() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string base64_encode(std::string_view data) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(alphabet[(n >> 6) & 63]);
        out.push_back(alphabet[n & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
        }
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(rest == 2 ? alphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

void split_target(std::string_view target, std::string& path, std::string& query) {
    // Absolute form ("http://host/path") is legal in HTTP/1.1 requests; keep only the path.
    const auto scheme_end = target.find("://");
    if (scheme_end != std::string_view::npos && target.find('/') > scheme_end) {
        const auto path_start = target.find('/', scheme_end + 3);
        target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    }
    const auto hash = target.find('#');
    if (hash != std::string_view::npos) {
        target = target.substr(0, hash);
    }
    const auto q = target.find('?');
    path.assign(target.substr(0, q));
    query.assign(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
}

bool parse_ws_url(std::string_view url, WsUrl& out, std::string& reason) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        reason = "URL has no scheme (expected ws:// or wss://)";
        return false;
    }
    const std::string scheme = to_lower(url.substr(0, scheme_end));
    if (scheme == "ws") {
        out.secure = false;
    } else if (scheme == "wss") {
        out.secure = true;
    } else {
        reason = "unsupported URL scheme '" + scheme + "' (expected ws or wss)";
        return false;
    }
    std::string_view rest = url.substr(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view target = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (authority.find('@') != std::string_view::npos) {
        reason = "credentials in the URL are not supported (use basic_user/basic_password)";
        return false;
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            reason = "unterminated IPv6 address in URL";
            return false;
        }
        out.host.assign(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                reason = "unexpected characters after IPv6 address in URL";
                return false;
            }
            port_text = after.substr(1);
            if (port_text.empty()) {
                reason = "empty port in URL";
                return false;
            }
        }
    } else {
        const auto colon = authority.find(':');
        out.host.assign(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) {
                reason = "empty port in URL";
                return false;
            }
        }
    }
    if (out.host.empty()) {
        reason = "URL has no host";
        return false;
    }
    for (char c : out.host) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\') {
            reason = "invalid character in URL host";
            return false;
        }
    }
    if (port_text.empty()) {
        out.port = out.secure ? 443 : 80;
    } else {
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            reason = "invalid port '" + std::string(port_text) + "' in URL";
            return false;
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) {
            reason = "URL path contains a space or a non-ASCII character (percent-encode it)";
            return false;
        }
    }
    if (target.empty() || target.front() != '/') {
        out.target = "/" + std::string(target);
    } else {
        out.target.assign(target);
    }
    return true;
}

std::string format_endpoint(std::string address, std::uint16_t port) {
    constexpr std::string_view mapped = "::ffff:";
    if (address.size() > mapped.size() && address.compare(0, mapped.size(), mapped) == 0 &&
        address.find('.') != std::string::npos) {
        address.erase(0, mapped.size());
    }
    if (address.find(':') != std::string::npos) {
        return "[" + address + "]:" + std::to_string(port);
    }
    return address + ":" + std::to_string(port);
}

} // namespace detail

} // namespace ocpp::net
