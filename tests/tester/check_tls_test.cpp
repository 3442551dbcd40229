// `ocpp-tester check` over wss:// (security profiles 2 and 3) with throwaway certificates from tests/net's PKI.
#include "check_support.hpp"
#include "tests/support/net_support.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const ocppkit::test::TestPki* pki_or_skip() {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    if (!pki) {
        ADD_FAILURE() << "cannot make test certificates: " << error;
    }
    return pki;
}

ocpp::net::ClientConfig trusting(const std::string& ca, const std::string& cert = "", const std::string& key = "") {
    ocpp::net::ClientConfig c;
    c.tls = ocpp::net::ClientTlsConfig{ca, cert, key, true};
    return c;
}

TEST(CheckCommandTls, ProfileTwoPassesAndRecordsTheTlsFacts) {
    const auto* pki = pki_or_skip();
    ASSERT_TRUE(pki);
    const auto db = temp_db("tls2");
    auto t = start_tester("CB-1", db,
                          {"--password", kPassword, "--timeout", "10", "--tls-cert", pki->server_rsa_cert, "--tls-key",
                           pki->server_rsa_key});
    ASSERT_EQ(t.url.rfind("wss://127.0.0.1:", 0), 0u) << t.url;
    ChargerThread charger;
    charger.run(t.url, basic(), ChargerScript{}, trusting(pki->ca_cert));
    auto r = finish(t, 20s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("  ✓ connection.tls"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("TLSv1."), std::string::npos) << r.out;
    auto claim = stored_claim(db, claim_code_in(r.out));
    ASSERT_TRUE(claim) << r.out;
    EXPECT_EQ(claim->security_profile, 2);
}

TEST(CheckCommandTls, ProfileThreeNeedsAndRecordsTheClientCertificate) {
    const auto* pki = pki_or_skip();
    ASSERT_TRUE(pki);
    const auto db = temp_db("tls3");
    auto t = start_tester("CB-0001", db,
                          {"--timeout", "10", "--tls-cert", pki->server_rsa_cert, "--tls-key", pki->server_rsa_key,
                           "--tls-client-ca", pki->ca_cert});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, ocpp::net::ConnectOptions{}, ChargerScript{},
                trusting(pki->ca_cert, pki->client_cert, pki->client_key));
    auto r = finish(t, 20s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("client certificate"), std::string::npos) << r.out;
    auto claim = stored_claim(db, claim_code_in(r.out));
    ASSERT_TRUE(claim) << r.out;
    EXPECT_EQ(claim->security_profile, 3);
}

TEST(CheckCommandTls, AChargerThatDoesNotTrustTheCertificateIsDiagnosed) {
    const auto* pki = pki_or_skip();
    ASSERT_TRUE(pki);
    auto t = start_tester("CB-1", temp_db("tlsbad"),
                          {"--password", kPassword, "--timeout", "3", "--tls-cert", pki->server_rsa_cert, "--tls-key",
                           pki->server_rsa_key});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, basic(), ChargerScript{}, trusting(pki->other_ca_cert));
    expect_failure(finish(t, 15s), "connection.tls", "trusts the CA");
}

} // namespace
