// wss: RSA and ECDSA server certificates, mutual TLS, verification failures, old protocol versions.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>
#include <iterator>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

class WssTest : public WsFixture {
protected:
    void SetUp() override {
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
    }
    ServerConfig tls_config(bool ecdsa = false, bool client_certs = false) const {
        ServerConfig config;
        ServerTlsConfig tls;
        tls.cert_file = ecdsa ? pki->server_ec_cert : pki->server_rsa_cert;
        tls.key_file = ecdsa ? pki->server_ec_key : pki->server_rsa_key;
        if (client_certs) {
            tls.client_ca_file = pki->ca_cert;
        }
        config.tls = tls;
        return config;
    }
    ClientConfig trusting(const std::string& ca, const std::string& cert = {}, const std::string& key = {}) const {
        ClientConfig config;
        config.tls = ClientTlsConfig{ca, cert, key, true};
        return config;
    }
    std::string wss(const std::string& host = "127.0.0.1", const std::string& path = "/ocpp/CB-0001") const {
        return "wss://" + host + ":" + std::to_string(port()) + path;
    }
    ConnectOptions opts(const std::string& u) const {
        ConnectOptions o;
        o.url = u;
        return o;
    }
    void expect_echo(const Connected& c, const std::shared_ptr<Probe>& probe) {
        ASSERT_TRUE(c.session) << (c.error ? c.error->message : "");
        on_client([&] { return c.session->send("over tls"); });
        ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 1; }));
        EXPECT_EQ(on_client([&] { return probe->messages[0]; }), "over tls");
    }
    const TestPki* pki = nullptr;
};

TEST_F(WssTest, RsaCertificateEchoAndTlsInfo) {
    ASSERT_TRUE(start_server(tls_config()));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert));
    expect_echo(c, probe);
    EXPECT_TRUE(c.session->info().tls);
    const HandshakeInfo info = on_server([&] { return server_sessions.at(0)->info(); });
    EXPECT_TRUE(info.tls);
    EXPECT_EQ(info.tls_version, "TLSv1.3");
    EXPECT_FALSE(info.tls_cipher.empty());
    EXPECT_EQ(info.sni, "127.0.0.1"); // websocketpp sends the URL host as SNI
    EXPECT_TRUE(info.client_cert_subject.empty());
    EXPECT_LE(info.tcp_accepted, info.tls_done);
    EXPECT_LE(info.tls_done, info.opened);
}

TEST_F(WssTest, EcdsaCertificateAndHostName) {
    ASSERT_TRUE(start_server(tls_config(true)));
    auto [c, probe] = open(opts(wss("localhost")), trusting(pki->ca_cert));
    expect_echo(c, probe);
    EXPECT_EQ(on_server([&] { return server_sessions.at(0)->info().sni; }), "localhost");
}

TEST_F(WssTest, TlsCloseIsQuick) {
    ASSERT_TRUE(start_server(tls_config()));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert));
    ASSERT_TRUE(c.session);
    const auto t0 = std::chrono::steady_clock::now();
    on_server([&] {
        server_sessions.at(0)->close(1000, "done");
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1; }));
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3000ms); // well under websocketpp's 5 s TLS shutdown wait
    EXPECT_EQ(on_client([&] { return probe->closes[0].code; }), 1000);
}

TEST_F(WssTest, MutualTlsAcceptsACertificateFromTheCa) {
    ASSERT_TRUE(start_server(tls_config(false, true)));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert, pki->client_cert, pki->client_key));
    expect_echo(c, probe);
    const std::string subject = on_server([&] { return server_sessions.at(0)->info().client_cert_subject; });
    EXPECT_NE(subject.find("CN=CB-0001"), std::string::npos) << subject;
    EXPECT_NE(subject.find("O=ocppkit test"), std::string::npos) << subject;
}

TEST_F(WssTest, MutualTlsRefusesMissingOrForeignCertificates) {
    ASSERT_TRUE(start_server(tls_config(false, true)));
    auto [none, p1] = open(opts(wss()), trusting(pki->ca_cert));
    ASSERT_TRUE(none.error);
    EXPECT_EQ(none.error->kind, ConnectError::Kind::Tls) << none.error->message;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.reason.find("peer did not return a certificate"), std::string::npos) << r.reason;
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::TlsHandshake);

    client_lt.call([&] {
        client.reset();
        return 0;
    });
    auto [foreign, p2] = open(opts(wss()), trusting(pki->ca_cert, pki->other_client_cert, pki->other_client_key));
    ASSERT_TRUE(foreign.error);
    EXPECT_EQ(foreign.error->kind, ConnectError::Kind::Tls) << foreign.error->message;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 2; }));
    r = on_server([&] { return rejects[1]; });
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.reason.find("certificate verify failed"), std::string::npos) << r.reason;
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::TlsHandshake);
    EXPECT_EQ(on_server([&] { return server_sessions.size(); }), 0u);
}

