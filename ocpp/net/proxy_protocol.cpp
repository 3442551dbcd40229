#include "ocpp/net/proxy_protocol.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

namespace ocpp::net {

namespace {

constexpr std::string_view kV1Signature = "PROXY ";
constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

// Families and transports (the byte after the version and command) that version 2 defines.
constexpr std::uint8_t kUnspec = 0x00, kTcp4 = 0x11, kUdp4 = 0x12, kTcp6 = 0x21, kUdp6 = 0x22, kUnixStream = 0x31,
                       kUnixDgram = 0x32;
constexpr std::uint8_t kLocal = 0x0, kProxy = 0x1;

std::uint8_t byte_at(const std::string& s, std::size_t i) {
    return static_cast<std::uint8_t>(s[i]);
}

// A bare address as text, an IPv4-mapped IPv6 address as IPv4 (as the peer of a direct connection is shown).
std::string address_text(int family, const void* bytes) {
    char text[64] = {0};
    const auto* b = static_cast<const std::uint8_t*>(bytes);
    const bool mapped = family == AF_INET6 && std::all_of(b, b + 10, [](std::uint8_t x) { return x == 0; }) &&
                        b[10] == 0xff && b[11] == 0xff;
    if (mapped) {
        ::inet_ntop(AF_INET, b + 12, text, sizeof text);
    } else {
        ::inet_ntop(family, bytes, text, sizeof text);
    }
    return text;
}

std::string endpoint_text(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

// A version 1 address of its family, normalised as address_text does; empty when it is none.
std::string v1_address(std::string_view text, bool v6) {
    unsigned char bytes[16];
    if (text.empty() || text.size() > 45) {
        return "";
    }
    const std::string s(text);
    const int family = v6 ? AF_INET6 : AF_INET;
    return ::inet_pton(family, s.c_str(), bytes) == 1 ? address_text(family, bytes) : std::string();
}

// A version 1 port: 0 to 65535 in decimal, without leading zeros.
bool v1_port(std::string_view text, std::uint16_t& port) {
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0') ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    unsigned long value = 0;
    for (char c : text) {
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (value > 65535) {
        return false;
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

std::vector<std::string_view> split_spaces(std::string_view line) {
    std::vector<std::string_view> parts;
    while (parts.size() < 8) {
        const auto space = line.find(' ');
        parts.push_back(line.substr(0, space));
        if (space == std::string_view::npos) {
            break;
        }
        line.remove_prefix(space + 1);
    }
    return parts;
}

} // namespace

std::string_view describe(ProxyFault fault) {
    switch (fault) {
    case ProxyFault::None:
        return "no fault";
    case ProxyFault::NoSignature:
        return "the connection does not start with a PROXY header (\"PROXY \" or the version 2 signature)";
    case ProxyFault::LineTooLong:
        return "a version 1 header without its CRLF within 107 bytes";
    case ProxyFault::BadLine:
        return "a version 1 line that is not \"PROXY TCP4|TCP6 SOURCE DESTINATION SPORT DPORT\" nor \"PROXY UNKNOWN\"";
    case ProxyFault::BadVersion:
        return "a version 2 signature with a version other than 2";
    case ProxyFault::BadCommand:
        return "a version 2 command other than LOCAL and PROXY";
    case ProxyFault::BadFamily:
        return "a version 2 address family or transport that does not exist";
    case ProxyFault::NotStream:
        return "a version 2 header for a datagram (UDP) connection";
    case ProxyFault::AddressesTooShort:
        return "a version 2 length shorter than the addresses of its family";
    }
    return "unknown fault";
}

bool starts_like_proxy_header(std::string_view first_bytes) {
    for (const std::string_view signature : {kV1Signature, kV2Signature}) {
        const std::size_t n = std::min(first_bytes.size(), signature.size());
        if (n >= 5 && first_bytes.substr(0, n) == signature.substr(0, n)) {
            return true;
        }
    }
    return false;
}

std::size_t ProxyHeaderParser::feed(std::string_view data) {
    std::size_t used = 0;
    // Until the signature is known: a byte at a time, each checked against both.
    while (state_ == State::NeedMore && version_ == 0 && used < data.size()) {
        kept_.push_back(data[used++]);
        ++taken_;
        const std::string_view so_far(kept_);
        const bool v1 = kV1Signature.substr(0, std::min(so_far.size(), kV1Signature.size())) == so_far.substr(0, 6);
        const bool v2 = kV2Signature.substr(0, std::min(so_far.size(), kV2Signature.size())) == so_far.substr(0, 12);
        if (!v1 && !v2) {
            fail(ProxyFault::NoSignature);
        } else if (v1 && so_far.size() == kV1Signature.size()) {
            version_ = 1;
        } else if (v2 && so_far.size() == kV2Signature.size()) {
            version_ = 2;
        }
    }
    if (state_ != State::NeedMore || used == data.size()) {
        return used;
    }
    return used + (version_ == 1 ? feed_v1(data.substr(used)) : feed_v2(data.substr(used)));
}

std::size_t ProxyHeaderParser::feed_v1(std::string_view data) {
    std::size_t used = 0;
    while (state_ == State::NeedMore && used < data.size()) {
        const char c = data[used++];
        kept_.push_back(c);
        ++taken_;
        if (c == '\n') {
            if (kept_.size() < 2 || kept_[kept_.size() - 2] != '\r') {
                fail(ProxyFault::BadLine);
            } else {
                finish_v1();
            }
        } else if (kept_.size() >= kMaxV1) {
            fail(ProxyFault::LineTooLong);
        }
    }
    return used;
}

void ProxyHeaderParser::finish_v1() {
    const std::string_view line = std::string_view(kept_).substr(0, kept_.size() - 2);
    const auto parts = split_spaces(line);
    header_.version = 1;
    if (parts.size() >= 2 && parts[0] == "PROXY" && parts[1] == "UNKNOWN") {
        state_ = State::Done; // the proxy speaks for itself; whatever follows UNKNOWN is ignored
        return;
    }
    const bool v6 = parts.size() >= 2 && parts[1] == "TCP6";
    if (parts.size() != 6 || parts[0] != "PROXY" || (parts[1] != "TCP4" && !v6)) {
        return fail(ProxyFault::BadLine);
    }
    const std::string source = v1_address(parts[2], v6);
    const std::string destination = v1_address(parts[3], v6);
    std::uint16_t source_port = 0, destination_port = 0;
    if (source.empty() || destination.empty() || !v1_port(parts[4], source_port) ||
        !v1_port(parts[5], destination_port)) {
        return fail(ProxyFault::BadLine);
    }
    header_.own_address = false;
    header_.source_address = source;
    header_.source_port = source_port;
    header_.destination = endpoint_text(destination, destination_port);
    state_ = State::Done;
}

std::size_t ProxyHeaderParser::feed_v2(std::string_view data) {
    std::size_t used = 0;
    while (state_ == State::NeedMore && used < data.size() && kept_.size() < kV2Fixed) {
        kept_.push_back(data[used++]);
        ++taken_;
    }
    if (kept_.size() < kV2Fixed || state_ != State::NeedMore) {
        return used;
    }
    if (v2_total_ == 0) {
        const std::uint8_t version = byte_at(kept_, 12) >> 4, command = byte_at(kept_, 12) & 0x0f;
        const std::uint8_t family = byte_at(kept_, 13);
        const std::size_t length = (std::size_t{byte_at(kept_, 14)} << 8) | byte_at(kept_, 15);
        v2_total_ = kV2Fixed + length;
        if (version != 2) {
            fail(ProxyFault::BadVersion);
        } else if (command != kLocal && command != kProxy) {
            fail(ProxyFault::BadCommand);
        } else if (command == kProxy) {
            // LOCAL ignores the family and the addresses (RFC-like wording of the spec: "must be accepted").
            const bool known = family == kUnspec || family == kTcp4 || family == kUdp4 || family == kTcp6 ||
                               family == kUdp6 || family == kUnixStream || family == kUnixDgram;
            const std::size_t needed = family == kTcp4 ? 12 : family == kTcp6 ? 36 : family == kUnixStream ? 216 : 0;
            if (!known) {
                fail(ProxyFault::BadFamily);
            } else if (family == kUdp4 || family == kUdp6 || family == kUnixDgram) {
                fail(ProxyFault::NotStream);
            } else if (length < needed) {
                fail(ProxyFault::AddressesTooShort);
            }
        }
        if (state_ == State::Failed) {
            return used;
        }
    }
    // The address block is kept (at most kV2KeptAddresses bytes); TLVs after it are taken and dropped.
    const std::size_t wanted = std::min(data.size() - used, v2_total_ - taken_);
    const std::size_t keep =
        std::min(wanted, kV2Fixed + kV2KeptAddresses - std::min(kept_.size(), kV2Fixed + kV2KeptAddresses));
    kept_.append(data.substr(used, keep));
    used += wanted;
    taken_ += wanted;
    if (taken_ == v2_total_) {
        finish_v2();
    }
    return used;
}

void ProxyHeaderParser::finish_v2() {
    header_.version = 2;
    state_ = State::Done;
    const std::uint8_t command = byte_at(kept_, 12) & 0x0f;
    const std::uint8_t family = byte_at(kept_, 13);
    if (command == kLocal || (family != kTcp4 && family != kTcp6)) {
        return; // a health check, or no IP client: the proxy's own address
    }
    const std::size_t size = family == kTcp4 ? 4 : 16;
    const char* block = kept_.data() + kV2Fixed;
    const auto port_at = [&](std::size_t offset) {
        return static_cast<std::uint16_t>((byte_at(kept_, kV2Fixed + offset) << 8) |
                                          byte_at(kept_, kV2Fixed + offset + 1));
    };
    const int af = family == kTcp4 ? AF_INET : AF_INET6;
    header_.own_address = false;
    header_.source_address = address_text(af, block);
    header_.source_port = port_at(2 * size);
    header_.destination = endpoint_text(address_text(af, block + size), port_at(2 * size + 2));
}

} // namespace ocpp::net
