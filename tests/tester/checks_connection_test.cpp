// Checks 1–3 on handshakes as the server records them: the diagnoses installers need most.
#include <gtest/gtest.h>

#include "tester/checks/connection.hpp"

using ocpp::net::HandshakeInfo;
using tester::Verdict;

namespace {

tester::TestConfig config(std::optional<std::string> password = std::nullopt) {
    tester::TestConfig c;
    c.chargebox_id = "CB-1";
    c.password = std::move(password);
    c.url = "ws://10.0.0.5:8180/ocpp/CB-1";
    return c;
}

HandshakeInfo info(const std::string& path, const std::string& id) {
    HandshakeInfo i;
    i.remote_address = "10.0.0.77:40000";
    i.path = path;
    i.chargebox_id = id;
    i.offered_subprotocols = {"ocpp1.6"};
    return i;
}

TEST(PathCheck, PassesForTheExpectedId) {
    auto o = tester::check_path(info("/ocpp/CB-1", "CB-1"), config());
    EXPECT_EQ(o.verdict, Verdict::Pass);
}

TEST(PathCheck, AWrongIdNamesWhatTheChargerAskedForAndWhatToConfigure) {
    auto o = tester::check_path(info("/ocpp/CB-2", "CB-2"), config());
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("\"/ocpp/CB-2\""), std::string::npos) << o.seen;
    EXPECT_NE(o.seen.find("\"CB-1\""), std::string::npos) << o.seen;
    EXPECT_NE(o.hint.find("Chargebox ID"), std::string::npos);
    EXPECT_NE(o.hint.find("--chargebox-id CB-2"), std::string::npos) << o.hint;
}

TEST(PathCheck, CaseMattersAndIsExplained) {
    auto o = tester::check_path(info("/ocpp/cb-1", "cb-1"), config());
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("case-sensitive"), std::string::npos);
}

TEST(PathCheck, AMissingIdTellsToAppendIt) {
    auto o = tester::check_path(info("/ocpp", "ocpp"), config());
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.hint.find("did not append"), std::string::npos);
    auto root = tester::check_path(info("/", ""), config());
    EXPECT_EQ(root.verdict, Verdict::Fail);
    EXPECT_NE(root.hint.find("ws://10.0.0.5:8180/ocpp"), std::string::npos) << root.hint;
}

TEST(PathCheck, TheIdTwiceIsAWarning) {
    auto o = tester::check_path(info("/ocpp/CB-1/CB-1", "CB-1"), config());
    EXPECT_EQ(o.verdict, Verdict::Warn);
}

TEST(SubprotocolCheck, Ocpp16OfferedPasses) {
    auto i = info("/ocpp/CB-1", "CB-1");
    i.offered_subprotocols = {"ocpp2.0.1", "ocpp1.6"};
    EXPECT_EQ(tester::check_subprotocol(i).verdict, Verdict::Pass);
}

TEST(SubprotocolCheck, NoneOfferedFails) {
    auto i = info("/ocpp/CB-1", "CB-1");
    i.offered_subprotocols.clear();
    auto o = tester::check_subprotocol(i);
    EXPECT_EQ(o.verdict, Verdict::Fail);
    EXPECT_NE(o.seen.find("no subprotocol"), std::string::npos);
    EXPECT_NE(o.hint.find("OCPP 1.6-J"), std::string::npos);
}

TEST(SubprotocolCheck, AnotherVersionIsNamed) {
    for (const char* version : {"ocpp2.0.1", "ocpp1.5"}) {
        auto i = info("/ocpp/CB-1", "CB-1");
        i.offered_subprotocols = {version};
        auto o = tester::check_subprotocol(i);
        EXPECT_EQ(o.verdict, Verdict::Fail);
        EXPECT_NE(o.hint.find("another OCPP version"), std::string::npos) << version;
        EXPECT_NE(o.hint.find(version), std::string::npos) << o.hint;
    }
}

TEST(SubprotocolCheck, WrongCaseIsExplained) {
    auto i = info("/ocpp/CB-1", "CB-1");
    i.offered_subprotocols = {"OCPP1.6"};
    EXPECT_NE(tester::check_subprotocol(i).hint.find("exact"), std::string::npos);
}