// Client CAs replaced while the server runs: the very next connection verifies against the new set, though the
// server made that connection's object before the replacement (it waits for its accept); a CA left out is refused.
TEST_F(WssTest, ReplacedClientCasApplyToTheNextConnection) {
    ASSERT_TRUE(start_server(tls_config(false, true)));
    const auto as = [&](const std::string& cert, const std::string& key) {
        client_lt.call([&] { // a client's certificate is part of its configuration: a new client each time
            client.reset();
            return 0;
        });
        return open(opts(wss()), trusting(pki->ca_cert, cert, key)).first;
    };
    const Connected before = as(pki->other_client_cert, pki->other_client_key);
    ASSERT_TRUE(before.error) << "the other CA is not trusted yet";
    const auto read = [](const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string ca = read(pki->ca_cert), other = read(pki->other_ca_cert);
    ASSERT_TRUE(on_server([&] { return static_cast<bool>(server->replace_client_cas({ca, other})); }));
    const Connected first = as(pki->other_client_cert, pki->other_client_key);
    EXPECT_FALSE(first.error) << first.error->message;
    const Connected old = as(pki->client_cert, pki->client_key);
    EXPECT_FALSE(old.error) << old.error->message;

    ASSERT_TRUE(on_server([&] { return static_cast<bool>(server->replace_client_cas({other})); }));
    const Connected dropped = as(pki->client_cert, pki->client_key);
    EXPECT_TRUE(dropped.error) << "a CA left out is no longer trusted";
    EXPECT_FALSE(on_server([&] { return static_cast<bool>(server->replace_client_cas({"not a certificate"})); }));
    const Connected still = as(pki->other_client_cert, pki->other_client_key);
    EXPECT_FALSE(still.error) << "a refused replacement changes nothing";
}

// A ws:// client on a wss:// port: the server drops the plain request; the error suggests wss://.
TEST_F(WssTest, APlainClientOnATlsPortIsToldToTryWss) {
    ASSERT_TRUE(start_server(tls_config()));
    auto [c, probe] = open(opts("ws://127.0.0.1:" + std::to_string(port()) + "/ocpp/CB-0001"), ClientConfig{});
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::Other);
    EXPECT_NE(c.error->message.find("closed the connection without answering the WebSocket upgrade"), std::string::npos)
        << c.error->message;
    EXPECT_NE(c.error->message.find("if it serves TLS, use a wss:// URL"), std::string::npos) << c.error->message;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    EXPECT_NE(on_server([&] { return rejects[0].reason; }).find("http request"), std::string::npos);
    EXPECT_EQ(on_server([&] { return rejects[0].kind; }), RejectedHandshake::Kind::PlainHttpOnTls);
}

// A port probe: TCP connected and closed without a TLS record. Nothing says why, which the kind tells apart from a
// handshake that failed on something the peer sent.
TEST_F(WssTest, APeerClosingBeforeItsTlsHelloIsReportedAsAbandoned) {
    ASSERT_TRUE(start_server(tls_config()));
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    close_fd(fd);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::TlsAbandoned) << r.reason;
}

TEST_F(WssTest, ClientRejectsAnUntrustedServer) {
    ASSERT_TRUE(start_server(tls_config()));
    auto [c, probe] = open(opts(wss()), trusting(pki->other_ca_cert));
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::Tls);
    EXPECT_NE(c.error->message.find("certificate verify failed"), std::string::npos) << c.error->message;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    EXPECT_NE(on_server([&] { return rejects[0].reason; }).find("TLS handshake failed"), std::string::npos);
    EXPECT_EQ(on_server([&] { return rejects[0].kind; }), RejectedHandshake::Kind::TlsHandshake);
}

TEST_F(WssTest, ClientChecksTheHostName) {
    ServerConfig config = tls_config();
    config.tls->cert_file = pki->server_wrong_name_cert;
    config.tls->key_file = pki->server_wrong_name_key;
    ASSERT_TRUE(start_server(config));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert));
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::Tls);
    EXPECT_NE(c.error->message.find("IP address mismatch"), std::string::npos) << c.error->message;
    client_lt.call([&] {
        client.reset();
        return 0;
    });
    auto [c2, p2] = open(opts(wss("localhost")), trusting(pki->ca_cert));
    ASSERT_TRUE(c2.error);
    EXPECT_NE(c2.error->message.find("hostname mismatch"), std::string::npos) << c2.error->message;
    client_lt.call([&] {
        client.reset();
        return 0;
    });
    ClientConfig lax = trusting(pki->ca_cert);
    lax.tls->verify_peer = false;
    auto [c3, p3] = open(opts(wss()), lax);
    EXPECT_TRUE(c3.session);
}

