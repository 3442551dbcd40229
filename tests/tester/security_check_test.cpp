// The security group of the real `ocpp-tester check` binary (--profiles security) against a scripted charger that
// implements the whitepaper's side: the password rotation with either reading of the key, the upgrade from profile
// 1 to 2 over the tester's TLS listener, and each fault with its hint (the old password kept, a ws:// reconnect, a
// root the charger does not use, a profile 3 certificate with the wrong CN or expired); a charger without the
// whitepaper is "not supported", not failed.
#include <regex>

#include "ocpp/pki/pki.hpp"
#include "security_charger.hpp"
#include "store/password.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/run_binary.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const TestPki& pki() {
    std::string error;
    const auto* p = TestPki::get(&error);
    if (!p) {
        ADD_FAILURE() << "cannot make test certificates: " << error;
        std::abort();
    }
    return *p;
}

struct SecureTester {
    Tester t;
    std::string tls_url; // wss://127.0.0.1:PORT/ocpp/ID
};

// A tester with ws:// on --listen and wss:// on --tls-listen, its root given with --tls-root.
SecureTester start_secure(const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--password", kPassword,           "--timeout",   "10",         "--profiles",
                                  "security",   "--tls-listen",      "127.0.0.1:0", "--tls-cert", pki().server_ec_cert,
                                  "--tls-key",  pki().server_ec_key, "--tls-root",  pki().ca_cert};
    args.insert(args.end(), extra.begin(), extra.end());
    SecureTester s{start_tester("CB-1", db, args), {}};
    std::smatch m;
    const std::string out = s.t.child ? s.t.child->stdout_text() : std::string();
    if (std::regex_search(out, m, std::regex(R"(TLS URL \(profile 2\)\s+(\S+))"))) {
        s.tls_url = std::string(m[1]) + "/CB-1";
    } else {
        ADD_FAILURE() << "no TLS URL in the header:\n" << out;
    }
    return s;
}

SecurityScript script_for(const SecureTester& s, const ScratchDir& dir) {
    SecurityScript script;
    script.tls_url = s.tls_url;
    script.scratch_dir = dir.path;
    script.other_ca_file = pki().other_ca_cert;
    return script;
}

CheckResult run_secure(const std::string& name, std::function<void(SecurityScript&)> change,
                       std::string* db_out = nullptr) {
    const auto db = temp_db(name);
    if (db_out) {
        *db_out = db;
    }
    auto s = start_secure(db);
    if (s.tls_url.empty()) {
        return {};
    }
    ScratchDir dir;
    auto script = script_for(s, dir);
    change(script);
    SecurityCharger charger;
    charger.run(s.t.url, basic(), script);
    return finish(s.t, 40s);
}

