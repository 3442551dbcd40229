// URLs and request targets: percent-encoding and -decoding, the Chargebox ID in a path, ws:// URLs, printed endpoints.
#include <charconv>

#include "ocpp/net/detail/net_util.hpp"
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

std::string percent_encode(std::string_view text, std::string_view keep) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || keep.find(ch) != std::string_view::npos) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0x0F]);
        }
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

namespace detail {

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
