#pragma once
// Trusted proxies: behind a load balancer every connection comes from the balancer's address, so whatever is limited
// or logged per address would treat all clients as one. For a connection from a trusted proxy the client's address is
// taken from the X-Forwarded-For header the proxy added; a header from any other peer is ignored (anyone can send
// one).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/result.hpp"

namespace ocpp::net {

// An address range in CIDR notation: "10.0.0.0/8", "2001:db8::/32"; a bare address is a range of one.
struct IpNetwork {
    std::array<std::uint8_t, 16> bytes{}; // IPv6, or IPv4 in its IPv4-mapped IPv6 form
    int prefix = 128;                     // bits of `bytes` that must match (an IPv4 /8 is 104 here)
};

// Parses "ADDRESS[/BITS]" (bits 0-32 for IPv4, 0-128 for IPv6); an error naming what is wrong otherwise.
ocpp::Result<IpNetwork> parse_ip_network(std::string_view text);

// The proxies whose X-Forwarded-For is believed (ServerConfig::trusted_proxies).
class TrustedProxies {
public:
    // At most this many ranges (an option repeated beyond it is a mistake, not a configuration).
    static constexpr std::size_t kMaxRanges = 64;
    // At most this many X-Forwarded-For entries are looked at, from the right (one per proxy in the chain).
    static constexpr std::size_t kMaxHops = 16;

    // Adds a range; false when kMaxRanges are held already.
    bool add(const IpNetwork& network);
    bool empty() const { return ranges_.empty(); }
    std::size_t size() const { return ranges_.size(); }
    // True when the bare address (IPv4 or IPv6, no port) lies in one of the ranges.
    bool contains(std::string_view address) const;
    // The client's bare address for a connection from `peer` (a bare address) carrying `forwarded_for` (the
    // X-Forwarded-For value, entries comma-separated, repeated headers joined with commas): nullopt when the peer is
    // not trusted or the header names nobody; else the right-most entry that is not itself a trusted proxy (the
    // left-most when all are). An entry that is not an address ends the walk at the last trusted hop.
    std::optional<std::string> client_of(std::string_view peer, std::string_view forwarded_for) const;
    // The remote address to use for a connection from `peer_endpoint` ("192.0.2.1:5000"): the client's address
    // (bracket_address, no port) when client_of names one, else peer_endpoint as it is.
    std::string remote_address(std::string_view peer_endpoint, std::string_view forwarded_for) const;

private:
    std::vector<IpNetwork> ranges_;
};

// Whether a client reached this server over TLS: on a TLS listener (`tls`), or through a TLS-terminating proxy that
// says so (the first value of its X-Forwarded-Proto, `forwarded_proto`, is "https" in any case) and is one of the
// trusted proxies (`from_trusted_proxy`): anyone else's header is their own word about themselves.
bool came_over_tls(bool tls, bool from_trusted_proxy, std::string_view forwarded_proto);
// Whether an X-Forwarded-Proto header holds "https" (in any case) and nothing else: a list ("http, https") is what a
// proxy that appends makes of a client's own header, so it proves nothing (ServerConfig::tls_proxies).
bool says_https_alone(std::string_view forwarded_proto);

// "203.0.113.7" stays as it is; an IPv6 address is bracketed ("[2001:db8::1]"), like the host part of an endpoint.
std::string bracket_address(std::string_view address);
// The bare address of an endpoint text: "192.0.2.1:5000" -> "192.0.2.1", "[::1]:80" -> "::1".
std::string endpoint_host(std::string_view endpoint);

} // namespace ocpp::net
