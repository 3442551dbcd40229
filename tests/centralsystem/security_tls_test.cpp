// Security profile 3 at the real binary's gate: TLS with --tls-client-ca. A charger whose client certificate's
// commonName is its Chargebox ID gets in without a password; a certificate of another charger is refused (401 with
// the reason); an expired certificate or one of a foreign CA never gets past the TLS handshake.
#include <fstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/net/client.hpp"
#include "ocpp/system/small_file.hpp"
#include "tests/centralsystem/security_fixture.hpp"
#include "tests/support/net_support.hpp"

namespace {

using namespace cs::test;
using ocppkit::test::TestPki;

class Profile3Gate : public SecurityBinary {
protected:
    void SetUp() override {
        std::string why;
        pki_ = TestPki::get(&why);
        if (pki_ == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        SecurityBinary::SetUp();
        add_charger("CB-0001", "password-of-CB-0001");
        add_charger("CB-0002", "password-of-CB-0002");
        cs_.reset();
        start_tls(pki_->ca_cert);
    }
    // The binary on the same database, serving wss with the test's server certificate and requiring client
    // certificates of `client_ca`.
    void start_tls(const std::string& client_ca, std::vector<std::string> extra = {}) {
        tls_.reset();
        tls_port_ = free_port();
        std::vector<std::string> args{"--listen",
                                      "127.0.0.1:" + std::to_string(tls_port_),
                                      "--db",
                                      "sqlite:" + db_,
                                      "--tls-cert",
                                      pki_->server_ec_cert,
                                      "--tls-key",
                                      pki_->server_ec_key,
                                      "--tls-client-ca",
                                      client_ca};
        args.insert(args.end(), extra.begin(), extra.end());
        tls_ = std::make_unique<ChildProcess>(kBin + "/ocpp-centralsystem", args, base_ + ".cs.log");
        ASSERT_TRUE(
            wait_until([&] { return file_text(base_ + ".cs.log").find("listening on") != std::string::npos; }, 10s))
            << file_text(base_ + ".cs.log");
    }
    void TearDown() override {
        tls_.reset();
        for (const char* f :
             {".expired.pem", ".expired.key", ".leaf.pem", ".leaf.key", ".operator-ca.pem", ".new.pem", ".new.key"}) {
            std::remove((base_ + f).c_str());
        }
        SecurityBinary::TearDown();
    }
    // Connects as `id` over wss with this client certificate (no password); the error, or "" when it opened.
    std::string connect(const std::string& id, const std::string& cert, const std::string& key) {
        ocppkit::test::LoopThread lt;
        ocpp::Logger log(ocpp::LogLevel::Off);
        ocpp::net::ClientConfig config;
        config.tls = ocpp::net::ClientTlsConfig{pki_->ca_cert, cert, key, true};
        auto client = lt.call([&] { return ocpp::net::Client::create(lt.loop(), config, log); });
        ocpp::net::ConnectOptions o;
        o.url = "wss://127.0.0.1:" + std::to_string(tls_port_) + "/ocpp/" + id;
        o.open_handshake_timeout = 5s;
        auto c = ocppkit::test::connect_sync(lt, *client, o);
        std::string out = c.error ? c.error->message + " (HTTP " + std::to_string(c.error->http_status) + ")" : "";
        lt.call([&] {
            if (c.session) {
                c.session->close(1000, "done");
            }
            c.session.reset();
            client.reset();
            return 0;
        });
        return out;
    }
    // A client certificate for CB-0001 from the test CA that expired yesterday.
    void make_expired() {
        auto ca = ocpp::pki::CertificateAuthority::load(ocpp::read_small_file(pki_->ca_cert).value(),
                                                        ocpp::read_small_file(pki_->dir + "/ca.key").value());
        ASSERT_TRUE(ca) << ca.error().message;
        ocpp::pki::Subject s;
        s.common_name = "CB-0001";
        ocpp::pki::IssueOptions o;
        o.usage = ocpp::pki::Usage::ChargePointClient;
        o.not_before = std::chrono::system_clock::now() - std::chrono::hours(72);
        o.validity = std::chrono::hours(24);
        auto issued = ca->issue(s, o);
        ASSERT_TRUE(issued) << issued.error().message;
        std::ofstream(base_ + ".expired.pem") << issued->second;
        std::ofstream(base_ + ".expired.key") << issued->first.private_pem;
    }

    const TestPki* pki_ = nullptr;
    std::uint16_t tls_port_ = 0;
    std::unique_ptr<ChildProcess> tls_;
};

TEST_F(Profile3Gate, TheChargersOwnCertificateGetsInWithoutAPassword) {
    EXPECT_EQ(connect("CB-0001", pki_->client_cert, pki_->client_key), "");
}

TEST_F(Profile3Gate, ACertificateOfAnotherChargerIsRefusedWithTheReason) {
    const std::string error = connect("CB-0002", pki_->client_cert, pki_->client_key);
    EXPECT_NE(error.find("401"), std::string::npos) << error;
    EXPECT_TRUE(wait_until(
        [&] { return file_text(base_ + ".cs.log").find("is not the Chargebox ID") != std::string::npos; }, 5s))
        << file_text(base_ + ".cs.log");
}

TEST_F(Profile3Gate, AForeignOrExpiredCertificateNeverGetsIn) {
    EXPECT_NE(connect("CB-0001", pki_->other_client_cert, pki_->other_client_key), "");
    make_expired();
    EXPECT_NE(connect("CB-0001", base_ + ".expired.pem", base_ + ".expired.key"), "");
    EXPECT_EQ(connect("CB-0001", pki_->client_cert, pki_->client_key), "") << "the right one still does";
}

TEST_F(Profile3Gate, ACertificateSignedByTheOperatorCaOpensProfile3) {
    // Profile 2 first: the charger asks for a certificate over its password connection and gets it signed.
    tls_.reset();
    start_with_ca();
    const std::string ca = ca_pem();
    auto c = charger("CB-P3");
    auto key = ocpp::pki::generate_key();
    ASSERT_TRUE(key) << key.error().message;
    ocpp::pki::Subject subject;
    subject.common_name = "CB-P3";
    subject.organization = kCpo;
    auto request = ocpp::pki::make_csr(key->private_pem, subject);
    ASSERT_TRUE(request) << request.error().message;
    ASSERT_EQ(sign(*c, *request), "Accepted");
    ASSERT_TRUE(wait_until([&] { return c->calls("CertificateSigned") == 1; }, 10s));
    const std::string chain = parse_json(c->last_payload("CertificateSigned"))["certificateChain"].GetString();
    c.reset();
    std::ofstream(base_ + ".leaf.pem") << chain;
    std::ofstream(base_ + ".leaf.key") << key->private_pem;
    std::ofstream(base_ + ".operator-ca.pem") << ca;
    // Then profile 3: the operator CA is the client CA, and the certificate is the charger's credential.
    cs_.reset();
    start_tls(base_ + ".operator-ca.pem", {"--cpo-name", kCpo, "--ca-passphrase-file", base_ + ".pass"});
    EXPECT_EQ(connect("CB-P3", base_ + ".leaf.pem", base_ + ".leaf.key"), "");
    EXPECT_NE(connect("CB-0001", base_ + ".leaf.pem", base_ + ".leaf.key"), "") << "not another charger's";
    EXPECT_NE(connect("CB-P3", pki_->client_cert, pki_->client_key), "") << "a certificate of another CA";
}

// The first connection after the import matters most: the server's next connection object is made before its accept,
// so its TLS state must be made after the accept, from the store as it is then.
TEST_F(Profile3Gate, AnImportedCaOpensProfile3AtOnceAndTheEarlierOnesStay) {
    // The plain listener serves the API, the TLS listener beside it wants client certificates of the file's CA; the
    // operator CA in use (the test CA, imported at start) is trusted there too.
    tls_.reset();
    tls_port_ = free_port();
    restart({"--tls-listen", "127.0.0.1:" + std::to_string(tls_port_), "--tls-cert", pki_->server_ec_cert, "--tls-key",
             pki_->server_ec_key, "--tls-client-ca", pki_->other_ca_cert, "--ca-cert", pki_->ca_cert, "--ca-key",
             pki_->dir + "/ca.key", "--ca-passphrase-file", passphrase_file("correct horse battery"), "--cpo-name",
             kCpo});
    ASSERT_TRUE(
        wait_until([&] { return file_text(base_ + ".cs.log").find("TLS listening") != std::string::npos; }, 10s))
        << file_text(base_ + ".cs.log");
    EXPECT_EQ(connect("CB-0001", pki_->other_client_cert, pki_->other_client_key), "") << "the file's CA";
    EXPECT_EQ(connect("CB-0001", pki_->client_cert, pki_->client_key), "") << "the operator CA in use";

    // A new operator CA and a certificate of it for CB-0002: refused until the CA is imported, taken right after.
    ocpp::pki::Subject root;
    root.common_name = "Renewed Operator Root";
    root.organization = kCpo;
    auto renewed = ocpp::pki::CertificateAuthority::create(root, std::chrono::system_clock::now() - 1h, 24h);
    ASSERT_TRUE(renewed) << renewed.error().message;
    ocpp::pki::IssueOptions leaf;
    leaf.usage = ocpp::pki::Usage::ChargePointClient;
    leaf.not_before = std::chrono::system_clock::now() - 1h;
    leaf.validity = 12h;
    auto issued = renewed->issue({"CB-0002", kCpo, "", ""}, leaf);
    ASSERT_TRUE(issued) << issued.error().message;
    std::ofstream(base_ + ".new.pem") << issued->second;
    std::ofstream(base_ + ".new.key") << issued->first.private_pem;
    EXPECT_NE(connect("CB-0002", base_ + ".new.pem", base_ + ".new.key"), "") << "not yet trusted";

    rapidjson::StringBuffer body;
    rapidjson::Writer<rapidjson::StringBuffer> w(body);
    w.StartObject();
    w.Key("certificate");
    w.String(renewed->certificate_pem().c_str());
    w.Key("privateKey");
    w.String(renewed->private_key_pem().c_str());
    w.EndObject();
    const auto imported = api("POST", "/api/v1/ca/import", body.GetString());
    ASSERT_EQ(imported.status, 200) << imported.body;

    EXPECT_EQ(connect("CB-0002", base_ + ".new.pem", base_ + ".new.key"), "") << "the imported CA, no restart";
    EXPECT_EQ(connect("CB-0001", pki_->client_cert, pki_->client_key), "") << "the earlier operator CA stays";
    EXPECT_EQ(connect("CB-0001", pki_->other_client_cert, pki_->other_client_key), "") << "the file's CA stays";
    EXPECT_NE(connect("CB-0001", base_ + ".new.pem", base_ + ".new.key"), "") << "still only its own charger";
}

} // namespace