TEST_F(WssTest, CertificateErrorsComeBackFromListen) {
    ServerConfig config = tls_config();
    config.tls->cert_file = pki->dir + "/missing.pem";
    auto r = start_server(config);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("missing.pem"), std::string::npos) << r.error().message;
    lt.call([&] {
        server.reset();
        return 0;
    });
    config = tls_config();
    config.tls->key_file = pki->server_ec_key; // does not belong to the RSA certificate
    r = start_server(config);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("does not match"), std::string::npos) << r.error().message;
    lt.call([&] {
        server.reset();
        return 0;
    });
    config = tls_config();
    config.tls->key_file = pki->ca_cert; // not a key at all
    r = start_server(config);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot load private key '" + pki->ca_cert + "'"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
    lt.call([&] {
        server.reset();
        return 0;
    });
    config = tls_config(false, true);
    config.tls->client_ca_file = pki->dir + "/no-ca.pem";
    r = start_server(config);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("no-ca.pem"), std::string::npos) << r.error().message;
}

// A raw OpenSSL client limited to TLS 1.1 must not get through.
TEST_F(WssTest, Tls11ClientIsRefused) {
    ASSERT_TRUE(start_server(tls_config()));
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    ASSERT_NE(ctx, nullptr);
    SSL_CTX_set_security_level(ctx, 0); // Debian's default level 2 would not even offer TLS 1.1
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ERR_clear_error();
    const int rc = SSL_connect(ssl);
    const unsigned long err = ERR_peek_error();
    const std::string client_reason = err != 0 && ERR_reason_error_string(err) ? ERR_reason_error_string(err) : "";
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close_fd(fd);
    if (rc != 1 && client_reason == "no protocols available") {
        GTEST_SKIP() << "this OpenSSL build cannot offer TLS 1.1 at all, so the server never sees it";
    }
    EXPECT_NE(rc, 1) << "TLS 1.1 handshake succeeded";
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.info.tls);
    EXPECT_NE(r.reason.find("unsupported protocol"), std::string::npos) << r.reason << " / client: " << client_reason;
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::TlsHandshake);
}

TEST_F(WssTest, Tls13OnlyRefusesTls12) {
    ServerConfig config = tls_config(true);
    config.tls->tls13_only = true;
    ASSERT_TRUE(start_server(config));
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    const int fd = connect_raw(port());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    EXPECT_NE(SSL_connect(ssl), 1);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close_fd(fd);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    // And TLS 1.3 clients get in.
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert));
    expect_echo(c, probe);
}

TEST_F(WssTest, Tls12ClientGetsAnAeadCipher) {
    ASSERT_TRUE(start_server(tls_config()));
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    const int fd = connect_raw(port());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ASSERT_EQ(SSL_connect(ssl), 1);
    const std::string cipher = SSL_get_cipher_name(ssl);
    EXPECT_EQ(std::string(SSL_get_version(ssl)), "TLSv1.2");
    EXPECT_NE(cipher.find("GCM"), std::string::npos) << cipher;
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close_fd(fd);
    // Offering only weak suites fails.
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "3DES:RC4:NULL:@SECLEVEL=0");
    const int fd2 = connect_raw(port());
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd2);
    EXPECT_NE(SSL_connect(ssl), 1);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close_fd(fd2);
}

// What the tester's security group reads: the suites and versions of the ClientHello, and the client's
// certificates, also when they failed verification.
TEST_F(WssTest, TheClientHelloAndThePresentedCertificatesAreRecorded) {
    auto config = tls_config(true, true);
    config.tls->record_client_details = true;
    ASSERT_TRUE(start_server(config));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert, pki->client_cert, pki->client_key));
    expect_echo(c, probe);
    const HandshakeInfo info = on_server([&] { return server_sessions.at(0)->info(); });
    EXPECT_NE(info.tls_offered_ciphers.find("TLS_AES_128_GCM_SHA256"), std::string::npos) << info.tls_offered_ciphers;
    EXPECT_NE(info.tls_offered_ciphers.find("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), std::string::npos)
        << info.tls_offered_ciphers;
    EXPECT_EQ(info.tls_offered_versions, "TLSv1.3,TLSv1.2");
    EXPECT_EQ(info.client_cert_chain_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u) << info.client_cert_chain_pem;

    client_lt.call([&] {
        client.reset();
        return 0;
    });
    auto [foreign, p2] = open(opts(wss()), trusting(pki->ca_cert, pki->other_client_cert, pki->other_client_key));
    ASSERT_TRUE(foreign.error);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.info.client_cert_chain_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u) << "kept although refused";
    EXPECT_FALSE(r.info.tls_offered_ciphers.empty());
}

// A server that does not ask for them (the central system) keeps none of it: no memory per session for a report.
TEST_F(WssTest, WithoutRecordingNothingOfTheClientHelloIsKept) {
    ASSERT_TRUE(start_server(tls_config(true, true)));
    auto [c, probe] = open(opts(wss()), trusting(pki->ca_cert, pki->client_cert, pki->client_key));
    expect_echo(c, probe);
    const HandshakeInfo info = on_server([&] { return server_sessions.at(0)->info(); });
    EXPECT_TRUE(info.tls_offered_ciphers.empty());
    EXPECT_TRUE(info.client_cert_chain_pem.empty());
    EXPECT_FALSE(info.client_cert_subject.empty()) << "the verified subject is still known";
}

} // namespace
} // namespace ocpp::net::test
