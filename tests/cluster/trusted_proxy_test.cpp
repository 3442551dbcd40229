// Behind a load balancer every connection comes from its address. With --trusted-proxy the real ocpp-centralsystem
// takes the client's address from X-Forwarded-For, for connections from the trusted range only: the handshake gate's
// back-off and the API's sign-in limit then hold each client behind the proxy to its own budget, and a header sent
// by anyone else is ignored. The address ranges and the header's walk are checked on their own too.
#include <gtest/gtest.h>

#include "centralsystem/options.hpp"
#include "ocpp/net/forwarded.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/raw_ws.hpp"

namespace cs::test {
namespace {

using ocpp::net::parse_ip_network;
using ocpp::net::TrustedProxies;

TrustedProxies proxies_of(std::initializer_list<const char*> ranges) {
    TrustedProxies t;
    for (const char* r : ranges) {
        auto n = parse_ip_network(r);
        EXPECT_TRUE(n) << r;
        if (n) {
            t.add(*n);
        }
    }
    return t;
}

TEST(TrustedProxyRanges, AddressesAreMatchedByTheirPrefix) {
    const auto t = proxies_of({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"});
    EXPECT_TRUE(t.contains("10.200.3.4"));
    EXPECT_FALSE(t.contains("11.0.0.1"));
    EXPECT_TRUE(t.contains("192.0.2.7"));
    EXPECT_FALSE(t.contains("192.0.2.8")) << "a bare address is a range of one";
    EXPECT_TRUE(t.contains("2001:db8:1::5"));
    EXPECT_FALSE(t.contains("2001:db9::1"));
    EXPECT_TRUE(t.contains("::ffff:10.1.1.1")) << "an IPv4-mapped IPv6 peer is its IPv4 address";
    EXPECT_FALSE(t.contains("not-an-address"));
    const auto odd = proxies_of({"172.16.0.0/12"});
    EXPECT_TRUE(odd.contains("172.31.255.255"));
    EXPECT_FALSE(odd.contains("172.32.0.0"));
    const auto v4_only = proxies_of({"0.0.0.0/0"});
    EXPECT_TRUE(v4_only.contains("203.0.113.1"));
    EXPECT_FALSE(v4_only.contains("2001:db8::1")) << "an IPv4 range holds no IPv6 address";
}

TEST(TrustedProxyRanges, BadRangesAreRefusedWithTheirText) {
    for (const char* bad : {"", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "host.example",
                            "10.0.0.0/8x", "10.0.0.0/0008"}) {
        const auto n = parse_ip_network(bad);
        ASSERT_FALSE(n) << bad;
        EXPECT_EQ(n.error().kind, ocpp::ErrorKind::Invalid);
        EXPECT_NE(n.error().message.find(bad), std::string::npos) << n.error().message;
    }
}

TEST(TrustedProxyRanges, TheClientIsTheRightMostAddressNoTrustedProxyAdded) {
    const auto t = proxies_of({"10.0.0.0/8"});
    EXPECT_EQ(t.client_of("10.0.0.5", "203.0.113.9"), "203.0.113.9");
    // A client may send its own header: what it wrote stands left of what our proxies added.
    EXPECT_EQ(t.client_of("10.0.0.5", "1.2.3.4, 203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(t.client_of("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.6"), "203.0.113.9") << "two proxies of ours";
    EXPECT_EQ(t.client_of("10.0.0.5", "10.0.0.7,10.0.0.6"), "10.0.0.7") << "all trusted: the left-most";
    EXPECT_EQ(t.client_of("10.0.0.5", " 2001:db8::1 "), "2001:db8::1");
    EXPECT_EQ(t.client_of("10.0.0.5", "[2001:db8::1]:4711"), "2001:db8::1");
    EXPECT_EQ(t.client_of("10.0.0.5", "198.51.100.2:5000"), "198.51.100.2");
    EXPECT_EQ(t.client_of("10.0.0.5", "garbage, 10.0.0.6"), "10.0.0.6") << "an entry that is no address ends the walk";
    EXPECT_EQ(t.client_of("10.0.0.5", "unknown"), std::nullopt);
    EXPECT_EQ(t.client_of("10.0.0.5", ""), std::nullopt);
    EXPECT_EQ(t.client_of("198.51.100.1", "203.0.113.9"), std::nullopt) << "an untrusted peer's header is ignored";
    EXPECT_EQ(TrustedProxies().client_of("10.0.0.5", "203.0.113.9"), std::nullopt) << "nothing trusted by default";
    std::string long_chain = "203.0.113.9";
    for (int i = 0; i < 40; ++i) {
        long_chain += ", 10.0.0." + std::to_string(i + 1);
    }
    EXPECT_EQ(t.client_of("10.0.0.5", long_chain), "10.0.0.25") << "at most kMaxHops entries are looked at";
    EXPECT_EQ(t.remote_address("10.0.0.5:4000", "2001:db8::1"), "[2001:db8::1]");
    EXPECT_EQ(t.remote_address("10.0.0.5:4000", "203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(t.remote_address("198.51.100.1:4000", "203.0.113.9"), "198.51.100.1:4000");
    EXPECT_EQ(t.remote_address("[::ffff:10.0.0.5]:4000", "203.0.113.9"), "203.0.113.9");
}

ocpp::Result<cs::Options> parse_proxy_options(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data(), env);
}

TEST(TrustedProxyOption, IsRepeatableAndComesFromTheEnvironment) {
    auto o = parse_proxy_options({"--trusted-proxy", "10.0.0.0/8", "--trusted-proxy=192.0.2.1, fd00::/8"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->trusted_proxies.size(), 3u);
    o = parse_proxy_options({}, {"OCPPKIT_TRUSTED_PROXY=10.0.0.0/8,10.1.0.0/16"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->trusted_proxies.size(), 2u);
    o = parse_proxy_options({"--trusted-proxy", "192.0.2.1"}, {"OCPPKIT_TRUSTED_PROXY=10.0.0.0/8,10.1.0.0/16"});
    ASSERT_TRUE(o) << o.error().message;
    ASSERT_EQ(o->trusted_proxies.size(), 1u) << "the command line replaces the environment's list";
    o = parse_proxy_options({});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->trusted_proxies.empty());
    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"--trusted-proxy", "10.0.0.0/40"}, {"--trusted-proxy", "proxy.example"}, {"--trusted-proxy"}}) {
        const auto r = parse_proxy_options(bad);
        ASSERT_FALSE(r) << bad.back();
        EXPECT_NE(r.error().message.find("--trusted-proxy"), std::string::npos) << r.error().message;
    }
    const auto env_bad = parse_proxy_options({}, {"OCPPKIT_TRUSTED_PROXY=10.0.0.0/8,nonsense"});
    ASSERT_FALSE(env_bad);
    EXPECT_NE(env_bad.error().message.find("OCPPKIT_TRUSTED_PROXY"), std::string::npos) << env_bad.error().message;
    std::string many;
    for (int i = 0; i <= static_cast<int>(TrustedProxies::kMaxRanges); ++i) {
        many += (many.empty() ? "" : ",") + std::string("10.0.") + std::to_string(i) + ".0/24";
    }
    const auto too_many = parse_proxy_options({"--trusted-proxy", many});
    ASSERT_FALSE(too_many);
    EXPECT_NE(too_many.error().message.find("at most"), std::string::npos) << too_many.error().message;
}

// The real binary with 127.0.0.9 as its trusted proxy and a back-off after three failures per address.
class TrustedProxy : public CentralSystemBinary {
protected:
    static constexpr const char* kProxy = "127.0.0.9";
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--trusted-proxy", std::string(kProxy) + "/32", "--password-failures-per-address", "3"});
        for (int i = 0; i < 8; ++i) {
            const auto r = api("POST", "/api/v1/chargers",
                               R"({"chargeBoxId":"CB-X)" + std::to_string(i) + R"(","password":"right-password-)" +
                                   std::to_string(i) + R"("})");
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    // An upgrade of charger CB-X<i> with a password, from `source`, with X-Forwarded-For `forwarded` unless empty.
    int upgrade(int i, const std::string& password, const std::string& source, const std::string& forwarded) {
        ocppkit::test::UpgradeOptions options;
        options.authorization = ocppkit::test::basic_auth("CB-X" + std::to_string(i), password);
        options.source = source;
        options.headers = forwarded.empty() ? "" : "X-Forwarded-For: " + forwarded + "\r\n";
        options.timeout = 20s;
        return ocppkit::test::ws_upgrade(port_, "/ocpp/CB-X" + std::to_string(i), options).status;
    }
};

TEST_F(TrustedProxy, ASpoofedHeaderFromAnUntrustedPeerIsIgnored) {
    // 127.0.0.5 is no proxy of ours: a new X-Forwarded-For with every guess buys it no new budget.
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(upgrade(i, "guess", "127.0.0.5", "203.0.113." + std::to_string(i + 1)), 401) << i;
    }
    EXPECT_EQ(upgrade(3, "guess", "127.0.0.5", "203.0.113.77"), 429) << "the address itself backs off";
    EXPECT_EQ(upgrade(4, "right-password-4", "127.0.0.5", "198.51.100.1"), 429)
        << "the address waits out its back-off whatever address its header names";
    EXPECT_EQ(upgrade(4, "right-password-4", "127.0.0.6", ""), 101) << "another peer is checked as usual";
    EXPECT_EQ(upgrade(5, "guess", "127.0.0.5", ""), 429);
    const std::string log = file_text(base_ + ".cs.log");
    EXPECT_EQ(log.find("203.0.113."), std::string::npos) << "the spoofed addresses appear nowhere:\n" << log;
}

TEST_F(TrustedProxy, ThroughATrustedProxyTwoClientsAreLimitedSeparately) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(upgrade(i, "guess", kProxy, "203.0.113.7"), 401) << i;
    }
    EXPECT_EQ(upgrade(3, "guess", kProxy, "203.0.113.7"), 429) << "the guessing client behind the proxy backs off";
    EXPECT_EQ(upgrade(3, "guess", kProxy, "198.51.100.20, 203.0.113.7"), 429)
        << "what the client wrote itself left of the proxy's entry changes nothing";
    // Another client behind the same proxy keeps its own budget: its failures are counted afresh, its password works.
    EXPECT_EQ(upgrade(4, "guess", kProxy, "203.0.113.8"), 401);
    EXPECT_EQ(upgrade(5, "right-password-5", kProxy, "203.0.113.8"), 101);
    EXPECT_EQ(upgrade(6, "right-password-6", kProxy, ""), 101) << "no header: the proxy's own address";
    EXPECT_NE(file_text(base_ + ".cs.log").find("203.0.113.7"), std::string::npos)
        << "the log names the client, not the proxy";

