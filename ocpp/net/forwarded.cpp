#include "ocpp/net/forwarded.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>

#include "ocpp/net/detail/net_util.hpp"

namespace ocpp::net {

namespace {

using AddressBytes = std::array<std::uint8_t, 16>;

// A bare address as 16 bytes (IPv4 mapped into IPv6); `v4` says which it was. nullopt when it is not one.
std::optional<AddressBytes> address_bytes(std::string_view text, bool& v4) {
    if (text.empty() || text.size() > 45) {
        return std::nullopt;
    }
    const std::string s(text);
    AddressBytes out{};
    unsigned char four[4];
    if (::inet_pton(AF_INET, s.c_str(), four) == 1) {
        out[10] = 0xff;
        out[11] = 0xff;
        std::copy(four, four + 4, out.begin() + 12);
        v4 = true;
        return out;
    }
    if (::inet_pton(AF_INET6, s.c_str(), out.data()) == 1) {
        v4 = false;
        return out;
    }
    return std::nullopt;
}

bool mapped_v4(const AddressBytes& b) {
    return std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) && b[10] == 0xff &&
           b[11] == 0xff;
}

// The address as text, an IPv4-mapped one as IPv4.
std::string address_text(const AddressBytes& b) {
    char text[64] = {0};
    if (mapped_v4(b)) {
        ::inet_ntop(AF_INET, b.data() + 12, text, sizeof text);
    } else {
        ::inet_ntop(AF_INET6, b.data(), text, sizeof text);
    }
    return text;
}

bool in_network(const IpNetwork& n, const AddressBytes& b) {
    const int whole = n.prefix / 8;
    if (!std::equal(b.begin(), b.begin() + whole, n.bytes.begin())) {
        return false;
    }
    const int rest = n.prefix % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (b[whole] & mask) == (n.bytes[whole] & mask);
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

ocpp::Result<IpNetwork> parse_ip_network(std::string_view text) {
    const auto slash = text.find('/');
    const std::string_view address = text.substr(0, slash);
    bool v4 = false;
    const auto bytes = address_bytes(address, v4);
    if (!bytes) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                "\"" + std::string(text) + "\" is not an address range (like 10.0.0.0/8 or fd00::/8)");
    }
    IpNetwork n;
    n.bytes = *bytes;
    const int max_bits = v4 ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
        const std::string digits(text.substr(slash + 1));
        char* end = nullptr;
        const long value = digits.empty() || digits.size() > 3 ? -1 : std::strtol(digits.c_str(), &end, 10);
        if (value < 0 || value > max_bits || end == nullptr || *end != 0) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid, "\"" + std::string(text) +
                                                                  "\": the prefix length must be 0 to " +
                                                                  std::to_string(max_bits));
        }
        bits = static_cast<int>(value);
    }
    n.prefix = v4 ? 96 + bits : bits;
    return n;
}

bool TrustedProxies::add(const IpNetwork& network) {
    if (ranges_.size() >= kMaxRanges) {
        return false;
    }
    ranges_.push_back(network);
    return true;
}

bool TrustedProxies::contains(std::string_view address) const {
    bool v4 = false;
    const auto bytes = address_bytes(address, v4);
    return bytes &&
           std::any_of(ranges_.begin(), ranges_.end(), [&](const IpNetwork& n) { return in_network(n, *bytes); });
}

std::optional<std::string> TrustedProxies::client_of(std::string_view peer, std::string_view forwarded_for) const {
    if (ranges_.empty() || forwarded_for.empty() || !contains(peer)) {
        return std::nullopt;
    }
    std::optional<std::string> client;
    std::size_t hops = 0;
    std::string_view rest = forwarded_for;
    while (!rest.empty() && hops < kMaxHops) {
        const auto comma = rest.rfind(',');
        const std::string_view entry = trim_spaces(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        ++hops;
        bool v4 = false;
        const auto bytes = address_bytes(endpoint_host(entry), v4);
        if (!bytes) {
            break; // not an address: nothing further left can be believed
        }
        client = address_text(*bytes);
        if (!std::any_of(ranges_.begin(), ranges_.end(), [&](const IpNetwork& n) { return in_network(n, *bytes); })) {
            break; // the first hop no proxy of ours vouches for: the client
        }
    }
    return client;
}

std::string TrustedProxies::remote_address(std::string_view peer_endpoint, std::string_view forwarded_for) const {
    if (ranges_.empty()) {
        return std::string(peer_endpoint);
    }
    const auto client = client_of(endpoint_host(peer_endpoint), forwarded_for);
    return client ? bracket_address(*client) : std::string(peer_endpoint);
}

std::string bracket_address(std::string_view address) {
    return address.find(':') == std::string_view::npos ? std::string(address) : "[" + std::string(address) + "]";
}

std::string endpoint_host(std::string_view endpoint) {
    if (!endpoint.empty() && endpoint.front() == '[') {
        const auto close = endpoint.find(']');
        return std::string(close == std::string_view::npos ? endpoint : endpoint.substr(1, close - 1));
    }
    const auto colon = endpoint.rfind(':');
    if (colon != std::string_view::npos && endpoint.find(':') == colon) {
        return std::string(endpoint.substr(0, colon)); // "192.0.2.1:5000"
    }
    return std::string(endpoint); // a bare IPv4 or IPv6 address
}

bool says_https_alone(std::string_view forwarded_proto) {
    return forwarded_proto.find(',') == std::string_view::npos &&
           detail::iequals(detail::trim(forwarded_proto), "https");
}

bool came_over_tls(bool tls, bool from_trusted_proxy, std::string_view forwarded_proto) {
    if (tls) {
        return true;
    }
    if (!from_trusted_proxy) {
        return false;
    }
    return detail::iequals(detail::trim(forwarded_proto.substr(0, forwarded_proto.find(','))), "https");
}

} // namespace ocpp::net
