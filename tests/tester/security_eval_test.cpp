// The security group's verdicts on recorded handshakes (no connection): the whitepaper's TLS versions and cipher
// suites, a profile 3 client certificate (chain, CN, O, validity), and how a reconnect's password reads against the
// AuthorizationKey the tester set.
#include <gtest/gtest.h>

#include "ocpp/pki/authorization_key.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/system/small_file.hpp"
#include "tester/checks/profiles/security.hpp"
#include "tester/checks/profiles/security_tls.hpp"
#include "tester/serve/command.hpp"
#include "tests/support/net_support.hpp"

using namespace tester;
using namespace tester::profiles;

namespace {

ocpp::net::HandshakeInfo tls_info(std::string version, std::string offered) {
    ocpp::net::HandshakeInfo info;
    info.tls = true;
    info.tls_version = std::move(version);
    info.tls_cipher = "ECDHE-ECDSA-AES128-GCM-SHA256";
    info.tls_offered_ciphers = std::move(offered);
    info.tls_offered_versions = "TLSv1.3,TLSv1.2";
    return info;
}

TEST(SecurityTls, BothSuitesOfOnePairPass) {
    auto o = check_whitepaper_tls(tls_info("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                                                      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
    EXPECT_EQ(o.verdict, Verdict::Pass) << o.seen;
    EXPECT_NE(o.seen.find("the whitepaper's ECDSA pair"), std::string::npos) << o.seen;
    EXPECT_NE(o.seen.find("versions offered: TLSv1.3,TLSv1.2"), std::string::npos) << o.seen;
}

TEST(SecurityTls, HalfAPairOfEachFailsAndNamesWhatIsMissing) {
    auto o = check_whitepaper_tls(tls_info("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                                                      "TLS_RSA_WITH_AES_256_GCM_SHA384,"
                                                      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("Missing: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_GCM_SHA256"),
              std::string::npos)
        << o.hint;
}

TEST(SecurityTls, TlsOneDotOneFails) {
    auto o = check_whitepaper_tls(tls_info("TLSv1.1", ""));
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("TLS 1.2 or newer"), std::string::npos);
    EXPECT_NE(o.seen.find("the suites the charger offered are unknown"), std::string::npos) << o.seen;
}

TEST(SecurityTls, SniIsReported) {
    auto info = tls_info("TLSv1.3", "TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384");
    info.sni = "cs.example.com";
    auto o = check_whitepaper_tls(info);
    EXPECT_EQ(o.verdict, Verdict::Pass);
    EXPECT_NE(o.seen.find("SNI \"cs.example.com\""), std::string::npos) << o.seen;
}

TEST(SecurityClientCertificate, NoCertificateFails) {
    TestConfig config;
    config.chargebox_id = "CB-1";
    ocpp::net::HandshakeInfo info;
    info.tls = true;
    auto o = check_client_certificate(info, config, std::chrono::system_clock::now());
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("--tls-client-ca"), std::string::npos);
}

TEST(SecurityClientCertificate, ChainOrganizationAndExpiryAreJudged) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_TRUE(pki) << error;
    const auto now = std::chrono::system_clock::now();
    TestConfig config;
    config.chargebox_id = "CB-0001";
    config.client_ca_pem = ocpp::read_small_file(pki->ca_cert).value();
    ocpp::net::HandshakeInfo info;
    info.tls = true;
    info.client_cert_chain_pem = ocpp::read_small_file(pki->client_cert).value();
    // The test PKI's certificates are valid for two days: a warning to renew.
    auto o = check_client_certificate(info, config, now);
    EXPECT_EQ(o.verdict, Verdict::Warn) << o.seen;
    EXPECT_NE(o.seen.find("expires in 1 day"), std::string::npos) << o.seen;
    EXPECT_NE(o.seen.find("ECDSA"), std::string::npos) << o.seen;
    EXPECT_NE(o.hint.find("Renew"), std::string::npos) << o.hint;
    EXPECT_EQ(check_client_certificate(info, config, now - std::chrono::hours(24 * 3)).verdict, Verdict::Fail)
        << "not valid yet three days ago";

    config.client_ca_pem = ocpp::read_small_file(pki->other_ca_cert).value();
    o = check_client_certificate(info, config, now);
    EXPECT_EQ(o.verdict, Verdict::Fail) << o.seen;
    EXPECT_NE(o.seen.find("not signed by the client CA"), std::string::npos) << o.seen;

    info.client_cert_chain_pem = ocpp::read_small_file(pki->other_client_cert).value(); // no O
    o = check_client_certificate(info, config, now);
    EXPECT_EQ(o.verdict, Verdict::Fail) << o.seen;
    EXPECT_NE(o.seen.find("no O (organizationName)"), std::string::npos) << o.seen;
    EXPECT_NE(o.hint.find("CpoName"), std::string::npos);

    info.client_cert_chain_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    o = check_client_certificate(info, config, now);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("cannot be read"), std::string::npos) << o.seen;
}