HandshakeInfo with_auth(std::optional<std::string> user, std::optional<std::string> password) {
    auto i = info("/ocpp/CB-1", "CB-1");
    if (user) {
        i.headers["authorization"] = "Basic ...";
        i.basic_user = user;
        i.basic_password = password;
    }
    return i;
}

TEST(AuthCheck, MatchingPasswordPassesAndIsKept) {
    auto d = tester::check_auth(with_auth("CB-1", "Xk29fLq8Zr4mTw7pB"), config("Xk29fLq8Zr4mTw7pB"));
    EXPECT_TRUE(d.accept);
    EXPECT_EQ(d.outcome.verdict, Verdict::Pass);
    EXPECT_EQ(d.password, "Xk29fLq8Zr4mTw7pB");
}

TEST(AuthCheck, WrongPasswordIsRefusedWithoutShowingIt) {
    auto d = tester::check_auth(with_auth("CB-1", "guess-me-please-1"), config("Xk29fLq8Zr4mTw7pB"));
    EXPECT_FALSE(d.accept);
    EXPECT_EQ(d.outcome.verdict, Verdict::Fail);
    EXPECT_NE(d.outcome.seen.find("does not match"), std::string::npos);
    EXPECT_EQ(d.outcome.seen.find("guess-me"), std::string::npos);
    EXPECT_EQ(d.outcome.hint.find("guess-me"), std::string::npos);
    EXPECT_FALSE(d.password);
}

TEST(AuthCheck, WrongUserSaysTheUserMustBeTheChargeboxId) {
    auto d = tester::check_auth(with_auth("admin", "Xk29fLq8Zr4mTw7pB"), config("Xk29fLq8Zr4mTw7pB"));
    EXPECT_FALSE(d.accept);
    EXPECT_NE(d.outcome.seen.find("\"admin\""), std::string::npos);
    EXPECT_NE(d.outcome.seen.find("a password came"), std::string::npos);
    EXPECT_NE(d.outcome.hint.find("user is the Chargebox ID"), std::string::npos);
}

TEST(AuthCheck, MissingHeaderFailsWhenAPasswordIsExpected) {
    auto d = tester::check_auth(with_auth(std::nullopt, std::nullopt), config("Xk29fLq8Zr4mTw7pB"));
    EXPECT_FALSE(d.accept);
    EXPECT_NE(d.outcome.seen.find("no Authorization header"), std::string::npos);
}

TEST(AuthCheck, NoPasswordAnywhereIsProfileZeroWithAWarning) {
    auto d = tester::check_auth(with_auth(std::nullopt, std::nullopt), config());
    EXPECT_TRUE(d.accept);
    EXPECT_EQ(d.outcome.verdict, Verdict::Warn);
}

TEST(AuthCheck, AnyPasswordIsCapturedAndAWeakOneWarns) {
    auto c = config();
    c.accept_any_password = true;
    auto d = tester::check_auth(with_auth("CB-1", "12345678901234567890"), c);
    EXPECT_TRUE(d.accept);
    EXPECT_EQ(d.password, "12345678901234567890");
    EXPECT_EQ(d.outcome.verdict, Verdict::Warn);
    EXPECT_NE(d.outcome.seen.find("digits only"), std::string::npos);
    EXPECT_NE(d.outcome.seen.find("captured"), std::string::npos);
}

TEST(AuthCheck, PasswordWeakness) {
    EXPECT_EQ(tester::password_weakness("short"), "5 characters, fewer than 16");
    EXPECT_EQ(tester::password_weakness("1234567890123456"), "digits only");
    EXPECT_EQ(tester::password_weakness("Xk29fLq8Zr4mTw7p"), "");
}

TEST(TlsCheck, RecordsVersionCipherAndSniAndRefusesOldVersions) {
    auto c = config();
    c.tls = true;
    auto i = info("/ocpp/CB-1", "CB-1");
    i.tls = true;
    i.tls_version = "TLSv1.3";
    i.tls_cipher = "TLS_AES_256_GCM_SHA384";
    i.sni = "tester.local";
    auto o = tester::check_tls(i, c);
    EXPECT_EQ(o.verdict, Verdict::Pass);
    EXPECT_NE(o.seen.find("TLS_AES_256_GCM_SHA384"), std::string::npos);
    EXPECT_NE(o.seen.find("tester.local"), std::string::npos);
    i.tls_version = "TLSv1.1";
    EXPECT_EQ(tester::check_tls(i, c).verdict, Verdict::Fail);
    c.client_certificates = true;
    i.tls_version = "TLSv1.2";
    EXPECT_EQ(tester::check_tls(i, c).verdict, Verdict::Fail) << "profile 3 without a client certificate";
    i.client_cert_subject = "CN=CB-1";
    EXPECT_EQ(tester::check_tls(i, c).verdict, Verdict::Pass);
}

