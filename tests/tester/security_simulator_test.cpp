// The security group of the real `ocpp-tester check` against the real `ocpp-simulator run` (not a scripted peer):
// the password rotation and the upgrade from profile 1 to 2 (the tester's root installed, the charger back on the
// tester's TLS listener trusting only that root), and OCTT's TC_087_CS: a charger on profile 3 presenting a client
// certificate of the operator's CA with its Chargebox ID as CN, judged on the handshake; one whose certificate
// names another charger fails with the hint to issue one with its own ID.
#include <algorithm>
#include <regex>

#include "check_support.hpp"
#include "ocpp/pki/pki.hpp"
#include "store/password.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/run_binary.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const TestPki& simulator_pki() {
    std::string error;
    const auto* p = TestPki::get(&error);
    if (!p) {
        ADD_FAILURE() << "cannot make test certificates: " << error;
        std::abort();
    }
    return *p;
}

TEST(SecurityAgainstTheSimulator, RotationAndTheUpgradeFrom1To2PassAndTheClaimRecordsProfile2) {
    const auto db = temp_db("sec-sim-upgrade");
    auto t = start_tester("SECU000001", db,
                          {"--password", kPassword, "--timeout", "20", "--profiles", "security", "--tls-listen",
                           "127.0.0.1:0", "--tls-cert", simulator_pki().server_ec_cert, "--tls-key",
                           simulator_pki().server_ec_key, "--tls-root", simulator_pki().ca_cert});
    ASSERT_FALSE(t.url.empty());
    std::smatch m;
    const std::string header = t.child->stdout_text();
    ASSERT_TRUE(std::regex_search(header, m, std::regex(R"(TLS URL \(profile 2\)\s+(\S+))"))) << header;
    const std::string tls_base = m[1];
    // No --ca: after the upgrade the simulated charger trusts only the root the tester installed.
    std::string error;
    auto sim = ChildProcess::spawn({bin("ocpp-simulator"), "run", "--url", t.base(), "--secure-url", tls_base,
                                    "--chargers", "1", "--id-prefix", "SECU", "--password", kPassword,
                                    "--sessions-per-hour", "0", "--duration", "120"},
                                   error);
    ASSERT_TRUE(sim) << error;
    auto r = finish(t, 130s);
    sim->stop();
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_TRUE(r.failed.empty()) << r.out;
    for (const char* id : {"security.tls", "security.installed_certificates", "security.password_rotation",
                           "security.profile_upgrade", "security.event"}) {
        EXPECT_NE(r.out.find(std::string("  ✓ ") + id), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("back over TLS after"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  - security.client_certificate"), std::string::npos) << r.out;
    auto claim = stored_claim(db, claim_code_in(r.out));
    ASSERT_TRUE(claim) << r.out;
    EXPECT_EQ(claim->security_profile, 2) << "the highest profile the charger proved";
    EXPECT_FALSE(store::verify_password(kPassword, claim->password_hash))
        << "the claim carries the rotated password, not the old one";
}

// TC_087_CS: the simulator connects on profile 3 with `cn` as its certificate's CN, issued by an operator CA that
// the tester takes as --tls-client-ca.
CheckResult run_tc087(const std::string& name, const std::string& cn) {
    const auto now = std::chrono::system_clock::now();
    auto ca = ocpp::pki::CertificateAuthority::create({"Sim Operator CA", "Sim Operator", "", ""},
                                                      now - std::chrono::hours(1), std::chrono::hours(24 * 365));
    EXPECT_TRUE(ca) << ca.error().message;
    if (!ca) {
        return {};
    }
    ocpp::pki::IssueOptions io;
    io.usage = ocpp::pki::Usage::ChargePointClient;
    io.not_before = now - std::chrono::hours(1);
    io.validity = std::chrono::hours(24 * 200);
    auto issued = ca->issue({cn, "Sim Operator", "", ""}, io);
    EXPECT_TRUE(issued) << issued.error().message;
    if (!issued) {
        return {};
    }
    ScratchDir dir;
    const std::string ca_file = dir.file("operator-ca.pem", ca->certificate_pem());
    const std::string cert = dir.file("client.pem", issued->second);
    const std::string key = dir.file("client.key", issued->first.private_pem);
    auto t = start_tester("TCCS000001", temp_db(name),
                          {"--timeout", "8", "--profiles", "security", "--tls-cert", simulator_pki().server_ec_cert,
                           "--tls-key", simulator_pki().server_ec_key, "--tls-client-ca", ca_file});
    if (t.url.empty()) {
        return {};
    }
    std::string wss = t.base();
    EXPECT_EQ(wss.rfind("wss://", 0), 0u) << wss;
    std::string error;
    auto sim = ChildProcess::spawn({bin("ocpp-simulator"), "run", "--url", wss, "--ca", simulator_pki().ca_cert,
                                    "--cert", cert, "--key", key, "--chargers", "1", "--id-prefix", "TCCS",
                                    "--sessions-per-hour", "0", "--duration", "90"},
                                   error);
    EXPECT_TRUE(sim) << error;
    auto r = finish(t, 100s);
    if (sim) {
        sim->stop();
    }
    return r;
}

TEST(SecurityAgainstTheSimulator, Tc087TheSimulatorsClientCertificatePassesOnProfile3) {
    auto r = run_tc087("sec-sim-tc087", "TCCS000001");
    EXPECT_NE(r.out.find("  ✓ security.client_certificate"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("client certificate \"CN=TCCS000001"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  ✓ security.tls"), std::string::npos) << r.out;
    EXPECT_EQ(std::find(r.failed.begin(), r.failed.end(), "security.client_certificate"), r.failed.end()) << r.out;
}

TEST(SecurityAgainstTheSimulator, Tc087ACertificateNamingAnotherChargerFailsWithItsHint) {
    auto r = run_tc087("sec-sim-tc087-cn", "OTHER00001");
    EXPECT_NE(r.out.find("  ✗ security.client_certificate"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("its CN \"OTHER00001\" is not the Chargebox ID \"TCCS000001\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Issue a certificate with CN TCCS000001"), std::string::npos) << r.out;
}

} // namespace