TEST(SecurityKey, TheKeyIsFortyHexDigitsWithAPrintableDecodedReading) {
    const auto key = printable_authorization_key();
    EXPECT_EQ(key.size(), 40u);
    EXPECT_FALSE(ocpp::pki::authorization_key_problem(key)) << key;
    EXPECT_EQ(ocpp::pki::basic_passwords_for_key(key).size(), 2u) << "both readings possible: " << key;
    EXPECT_NE(printable_authorization_key(), key) << "random";
}

TEST(SecurityKey, EachReadingIsRecognised) {
    const auto key = printable_authorization_key();
    const auto decoded = *ocpp::pki::decode_hex(key);
    const std::optional<std::string> old = std::string("old-password-1234");
    EXPECT_EQ(read_password(key, old, key), KeyReading::Hex);
    EXPECT_EQ(read_password(key, old, decoded), KeyReading::Decoded);
    EXPECT_EQ(read_password(key, old, old), KeyReading::Old);
    EXPECT_EQ(read_password(key, old, std::string("something else")), KeyReading::Unknown);
    EXPECT_EQ(read_password(key, old, std::nullopt), KeyReading::Unknown);
}

} // namespace

namespace {

ocpp::Result<tester::ServeOptions> parse_serve(std::vector<std::string> args) {
    std::vector<char*> v;
    for (auto& a : args) {
        v.push_back(a.data());
    }
    return tester::parse_serve_options(static_cast<int>(v.size()), v.data());
}

TEST(SecurityServeOptions, TlsListenNeedsACertificateAndTakesItsAddress) {
    auto bad = parse_serve({"serve", "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--tls-listen needs --tls-cert and --tls-key");
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_TRUE(pki) << error;
    auto ok = parse_serve({"serve", "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:8443", "--tls-cert",
                           pki->server_ec_cert, "--tls-key", pki->server_ec_key, "--tls-root", pki->ca_cert});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE(ok->tls_listen);
    EXPECT_EQ(ok->tls_listen_port, 8443);
    EXPECT_EQ(ok->tls_root, pki->ca_cert);
    auto missing = parse_serve({"serve", "--listen", "127.0.0.1:0", "--tls-root", "/nonexistent/root.pem"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.rfind("--tls-root: ", 0), 0u) << missing.error().message;
}

TEST(SecurityRoot, TheLastCertificateOfAChainOrASelfSignedOneIsTheRoot) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_TRUE(pki) << error;
    const auto ca = ocpp::read_small_file(pki->ca_cert).value();
    const auto leaf = ocpp::read_small_file(pki->server_ec_cert).value();
    const auto fingerprint = [](const std::string& pem) {
        auto certs = ocpp::pki::read_certificates(pem);
        return certs ? certs->front().sha256_fingerprint : std::string("unreadable");
    };
    EXPECT_EQ(fingerprint(root_of_chain(ca)), fingerprint(ca)) << "a self-signed CA is its own root";
    EXPECT_EQ(fingerprint(root_of_chain(leaf + ca)), fingerprint(ca)) << "the last certificate of a chain";
    EXPECT_EQ(root_of_chain(leaf), "") << "a leaf alone names no root (give --tls-root)";
    EXPECT_EQ(root_of_chain("garbage"), "");
}

} // namespace
