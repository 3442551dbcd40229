// decide_handshake() as a pure function: the answer kind and the effects the gate is to carry out, from what is known.
#include <gtest/gtest.h>

#include "centralsystem/gate/decision.hpp"

namespace {

using namespace std::chrono_literals;
using cs::HandshakeAnswerKind;

struct Case {
    ocpp::net::HandshakeInfo info;
    cs::KnownCredentials known;
    cs::GateInput in;
    Case(const std::string& id, std::optional<std::string> password) {
        info.chargebox_id = id;
        info.remote_address = "192.0.2.1:4000";
        if (password) {
            info.basic_user = id;
            info.basic_password = password;
        }
        in.info = &info;
        in.tag = "tag-of-" + password.value_or("");
        in.source = "192.0.2.1";
    }
    Case& knows(cs::KnownCredentials k) {
        known = std::move(k);
        in.known = &known;
        return *this;
    }
    cs::GateDecision decide() const { return cs::decide_handshake(in); }
};

cs::KnownCredentials with_hash() {
    cs::KnownCredentials k;
    k.password_hash = "stored-hash";
    return k;
}

TEST(GateDecision, AnUnknownIdIsRefusedAndLookedUpOnlyOnASharedDatabase) {
    Case c("CB-9", std::string("pw"));
    auto d = c.decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Unauthorized);
    EXPECT_EQ(d.reason, "unknown_chargebox_id");
    EXPECT_FALSE(d.look_up);
    c.in.shared_database = true;
    EXPECT_TRUE(c.decide().look_up);
}

TEST(GateDecision, AutoRegisterAcceptsAndCapturesAPresentedPassword) {
    Case c("CB-9", std::string("pw"));
    c.in.auto_register = true;
    auto d = c.decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Accept);
    EXPECT_TRUE(d.register_charger);
    EXPECT_TRUE(d.capture_password);
    EXPECT_FALSE(d.notify_captured);
    Case bare("CB-8", std::nullopt);
    bare.in.auto_register = true;
    EXPECT_FALSE(bare.decide().capture_password) << "no password, nothing to hash";
}

TEST(GateDecision, AcceptAnyPasswordCapturesAndNotifiesButNeedsAPassword) {
    cs::KnownCredentials any;
    any.accept_any_password = true;
    auto d = Case("CB-1", std::string("pw")).knows(any).decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Accept);
    EXPECT_TRUE(d.capture_password);
    EXPECT_TRUE(d.notify_captured);
    EXPECT_EQ(Case("CB-1", std::string("")).knows(any).decide().reason, "no_password");
}

TEST(GateDecision, AnInvalidIdIsABadRequestNamingTheProblem) {
    Case c("bad id with spaces", std::nullopt);
    c.in.auto_register = true;
    auto d = c.decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::InvalidId);
    EXPECT_FALSE(d.detail.empty());
    EXPECT_FALSE(d.register_charger);
}

TEST(GateDecision, AKnownPasswordPassesEvenWhileBackingOff) {
    auto k = with_hash();
    k.verified_tag = "tag-of-pw";
    Case c("CB-1", std::string("pw"));
    c.knows(k).in.id_blocked = 3s;
    EXPECT_EQ(c.decide().answer, HandshakeAnswerKind::Accept);
}

TEST(GateDecision, BackingOffThrottlesWithTheLongerWaitAndNames) {
    Case c("CB-1", std::string("guess"));
    c.knows(with_hash()).in.id_blocked = 2s;
    c.in.address_blocked = 5s;
    auto d = c.decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Throttled);
    EXPECT_EQ(d.reason, "throttled");
    EXPECT_EQ(d.wait, 5s);
    EXPECT_NE(d.why.find("from 192.0.2.1"), std::string::npos) << d.why;
}

TEST(GateDecision, AKnownWrongPasswordIsRefusedWithoutACheck) {
    auto k = with_hash();
    k.refused_tag = "tag-of-guess";
    auto d = Case("CB-1", std::string("guess")).knows(k).decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Unauthorized);
    EXPECT_TRUE(d.remember_refused);
}

TEST(GateDecision, ANewPasswordIsCheckedUnlessAnotherCheckOfTheIdRuns) {
    Case c("CB-1", std::string("pw"));
    c.knows(with_hash());
    EXPECT_EQ(c.decide().answer, HandshakeAnswerKind::CheckPassword);
    c.in.running = cs::RunningCheck{true, 1};
    EXPECT_EQ(c.decide().answer, HandshakeAnswerKind::CheckPassword) << "the same password joins the check";
    c.in.running = cs::RunningCheck{true, cs::kMaxWaitingPerCheck};
    EXPECT_EQ(c.decide().reason, "check_in_progress");
    c.in.running = cs::RunningCheck{false, 1};
    EXPECT_EQ(c.decide().answer, HandshakeAnswerKind::Throttled);
}

// Plain WebSocket from one of --tls-proxy that ended TLS in front (the server's verdict: HandshakeInfo::tls_at_proxy,
// tested with the server in tests/net/proxy_server_test.cpp).
void through_proxy(ocpp::net::HandshakeInfo& info, bool tls_at_proxy) {
    info.peer_address = "10.0.0.5:41234";
    info.from_trusted_proxy = true;
    info.headers["x-forwarded-proto"] = "https";
    info.tls_at_proxy = tls_at_proxy;
}

TEST(GateDecision, TlsEndedAtATlsProxyProvesProfile2AndATrustedProxysHeaderAloneDoesNot) {
    ocpp::net::HandshakeInfo info;
    info.basic_password = "pw";
    through_proxy(info, true);
    EXPECT_EQ(cs::proven_profile(info), 2);
    through_proxy(info, false);
    EXPECT_EQ(cs::proven_profile(info), 1) << "X-Forwarded-Proto from a proxy not named in --tls-proxy proves nothing";
}

TEST(GateDecision, AProfile2ChargerGetsInThroughTlsEndedAtATlsProxyOnly) {
    auto k = with_hash();
    k.security_profile = 2;
    Case c("CB-1", std::string("pw"));
    c.knows(k);
    through_proxy(c.info, true);
    EXPECT_EQ(c.decide().answer, HandshakeAnswerKind::CheckPassword) << c.decide().why;
    through_proxy(c.info, false);
    const auto d = c.decide();
    EXPECT_EQ(d.reason, "downgrade_attempt");
    EXPECT_TRUE(d.downgrade);
    EXPECT_NE(d.why.find("connect over TLS"), std::string::npos) << d.why;
}

TEST(GateDecision, AProfile3ChargerThroughTlsEndedAtAProxyIsADowngradeNamingThePassthrough) {
    auto k = with_hash();
    k.security_profile = 3;
    Case c("CB-1", std::string("pw"));
    c.knows(k);
    through_proxy(c.info, true);
    const auto d = c.decide();
    EXPECT_EQ(d.answer, HandshakeAnswerKind::Unauthorized);
    EXPECT_EQ(d.reason, "downgrade_attempt");
    EXPECT_TRUE(d.downgrade);
    EXPECT_NE(d.why.find("TLS passed through, not ended at a proxy"), std::string::npos) << d.why;
}

} // namespace