    // The API's sign-in limit counts per client too.
    const std::string body = R"({"name":"nobody","password":"wrong-password"})";
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(
            ocppkit::test::http_from(kProxy, port_, "POST", "/api/v1/session", body, {"X-Forwarded-For: 203.0.113.30"})
                .status,
            401)
            << i;
    }
    EXPECT_EQ(
        ocppkit::test::http_from(kProxy, port_, "POST", "/api/v1/session", body, {"X-Forwarded-For: 203.0.113.30"})
            .status,
        429);
    EXPECT_EQ(
        ocppkit::test::http_from(kProxy, port_, "POST", "/api/v1/session", body, {"X-Forwarded-For: 203.0.113.31"})
            .status,
        401)
        << "another client behind the proxy is not locked out";
    EXPECT_EQ(
        ocppkit::test::http_from("127.0.0.6", port_, "POST", "/api/v1/session", body, {"X-Forwarded-For: 203.0.113.32"})
            .status,
        401);
    for (int i = 0; i < 5; ++i) {
        ocppkit::test::http_from("127.0.0.6", port_, "POST", "/api/v1/session", body,
                                 {"X-Forwarded-For: 203.0.113." + std::to_string(40 + i)});
    }
    EXPECT_EQ(
        ocppkit::test::http_from("127.0.0.6", port_, "POST", "/api/v1/session", body, {"X-Forwarded-For: 203.0.113.99"})
            .status,
        429)
        << "an untrusted peer's header does not split its budget";
}

} // namespace
} // namespace cs::test
