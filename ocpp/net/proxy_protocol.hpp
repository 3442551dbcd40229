#pragma once
// The PROXY protocol (HAProxy's send-proxy and send-proxy-v2): a load balancer that passes a connection through in
// TCP mode (TLS included, so that a client certificate reaches us) tells us first, before any TLS or HTTP byte, whom
// it accepted that connection from. This is the header's parser; reading it from a socket, and whom it is believed
// from, is the server's business (ServerConfig::proxy_protocol).
//
// Version 1 is one text line: "PROXY TCP4 203.0.113.7 10.0.0.11 41234 8180\r\n" (TCP6 alike, or "PROXY UNKNOWN"
// with anything up to the line's end), at most 107 bytes. Version 2 is binary: a 12-byte signature, a version and
// command byte, a family and transport byte, a 16-bit length, then that many bytes: the addresses and TLVs (type,
// length, value) we skip unread. The parser never asks for a byte past the header's end, so that what follows it (a
// TLS ClientHello, an HTTP request) stays for its reader.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocpp::net {

// What is wrong with a header: the kind to switch on (ProxyHeaderParser::fault), in words by describe().
enum class ProxyFault {
    None,
    NoSignature,       // the connection does not start with "PROXY " nor with the version 2 signature
    LineTooLong,       // version 1: no CRLF within 107 bytes
    BadLine,           // version 1: not "PROXY TCP4|TCP6|UNKNOWN ..." with the addresses and ports of its family
    BadVersion,        // version 2: the version nibble is not 2
    BadCommand,        // version 2: neither LOCAL nor PROXY
    BadFamily,         // version 2: an address family or transport that does not exist
    NotStream,         // version 2: a datagram (UDP) connection, which cannot arrive on a TCP listener
    AddressesTooShort, // version 2: the length is shorter than the addresses of its family
};

// In words, for log lines ("the PROXY header ...: <this>").
std::string_view describe(ProxyFault fault);

struct ProxyHeader {
    int version = 0; // 1 or 2
    // The proxy speaks for itself (a health check: version 2 LOCAL, version 1 UNKNOWN) or names no IP client (an
    // unspecified or UNIX socket family): the connection's address stays the proxy's own.
    bool own_address = true;
    std::string source_address; // the client's bare address ("203.0.113.7", "2001:db8::1") unless own_address
    std::uint16_t source_port = 0;
    std::string destination; // where the client connected to ("10.0.0.5:8443"), for logs; may be empty
};

// Reads one header from the bytes a connection starts with, in as many pieces as they arrive.
class ProxyHeaderParser {
public:
    static constexpr std::size_t kMaxV1 = 107;           // the longest version 1 line, CRLF included
    static constexpr std::size_t kV2Fixed = 16;          // signature, version/command, family, length
    static constexpr std::size_t kV2KeptAddresses = 216; // the longest address block (two UNIX paths); TLVs are skipped
    static constexpr std::size_t kMaxHeader = kV2Fixed + 65535;

    enum class State { NeedMore, Done, Failed };

    // Takes the next bytes of the connection and returns how many of them belong to the header: all of them while
    // the header is not complete (state NeedMore), up to its last byte when it completes (Done), and up to where it
    // went wrong when it fails (Failed). Bytes given after Done or Failed are not taken.
    std::size_t feed(std::string_view data);

    State state() const { return state_; }
    ProxyFault fault() const { return fault_; }
    // The header, once state() is Done.
    const ProxyHeader& header() const { return header_; }
    // The header's bytes taken so far (at most kMaxHeader).
    std::size_t taken() const { return taken_; }

private:
    std::size_t feed_v1(std::string_view data);
    std::size_t feed_v2(std::string_view data);
    void fail(ProxyFault fault) {
        state_ = State::Failed;
        fault_ = fault;
    }
    void finish_v1();
    void finish_v2();

    State state_ = State::NeedMore;
    ProxyFault fault_ = ProxyFault::None;
    ProxyHeader header_;
    int version_ = 0;          // 0 until the first bytes tell
    std::size_t taken_ = 0;    // bytes of the header taken
    std::size_t v2_total_ = 0; // version 2: kV2Fixed + its length, once the length is known
    std::string kept_;         // version 1: the line; version 2: the fixed part and the address block
};

// Whether the first bytes of a connection are (the start of) a PROXY header: at least 5 bytes of "PROXY " or of the
// version 2 signature, or all of one. Fewer bytes than that say nothing (false).
bool starts_like_proxy_header(std::string_view first_bytes);

} // namespace ocpp::net
