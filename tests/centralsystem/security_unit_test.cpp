// The security room's pure parts: which security events are critical, the CSR policy (subject and key), the CN of a
// client certificate's subject, the per-charger signing limit, and the gate's profile-3 rule (the client
// certificate's commonName must be the Chargebox ID, and then it stands in for the password).
#include <gtest/gtest.h>

#include "centralsystem/gate/decision.hpp"
#include "centralsystem/security/csr_policy.hpp"
#include "centralsystem/security/events.hpp"
#include "centralsystem/security/sign_limiter.hpp"

namespace {

using namespace std::chrono_literals;
using namespace cs::security;

TEST(SecurityEvents, TheWhitepapersCriticalEventsAreCriticalAndOthersAreNot) {
    for (const char* critical : {"FirmwareUpdated", "SettingSystemTime", "StartupOfTheDevice", "ResetOrReboot",
                                 "SecurityLogWasCleared", "MemoryExhaustion", "TamperDetectionActivated"}) {
        EXPECT_TRUE(is_critical_event(critical)) << critical;
        EXPECT_TRUE(is_known_event(critical)) << critical;
    }
    for (const char* other : {"FailedToAuthenticateAtCentralSystem", "InvalidFirmwareSignature", "InvalidTLSVersion",
                              "InvalidChargePointCertificate", "ReconfigurationOfSecurityParameters"}) {
        EXPECT_FALSE(is_critical_event(other)) << other;
        EXPECT_TRUE(is_known_event(other)) << other;
    }
    EXPECT_FALSE(is_known_event("VendorSpecificThing"));
    EXPECT_FALSE(is_critical_event("VendorSpecificThing"));
    EXPECT_FALSE(is_critical_event("firmwareupdated")) << "types are case-sensitive as the whitepaper writes them";
}

ocpp::pki::CsrInfo csr(const std::string& cn, const std::string& o) {
    ocpp::pki::CsrInfo info;
    info.subject.common_name = cn;
    info.subject.organization = o;
    return info;
}

TEST(CsrPolicy, TheSubjectMustNameTheChargerAndTheOperator) {
    EXPECT_EQ(csr_refusal(csr("CB-1", "Acme"), "CB-1", "Acme"), std::nullopt);
    const auto wrong_cn = csr_refusal(csr("CB-2", "Acme"), "CB-1", "Acme");
    ASSERT_TRUE(wrong_cn);
    EXPECT_NE(wrong_cn->find("commonName \"CB-2\" is not the Chargebox ID \"CB-1\""), std::string::npos) << *wrong_cn;
    const auto wrong_o = csr_refusal(csr("CB-1", "Evil"), "CB-1", "Acme");
    ASSERT_TRUE(wrong_o);
    EXPECT_NE(wrong_o->find("organizationName \"Evil\""), std::string::npos) << *wrong_o;
    EXPECT_TRUE(csr_refusal(csr("cb-1", "Acme"), "CB-1", "Acme")) << "the Chargebox ID is compared exactly";
    EXPECT_TRUE(csr_refusal(csr("CB-1", ""), "CB-1", "Acme"));
}

TEST(CsrPolicy, TheCommonNameOfAnRfc2253Subject) {
    EXPECT_EQ(common_name_of("CN=CB-0001"), "CB-0001");
    EXPECT_EQ(common_name_of("CN=CB-1,O=Acme,C=DE"), "CB-1");
    EXPECT_EQ(common_name_of("O=Acme,CN=CB-1"), "CB-1");
    EXPECT_EQ(common_name_of("CN=CB\\,1,O=Acme"), "CB,1") << "an escaped comma belongs to the value";
    EXPECT_EQ(common_name_of("O=Acme"), "");
    EXPECT_EQ(common_name_of(""), "");
}

TEST(SignLimiter, OneSigningAtATimeAndAtMostAFewPerWindow) {
    SignLimiter::Limits limits;
    limits.per_window = 3;
    limits.window = 1h;
    SignLimiter limiter(limits);
    const ocpp::Clock::TimePoint t0{};
    EXPECT_EQ(limiter.refuse("CB-1", t0), "");
    EXPECT_NE(limiter.refuse("CB-1", t0), "") << "the first is still being signed";
    EXPECT_EQ(limiter.refuse("CB-2", t0), "") << "other chargers are not held up";
    limiter.done("CB-1");
    EXPECT_EQ(limiter.refuse("CB-1", t0 + 1s), "");
    limiter.done("CB-1");
    EXPECT_EQ(limiter.refuse("CB-1", t0 + 2s), "");
    limiter.done("CB-1");
    const std::string why = limiter.refuse("CB-1", t0 + 3s);
    EXPECT_NE(why.find("try again in"), std::string::npos) << why;
    int refused = 0;
    for (int i = 0; i < 1000; ++i) {
        refused += limiter.refuse("CB-1", t0 + 4s) != "" ? 1 : 0;
    }
    EXPECT_EQ(refused, 1000) << "a flood of requests costs no signing";
    EXPECT_EQ(limiter.refuse("CB-1", t0 + 1h + 1s), "") << "the window moves on";
}

TEST(SignLimiter, ManyDistinctChargersStayBounded) {
    SignLimiter::Limits limits;
    limits.chargers = 100;
    SignLimiter limiter(limits);
    const ocpp::Clock::TimePoint t0{};
    for (int i = 0; i < 1000; ++i) {
        const std::string id = "CB-" + std::to_string(i);
        EXPECT_EQ(limiter.refuse(id, t0), "");
        limiter.done(id);
    }
}

struct Profile3 {
    ocpp::net::HandshakeInfo info;
    cs::KnownCredentials known;
    cs::GateInput in;
    Profile3(const std::string& id, const std::string& subject) {
        info.chargebox_id = id;
        info.remote_address = "192.0.2.1:4000";
        info.tls = true;
        info.client_cert_subject = subject;
        known.password_hash = "stored-hash";
        in.info = &info;
        in.known = &known;
        in.source = "192.0.2.1";
    }
};

TEST(GateProfile3, AClientCertificateOfThisChargerStandsInForThePassword) {
    Profile3 p("CB-0001", "CN=CB-0001,O=Acme");
    EXPECT_EQ(cs::decide_handshake(p.in).answer, cs::HandshakeAnswerKind::Accept);
}

TEST(GateProfile3, AClientCertificateOfAnotherChargerIsRefusedWithTheReason) {
    Profile3 p("CB-0002", "CN=CB-0001,O=Acme");
    const auto d = cs::decide_handshake(p.in);
    EXPECT_EQ(d.answer, cs::HandshakeAnswerKind::Unauthorized);
    EXPECT_EQ(d.reason, "certificate_mismatch");
    EXPECT_NE(d.why.find("commonName \"CB-0001\" is not the Chargebox ID"), std::string::npos) << d.why;
    Profile3 none("CB-0001", "O=Acme");
    EXPECT_EQ(cs::decide_handshake(none.in).reason, "certificate_mismatch") << "a certificate without a CN";
}

TEST(GateProfile3, WithoutAClientCertificateThePasswordRulesStay) {
    Profile3 p("CB-0001", "");
    const auto d = cs::decide_handshake(p.in);
    EXPECT_EQ(d.answer, cs::HandshakeAnswerKind::Unauthorized);
    EXPECT_EQ(d.reason, "no_password");
}

} // namespace