TEST(SecurityChecks, RotationAndUpgradePassAndTheClaimRecordsProfileTwo) {
    std::string db;
    auto r = run_secure(
        "sec-good", [](SecurityScript&) {}, &db);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    for (const char* id : {"security.tls", "security.installed_certificates", "security.password_rotation",
                           "security.profile_upgrade", "security.event"}) {
        EXPECT_NE(r.out.find(std::string("  ✓ ") + id), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("with the new password: the key's hex text (the reading common in the field)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("back over TLS after"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("with the whitepaper's ECDSA and RSA pairs"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("received: ReconfigurationOfSecurityParameters"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  - security.client_certificate"), std::string::npos) << r.out;
    auto claim = stored_claim(db, claim_code_in(r.out));
    ASSERT_TRUE(claim) << r.out;
    EXPECT_EQ(claim->security_profile, 2) << "the highest profile the charger proved";
    EXPECT_FALSE(store::verify_password(kPassword, claim->password_hash))
        << "the claim carries the rotated password, not the old one";
}

TEST(SecurityChecks, TheDecodedReadingOfTheKeyIsAcceptedAndNamed) {
    auto r = run_secure("sec-decoded", [](SecurityScript& s) { s.reading = SecurityScript::Reading::Decoded; });
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("with the new password: the key's decoded bytes (the whitepaper's reading)"),
              std::string::npos)
        << r.out;
}

TEST(SecurityChecks, AChargerKeepingTheOldPasswordFails) {
    auto r = run_secure("sec-old", [](SecurityScript& s) { s.reading = SecurityScript::Reading::KeepOld; });
    expect_failure(r, "security.password_rotation", "this charger would lock itself out");
    EXPECT_NE(r.out.find("with the old password, although it accepted the new AuthorizationKey"), std::string::npos)
        << r.out;
}

TEST(SecurityChecks, AChargerThatNeverComesBackWithTheKeyFails) {
    auto r = run_secure("sec-garbage", [](SecurityScript& s) { s.reading = SecurityScript::Reading::Garbage; });
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("  ✗ security.password_rotation"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("a password that is neither the new AuthorizationKey nor the old one"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  - security.profile_upgrade"), std::string::npos) << r.out;
}

TEST(SecurityChecks, AnUpgradeThatReconnectsOverWsFails) {
    auto r = run_secure("sec-ws", [](SecurityScript& s) { s.upgrade_over_ws = true; });
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("  ✗ security.profile_upgrade"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("reconnected over ws:// after SecurityProfile 2: its URL must start with wss://"),
              std::string::npos)
        << r.out;
}

TEST(SecurityChecks, AChargerThatDoesNotTrustTheRootFails) {
    auto r = run_secure("sec-untrusted", [](SecurityScript& s) { s.ignore_installed_root = true; });
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("  ✗ security.profile_upgrade"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("does not trust the central system's certificate: install " + pki().ca_cert +
                         " as CentralSystemRootCertificate"),
              std::string::npos)
        << r.out;
}

TEST(SecurityChecks, AChargerWithoutTheWhitepaperIsNotSupportedNotFailed) {
    auto r = run_secure("sec-none", [](SecurityScript& s) { s.whitepaper = false; });
    EXPECT_EQ(r.exit_code, 0) << r.out;
    for (const char* id :
         {"security.installed_certificates", "security.password_rotation", "security.profile_upgrade"}) {
        EXPECT_NE(r.out.find(std::string("  - ") + id), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("not supported by this charger"), std::string::npos) << r.out;
    EXPECT_FALSE(claim_code_in(r.out).empty()) << r.out;
}

TEST(SecurityChecks, NoSecurityEventAfterTheChangesFails) {
    auto r = run_secure("sec-noevent", [](SecurityScript& s) { s.events = false; });
    expect_failure(r, "security.event", "ReconfigurationOfSecurityParameters");
}

// Profile 3: the tester requires client certificates; the charger presents `cert` with `key`.
CheckResult run_profile3(const std::string& name, const std::string& client_ca, const std::string& cert,
                         const std::string& key) {
    auto t = start_tester("CB-1", temp_db(name),
                          {"--timeout", "6", "--profiles", "security", "--tls-cert", pki().server_ec_cert, "--tls-key",
                           pki().server_ec_key, "--tls-client-ca", client_ca});
    if (t.url.empty()) {
        return {};
    }
    ScratchDir dir;
    SecurityScript script;
    script.scratch_dir = dir.path;
    SecurityCharger charger;
    ocpp::net::ClientConfig tls;
    tls.tls = ocpp::net::ClientTlsConfig{pki().ca_cert, cert, key, true};
    charger.run(t.url, ocpp::net::ConnectOptions{}, script, ChargerScript{}, tls);
    return finish(t, 30s);
}

TEST(SecurityChecks, AClientCertificateWithAnotherCnFails) {
    // The test PKI's client certificate names CB-0001; the charger connects as CB-1.
    auto r = run_profile3("sec-cn", pki().ca_cert, pki().client_cert, pki().client_key);
    expect_failure(r, "security.client_certificate", "must be the Chargebox ID");
    EXPECT_NE(r.out.find("its CN \"CB-0001\" is not the Chargebox ID \"CB-1\""), std::string::npos) << r.out;
}

TEST(SecurityChecks, AnExpiredClientCertificateIsNamedAsSuch) {
    const auto now = std::chrono::system_clock::now();
    auto ca = ocpp::pki::CertificateAuthority::create({"Test Operator CA", "Test Operator", "", ""}, now - 72h,
                                                      std::chrono::hours(24 * 30));
    ASSERT_TRUE(ca) << ca.error().message;
    ocpp::pki::IssueOptions io;
    io.usage = ocpp::pki::Usage::ChargePointClient;
    io.not_before = now - 48h;
    io.validity = 24h;
    auto issued = ca->issue({"CB-1", "Test Operator", "", ""}, io);
    ASSERT_TRUE(issued) << issued.error().message;
    ScratchDir dir;
    auto r = run_profile3("sec-expired", dir.file("ca.pem", ca->certificate_pem()),
                          dir.file("client.pem", issued->second), dir.file("client.key", issued->first.private_pem));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("  ✗ security.client_certificate"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(": expired on "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("has expired; a central system refuses it"), std::string::npos) << r.out;
}

TEST(SecurityChecks, TlsListenNeedsACertificate) {
    auto r = run_binary(bin("ocpp-tester"),
                        {"check", "--listen", "127.0.0.1:0", "--chargebox-id", "CB-1", "--tls-listen", "127.0.0.1:0"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("--tls-listen needs --tls-cert and --tls-key"), std::string::npos) << r.output;
}

} // namespace