TEST(Rejections, ATlsFailureIsDiagnosedOnTheTlsCheck) {
    auto c = config();
    c.tls = true;
    ocpp::net::RejectedHandshake r{HandshakeInfo{}, 0, "TLS handshake failed: alert unknown ca",
                                   ocpp::net::RejectedHandshake::Kind::TlsHandshake};
    r.info.remote_address = "10.0.0.77:40001";
    auto out = tester::diagnose_rejection(r, c, 1);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].first, tester::CheckId::Tls);
    EXPECT_EQ(out[1].second.verdict, Verdict::Fail);
    EXPECT_NE(out[1].second.hint.find("trusts the CA"), std::string::npos);
}

// A charger set to ws:// on a wss:// tester: OpenSSL sees a plain HTTP request; the hint gives the wss:// URL.
TEST(Rejections, APlainHttpRequestOnTheTlsPortAsksForWss) {
    auto c = config();
    c.tls = true;
    c.url = "wss://10.0.0.5:8443/ocpp/CB-1";
    ocpp::net::RejectedHandshake r{HandshakeInfo{}, 0, "TLS handshake failed: http request",
                                   ocpp::net::RejectedHandshake::Kind::PlainHttpOnTls};
    auto out = tester::diagnose_rejection(r, c, 1);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].first, tester::CheckId::Tls);
    EXPECT_EQ(out[1].second.verdict, Verdict::Fail);
    EXPECT_NE(out[1].second.seen.find("plain HTTP request without TLS (a ws:// URL)"), std::string::npos);
    EXPECT_NE(out[1].second.hint.find("Set the central system URL in the charger to wss://10.0.0.5:8443/ocpp: it "
                                      "starts with wss://, not ws://"),
              std::string::npos)
        << out[1].second.hint;
    EXPECT_NE(out[1].second.hint.find("security profile 2"), std::string::npos);
}

TEST(Rejections, ASubprotocolRefusalBeforeTheHookIsDiagnosed) {
    auto i = info("/ocpp/CB-1", "CB-1");
    i.offered_subprotocols = {"ocpp2.0.1"};
    auto out = tester::diagnose_rejection(
        ocpp::net::RejectedHandshake{i, 400, "no subprotocol", ocpp::net::RejectedHandshake::Kind::Refused}, config(),
        3);
    bool found = false;
    for (const auto& [id, o] : out) {
        if (id == tester::CheckId::Subprotocol) {
            found = true;
            EXPECT_EQ(o.verdict, Verdict::Fail);
        }
        if (id == tester::CheckId::Tcp) {
            EXPECT_NE(o.seen.find("attempt 3"), std::string::npos);
        }
    }
    EXPECT_TRUE(found);
}

TEST(Rejections, AnUpgradeThatNeverCameFailsTcpWithASchemeHint) {
    ocpp::net::RejectedHandshake r{info("", ""), 0, "no WebSocket upgrade request within 10000 ms",
                                   ocpp::net::RejectedHandshake::Kind::NoUpgrade};
    auto out = tester::diagnose_rejection(r, config(), 1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].second.verdict, Verdict::Fail);
    EXPECT_NE(out[0].second.hint.find("ws://"), std::string::npos);
}

TEST(SecurityProfile, FromTheHandshake) {
    auto i = info("/ocpp/CB-1", "CB-1");
    EXPECT_EQ(tester::security_profile(i), 0);
    i.basic_user = "CB-1";
    EXPECT_EQ(tester::security_profile(i), 1);
    i.tls = true;
    EXPECT_EQ(tester::security_profile(i), 2);
    i.client_cert_subject = "CN=CB-1";
    EXPECT_EQ(tester::security_profile(i), 3);
}

} // namespace
