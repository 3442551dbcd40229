// The PROXY protocol header parser: versions 1 and 2 whole and byte by byte, never a byte past the header, and every
// malformed, truncated or oversized header refused with its fault.
#include <gtest/gtest.h>

#include <string>

#include "ocpp/net/proxy_protocol.hpp"

namespace {

using ocpp::net::ProxyFault;
using ocpp::net::ProxyHeaderParser;
using State = ProxyHeaderParser::State;

const std::string kSig("\r\n\r\n\0\r\nQUIT\n", 12);

// A version 2 header: version/command byte, family byte, then `block` (its length is written).
std::string v2(unsigned char ver_cmd, unsigned char family, const std::string& block) {
    std::string h = kSig;
    h += static_cast<char>(ver_cmd);
    h += static_cast<char>(family);
    h += static_cast<char>((block.size() >> 8) & 0xff);
    h += static_cast<char>(block.size() & 0xff);
    return h + block;
}

std::string bytes(std::initializer_list<int> values) {
    std::string s;
    for (int v : values) {
        s += static_cast<char>(v);
    }
    return s;
}

// 203.0.113.7:41234 -> 10.0.0.5:8443 (0xA112 = 41234, 0x20FB = 8443).
const std::string kTcp4Block = bytes({203, 0, 113, 7, 10, 0, 0, 5, 0xA1, 0x12, 0x20, 0xFB});

// Feeds `data` whole; returns what was taken.
std::size_t feed_all(ProxyHeaderParser& p, const std::string& data) {
    return p.feed(data);
}

// Feeds `data` one byte at a time, as a slow link delivers it; returns what was taken.
std::size_t feed_bytes(ProxyHeaderParser& p, const std::string& data) {
    std::size_t taken = 0;
    for (char c : data) {
        taken += p.feed(std::string(1, c));
    }
    return taken;
}

TEST(ProxyHeader, Version1Tcp4NamesTheClientAndLeavesWhatFollows) {
    const std::string header = "PROXY TCP4 203.0.113.7 10.0.0.5 41234 8443\r\n";
    for (auto feed : {feed_all, feed_bytes}) {
        ProxyHeaderParser p;
        EXPECT_EQ(feed(p, header + "GET / HTTP/1.1\r\n"), header.size()) << "not a byte of the request is taken";
        ASSERT_EQ(p.state(), State::Done);
        EXPECT_EQ(p.header().version, 1);
        EXPECT_FALSE(p.header().own_address);
        EXPECT_EQ(p.header().source_address, "203.0.113.7");
        EXPECT_EQ(p.header().source_port, 41234);
        EXPECT_EQ(p.header().destination, "10.0.0.5:8443");
        EXPECT_EQ(p.feed("more"), 0u) << "nothing is taken after the header";
    }
}

TEST(ProxyHeader, Version1Tcp6AndUnknown) {
    ProxyHeaderParser p;
    p.feed("PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n");
    ASSERT_EQ(p.state(), State::Done);
    EXPECT_EQ(p.header().source_address, "2001:db8::1");
    EXPECT_EQ(p.header().source_port, 65535);
    EXPECT_EQ(p.header().destination, "[2001:db8::2]:0");

    ProxyHeaderParser mapped;
    mapped.feed("PROXY TCP6 ::ffff:198.51.100.4 ::1 1 2\r\n");
    ASSERT_EQ(mapped.state(), State::Done);
    EXPECT_EQ(mapped.header().source_address, "198.51.100.4") << "an IPv4-mapped client is its IPv4 address";

    for (const std::string line : {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN anything at all here\r\n"}) {
        ProxyHeaderParser u;
        EXPECT_EQ(u.feed(line + "\x16\x03"), line.size());
        ASSERT_EQ(u.state(), State::Done) << line;
        EXPECT_TRUE(u.header().own_address) << "UNKNOWN keeps the proxy's own address";
    }
}

TEST(ProxyHeader, Version1MalformedLinesAreRefused) {
    for (const std::string line : {
             "PROXY TCP4 203.0.113.7 10.0.0.5 41234\r\n",         // a port missing
             "PROXY TCP4 203.0.113.7 10.0.0.5 41234 8443 9\r\n",  // one field too many
             "PROXY TCP4  203.0.113.7 10.0.0.5 41234 8443\r\n",   // two spaces
             "PROXY TCP4 203.0.113.700 10.0.0.5 41234 8443\r\n",  // no IPv4 address
             "PROXY TCP4 2001:db8::1 10.0.0.5 41234 8443\r\n",    // IPv6 under TCP4
             "PROXY TCP6 203.0.113.7 2001:db8::2 41234 8443\r\n", // IPv4 under TCP6
             "PROXY TCP4 203.0.113.7 10.0.0.5 65536 8443\r\n",    // port out of range
             "PROXY TCP4 203.0.113.7 10.0.0.5 041234 8443\r\n",   // leading zero
             "PROXY TCP4 203.0.113.7 10.0.0.5 -1 8443\r\n",       // not a number
             "PROXY TCP4 203.0.113.7 10.0.0.5 41234 8443 \r\n",   // trailing space
             "PROXY UDP4 203.0.113.7 10.0.0.5 41234 8443\r\n",    // no such protocol
             "PROXY tcp4 203.0.113.7 10.0.0.5 41234 8443\r\n",    // case matters
             "PROXY TCP4 203.0.113.7 10.0.0.5 41234 8443\n",      // LF without CR
             "PROXY \r\n",                                        // nothing
         }) {
        ProxyHeaderParser p;
        const std::size_t taken = p.feed(line + "GET /");
        EXPECT_EQ(p.state(), State::Failed) << line;
        EXPECT_EQ(p.fault(), ProxyFault::BadLine) << line;
        EXPECT_LE(taken, line.size()) << line;
        EXPECT_FALSE(std::string(ocpp::net::describe(p.fault())).empty());
    }
}

TEST(ProxyHeader, Version1WithoutItsEndWithin107BytesIsRefused) {
    ProxyHeaderParser p;
    const std::string endless = "PROXY TCP4 " + std::string(200, '1');
    EXPECT_EQ(p.feed(endless), ProxyHeaderParser::kMaxV1) << "no byte past the longest line is taken";
    EXPECT_EQ(p.state(), State::Failed);
    EXPECT_EQ(p.fault(), ProxyFault::LineTooLong);

    // The longest TCP line (two full IPv6 addresses, two 5-digit ports: 104 bytes) and an UNKNOWN line of exactly
    // 107 bytes are accepted; one byte more is not.
    const std::string ip = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    const std::string longest = "PROXY TCP6 " + ip + " " + ip + " 65535 65535\r\n";
    ASSERT_EQ(longest.size(), 104u);
    ProxyHeaderParser q;
    EXPECT_EQ(feed_bytes(q, longest), longest.size());
    EXPECT_EQ(q.state(), State::Done);
    const std::string unknown = "PROXY UNKNOWN " + std::string(107 - 16, 'x') + "\r\n";
    ASSERT_EQ(unknown.size(), ProxyHeaderParser::kMaxV1);
    ProxyHeaderParser u;
    EXPECT_EQ(u.feed(unknown), unknown.size());
    EXPECT_EQ(u.state(), State::Done);
    ProxyHeaderParser over;
    over.feed("PROXY UNKNOWN " + std::string(107 - 15, 'x') + "\r\n");
    EXPECT_EQ(over.fault(), ProxyFault::LineTooLong);
}

TEST(ProxyHeader, Version2Tcp4AndTcp6) {
    const std::string header = v2(0x21, 0x11, kTcp4Block);
    for (auto feed : {feed_all, feed_bytes}) {
        ProxyHeaderParser p;
        EXPECT_EQ(feed(p, header + "\x16\x03\x01"), header.size()) << "the TLS ClientHello stays";
        ASSERT_EQ(p.state(), State::Done);
        EXPECT_EQ(p.header().version, 2);
        EXPECT_FALSE(p.header().own_address);
        EXPECT_EQ(p.header().source_address, "203.0.113.7");
        EXPECT_EQ(p.header().source_port, 41234);
        EXPECT_EQ(p.header().destination, "10.0.0.5:8443");
    }
    std::string six(36, '\0');
    six[0] = 0x20, six[1] = 0x01, six[2] = 0x0d, six[3] = static_cast<char>(0xb8), six[15] = 0x09; // 2001:db8::9
    six[31] = 0x01;                                                                                // ::1
    six[32] = 0x12, six[33] = 0x34, six[34] = 0x00, six[35] = 0x50;                                // 4660 -> 80
    ProxyHeaderParser p;
    p.feed(v2(0x21, 0x21, six));
    ASSERT_EQ(p.state(), State::Done);
    EXPECT_EQ(p.header().source_address, "2001:db8::9");
    EXPECT_EQ(p.header().source_port, 4660);
    EXPECT_EQ(p.header().destination, "[::1]:80");
}

TEST(ProxyHeader, Version2TlvsAreSkippedUpTo64KiB) {
    // Addresses, then TLVs (here 65,523 bytes of them: the length's maximum) that are taken and dropped.
    const std::string block = kTcp4Block + std::string(65535 - kTcp4Block.size(), 'T');
    const std::string header = v2(0x21, 0x11, block);
    const std::string stream = header + "GET /";
    ProxyHeaderParser p;
    std::size_t taken = 0;
    for (std::size_t at = 0; at < stream.size(); at += 500) { // as a 512-byte read buffer hands them over
        taken += p.feed(std::string_view(stream).substr(at, 500));
    }
    EXPECT_EQ(taken, header.size());
    ASSERT_EQ(p.state(), State::Done);
    EXPECT_EQ(p.header().source_address, "203.0.113.7");
    EXPECT_EQ(p.taken(), ProxyHeaderParser::kMaxHeader);
}

TEST(ProxyHeader, Version2LocalUnspecAndUnixKeepTheProxysAddress) {
    for (const std::string& header : {
             v2(0x20, 0x00, ""),                    // LOCAL (a health check), no addresses
             v2(0x20, 0x11, kTcp4Block),            // LOCAL with addresses: ignored
             v2(0x20, 0xff, "xyz"),                 // LOCAL ignores even a family that does not exist
             v2(0x21, 0x00, ""),                    // PROXY, UNSPEC
             v2(0x21, 0x00, "some TLVs"),           // PROXY, UNSPEC with bytes to skip
             v2(0x21, 0x31, std::string(216, 'u')), // PROXY, UNIX stream
         }) {
        ProxyHeaderParser p;
        EXPECT_EQ(p.feed(header + "GET"), header.size());
        ASSERT_EQ(p.state(), State::Done);
        EXPECT_TRUE(p.header().own_address);
    }
}

TEST(ProxyHeader, Version2MalformedHeadersAreRefused) {
    const struct {
        std::string header;
        ProxyFault fault;
    } cases[] = {
        {v2(0x11, 0x11, kTcp4Block), ProxyFault::BadVersion},
        {v2(0x31, 0x11, kTcp4Block), ProxyFault::BadVersion},
        {v2(0x22, 0x11, kTcp4Block), ProxyFault::BadCommand},
        {v2(0x2f, 0x11, kTcp4Block), ProxyFault::BadCommand},
        {v2(0x21, 0x41, kTcp4Block), ProxyFault::BadFamily},
        {v2(0x21, 0x13, kTcp4Block), ProxyFault::BadFamily},
        {v2(0x21, 0x10, kTcp4Block), ProxyFault::BadFamily},
        {v2(0x21, 0x01, kTcp4Block), ProxyFault::BadFamily},
        {v2(0x21, 0x12, kTcp4Block), ProxyFault::NotStream},
        {v2(0x21, 0x22, std::string(36, 'a')), ProxyFault::NotStream},
        {v2(0x21, 0x32, std::string(216, 'a')), ProxyFault::NotStream},
        {v2(0x21, 0x11, kTcp4Block.substr(0, 11)), ProxyFault::AddressesTooShort},
        {v2(0x21, 0x21, std::string(35, 'a')), ProxyFault::AddressesTooShort},
        {v2(0x21, 0x31, std::string(215, 'a')), ProxyFault::AddressesTooShort},
    };
    for (const auto& c : cases) {
        for (auto feed : {feed_all, feed_bytes}) {
            ProxyHeaderParser p;
            const std::size_t taken = feed(p, c.header + "GET");
            EXPECT_EQ(p.state(), State::Failed);
            EXPECT_EQ(p.fault(), c.fault) << ocpp::net::describe(p.fault());
            EXPECT_EQ(taken, ProxyHeaderParser::kV2Fixed) << "judged on its 16 fixed bytes, nothing further taken";
        }
    }
}

TEST(ProxyHeader, AnythingElseHasNoSignature) {
    for (const std::string& start :
         {std::string("GET / HTTP/1.1\r\n"), std::string("\x16\x03\x01\x02\x00", 5), std::string("proxy TCP4"),
          std::string("PROXYTCP4"), std::string("\r\n\r\n\0\r\nQUIx", 12), std::string("\r\n\r\nX")}) {
        ProxyHeaderParser p;
        p.feed(start + " more");
        EXPECT_EQ(p.state(), State::Failed) << start;
        EXPECT_EQ(p.fault(), ProxyFault::NoSignature) << start;
        EXPECT_LE(p.taken(), 12u);
    }
}

TEST(ProxyHeader, TruncatedHeadersWaitForMore) {
    for (const std::string& part : {std::string("PRO"), std::string("PROXY TCP4 203.0.113.7 10.0.0.5 41234 84"),
                                    std::string("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"), kSig.substr(0, 7), kSig,
                                    v2(0x21, 0x11, kTcp4Block).substr(0, 20)}) {
        ProxyHeaderParser p;
        EXPECT_EQ(p.feed(part), part.size()) << "everything short of the end is header";
        EXPECT_EQ(p.state(), State::NeedMore) << part;
    }
}

TEST(ProxyHeader, FirstBytesOfAnUntrustedPeer) {
    using ocpp::net::starts_like_proxy_header;
    EXPECT_TRUE(starts_like_proxy_header("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
    EXPECT_TRUE(starts_like_proxy_header("PROXY"));
    EXPECT_TRUE(starts_like_proxy_header(v2(0x21, 0x11, kTcp4Block)));
    EXPECT_TRUE(starts_like_proxy_header(kSig.substr(0, 5)));
    EXPECT_FALSE(starts_like_proxy_header("PROX")) << "too few bytes to tell";
    EXPECT_FALSE(starts_like_proxy_header("POST /api"));
    EXPECT_FALSE(starts_like_proxy_header("GET /ocpp/CB1 HTTP/1.1"));
    EXPECT_FALSE(starts_like_proxy_header(std::string("\x16\x03\x01\x02\x00", 5)));
    EXPECT_FALSE(starts_like_proxy_header("PROXYTCP4"));
}

} // namespace
