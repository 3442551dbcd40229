// Per-connection TLS material (ConnectOptions::tls): a charger's own installed roots and client certificate, given
// as PEM text, replace the client's files for that one connection.
#include <fstream>
#include <sstream>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class ConnectionTlsTest : public WsFixture {
protected:
    void SetUp() override {
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
    }
    ServerConfig tls_config(bool client_certs) const {
        ServerConfig config;
        ServerTlsConfig tls;
        tls.cert_file = pki->server_ec_cert;
        tls.key_file = pki->server_ec_key;
        if (client_certs) {
            tls.client_ca_file = pki->ca_cert;
        }
        config.tls = tls;
        return config;
    }
    ConnectOptions with(std::vector<std::string> roots, std::string cert = {}, std::string key = {}) const {
        ConnectOptions o;
        o.url = "wss://127.0.0.1:" + std::to_string(port()) + "/ocpp/CB-0001";
        auto tls = std::make_shared<ConnectTls>();
        tls->trusted_roots_pem = std::move(roots);
        tls->certificate_chain_pem = std::move(cert);
        tls->private_key_pem = std::move(key);
        o.tls = std::move(tls);
        return o;
    }
    // A client whose own files trust nothing we made: only the connection's material can make it succeed.
    ClientConfig foreign() const {
        ClientConfig config;
        config.tls = ClientTlsConfig{pki->other_ca_cert, {}, {}, true};
        return config;
    }
    const TestPki* pki = nullptr;
};

TEST_F(ConnectionTlsTest, TheConnectionsOwnRootsDecideWhetherTheServerIsTrusted) {
    ASSERT_TRUE(start_server(tls_config(false)));
    auto [ok, probe] = open(with({read_text(pki->other_ca_cert), read_text(pki->ca_cert)}), foreign());
    ASSERT_TRUE(ok.session) << (ok.error ? ok.error->message : "");
    EXPECT_TRUE(ok.session->info().tls);

    auto [bad, probe2] = open(with({read_text(pki->other_ca_cert)}), foreign());
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(bad.error->kind, ConnectError::Kind::Tls);
    EXPECT_TRUE(bad.error->server_untrusted) << bad.error->message;
}

TEST_F(ConnectionTlsTest, TheConnectionPresentsItsOwnClientCertificate) {
    ASSERT_TRUE(start_server(tls_config(true)));
    auto [ok, probe] =
        open(with({read_text(pki->ca_cert)}, read_text(pki->client_cert), read_text(pki->client_key)), foreign());
    ASSERT_TRUE(ok.session) << (ok.error ? ok.error->message : "");
    EXPECT_NE(on_server([&] { return server_sessions.at(0)->info().client_cert_subject; }).find("CB-0001"),
              std::string::npos);

    auto [refused, probe2] =
        open(with({read_text(pki->ca_cert)}, read_text(pki->other_client_cert), read_text(pki->other_client_key)),
             foreign());
    ASSERT_TRUE(refused.error);
    EXPECT_FALSE(refused.error->server_untrusted); // the server refused us, not we the server
}

TEST_F(ConnectionTlsTest, AnOptionalClientCertificateLetsClientsWithoutOneIn) {
    ServerConfig config = tls_config(true);
    config.tls->client_cert_optional = true; // profile 2 and 3 chargers on one listener
    ASSERT_TRUE(start_server(config));
    auto [without, p1] = open(with({read_text(pki->ca_cert)}), foreign());
    ASSERT_TRUE(without.session) << (without.error ? without.error->message : "");
    EXPECT_TRUE(on_server([&] { return server_sessions.at(0)->info().client_cert_subject; }).empty());

    auto [with_cert, p2] =
        open(with({read_text(pki->ca_cert)}, read_text(pki->client_cert), read_text(pki->client_key)), foreign());
    ASSERT_TRUE(with_cert.session) << (with_cert.error ? with_cert.error->message : "");
    EXPECT_NE(on_server([&] { return server_sessions.at(1)->info().client_cert_subject; }).find("CB-0001"),
              std::string::npos);

    auto [foreign_cert, p3] =
        open(with({read_text(pki->ca_cert)}, read_text(pki->other_client_cert), read_text(pki->other_client_key)),
             foreign());
    EXPECT_FALSE(foreign_cert.session); // a certificate that comes must still be from the CA
}

TEST_F(ConnectionTlsTest, GarbledMaterialFailsTheAttemptWithAReason) {
    ASSERT_TRUE(start_server(tls_config(false)));
    auto [no_roots, p1] = open(with({"not a certificate"}), foreign());
    ASSERT_TRUE(no_roots.error);
    EXPECT_EQ(no_roots.error->kind, ConnectError::Kind::Tls);
    EXPECT_NE(no_roots.error->message.find("no certificate"), std::string::npos) << no_roots.error->message;

    auto [bad_key, p2] = open(with({read_text(pki->ca_cert)}, read_text(pki->client_cert), "garbage"), foreign());
    ASSERT_TRUE(bad_key.error);
    EXPECT_EQ(bad_key.error->kind, ConnectError::Kind::Tls);

    auto [mismatch, p3] =
        open(with({read_text(pki->ca_cert)}, read_text(pki->client_cert), read_text(pki->other_client_key)), foreign());
    ASSERT_TRUE(mismatch.error);
    EXPECT_NE(mismatch.error->message.find("does not match"), std::string::npos) << mismatch.error->message;
}

} // namespace
} // namespace ocpp::net::test
