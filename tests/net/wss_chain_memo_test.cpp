// The client remembers server chains it verified: a chain seen before still has its host name or IP address and its
// trust checked on every connection, so the memo never lets in what a full verification would refuse.
#include <fstream>
#include <sstream>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

std::string pem_of(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class WssChainMemoTest : public WsFixture {
protected:
    void SetUp() override {
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        ServerConfig config;
        config.host = "0.0.0.0"; // reachable as 127.0.0.2 too, an address its certificate does not name
        ServerTlsConfig tls;
        tls.cert_file = pki->server_ec_cert; // SAN IP:127.0.0.1, DNS:localhost
        tls.key_file = pki->server_ec_key;
        config.tls = tls;
        ASSERT_TRUE(start_server(config));
    }
    ClientConfig trusting_ca() const {
        ClientConfig config;
        config.tls = ClientTlsConfig{pki->ca_cert, {}, {}, true};
        return config;
    }
    ConnectOptions to(const std::string& host) const {
        ConnectOptions o;
        o.url = "wss://" + host + ":" + std::to_string(port()) + "/ocpp/CB-0001";
        return o;
    }
    const TestPki* pki = nullptr;
};

TEST_F(WssChainMemoTest, ARememberedChainIsStillCheckedAgainstTheAddress) {
    auto [first, p1] = open(to("127.0.0.1"), trusting_ca());
    ASSERT_TRUE(first.session) << (first.error ? first.error->message : "");
    auto [again, p2] = open(to("127.0.0.1"));
    ASSERT_TRUE(again.session) << (again.error ? again.error->message : "");
    // The same chain, but an address the certificate does not name: refused as a full check would refuse it.
    auto [other, p3] = open(to("127.0.0.2"));
    ASSERT_TRUE(other.error);
    EXPECT_EQ(other.error->kind, ConnectError::Kind::Tls);
    EXPECT_TRUE(other.error->server_untrusted);
    EXPECT_NE(other.error->message.find("IP address mismatch"), std::string::npos) << other.error->message;
    auto [by_name, p4] = open(to("localhost"));
    ASSERT_TRUE(by_name.session) << (by_name.error ? by_name.error->message : "");
    auto [once_more, p5] = open(to("127.0.0.2"));
    ASSERT_TRUE(once_more.error) << "a refusal is not remembered as a success either";
}

TEST_F(WssChainMemoTest, AConnectionWithItsOwnRootsIsVerifiedInFull) {
    auto [first, p1] = open(to("127.0.0.1"), trusting_ca());
    ASSERT_TRUE(first.session) << (first.error ? first.error->message : "");
    // A charger that installed only a foreign root: the chain the client remembers must not let it in.
    ConnectOptions foreign = to("127.0.0.1");
    auto tls = std::make_shared<ConnectTls>();
    tls->trusted_roots_pem = {pem_of(pki->other_ca_cert)};
    foreign.tls = tls;
    auto [refused, p2] = open(foreign);
    ASSERT_TRUE(refused.error);
    EXPECT_NE(refused.error->message.find("certificate verify failed"), std::string::npos) << refused.error->message;
    // With the right root of its own it connects (a full check, not the memo).
    ConnectOptions own = to("127.0.0.1");
    auto good = std::make_shared<ConnectTls>();
    good->trusted_roots_pem = {pem_of(pki->ca_cert)};
    own.tls = good;
    auto [accepted, p3] = open(own);
    EXPECT_TRUE(accepted.session) << (accepted.error ? accepted.error->message : "");
}

// A client that trusts another CA never gets in, however often the server's chain was verified by others.
TEST_F(WssChainMemoTest, AnotherClientWithAnotherCaIsRefused) {
    auto [first, p1] = open(to("127.0.0.1"), trusting_ca());
    ASSERT_TRUE(first.session);
    client_lt.call([&] {
        client.reset();
        return 0;
    });
    ClientConfig other;
    other.tls = ClientTlsConfig{pki->other_ca_cert, {}, {}, true};
    auto [refused, p2] = open(to("127.0.0.1"), other);
    ASSERT_TRUE(refused.error);
    EXPECT_TRUE(refused.error->server_untrusted);
}

} // namespace
} // namespace ocpp::net::test
