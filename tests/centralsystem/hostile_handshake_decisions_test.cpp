// Password guessing against the handshake decisions, on a manual clock (the real binary: hostile_handshake_test.cpp):
// one check per Chargebox ID at a time, the back-off per ID and per source address (answered without PBKDF2), a
// password the memo knows passing through both, and the right password working once the back-off has expired.
#include "centralsystem/options.hpp"
#include "tests/centralsystem/handlers_fixture.hpp"

namespace {

using namespace std::chrono_literals;

class HostileHandshakeDecisions : public cs_test::HandlersTest {
protected:
    // The decision with the upgrade coming from `source`; guesses and the right password alike.
    ocpp::net::HandshakeDecision try_password(const std::string& id, const std::string& password,
                                              const std::string& source = "192.0.2.1") {
        auto info = handshake(id, password);
        info.remote_address = source + ":40000";
        return decide(info);
    }
    // The decision if it comes at once; nullopt when a check runs off the loop first.
    std::optional<ocpp::net::HandshakeDecision> at_once(const std::string& id, const std::string& password,
                                                        const std::string& source = "192.0.2.1") {
        auto info = handshake(id, password);
        info.remote_address = source + ":40001";
        std::optional<ocpp::net::HandshakeDecision> got;
        central_->on_handshake(info, [&got](ocpp::net::HandshakeDecision d) { got = std::move(d); });
        return got;
    }
    std::string metrics() { return central_->render_metrics(0); }
    // The value of one line of /metrics ("name{labels} value"), -1 when absent.
    double metric(const std::string& name) {
        const std::string text = metrics();
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
    }
    double checks() { return metric("ocpp_password_hashes_total{kind=\"check\"}"); }
};

TEST_F(HostileHandshakeDecisions, OneCheckPerChargeboxIdAtATimeFurtherGuessesRefusedAtOnce) {
    std::vector<int> statuses;
    auto keep = [&](ocpp::net::HandshakeDecision d) { statuses.push_back(d.status); };
    central_->on_handshake(handshake("CB-1", std::string("guess-1")), keep);
    EXPECT_TRUE(statuses.empty()) << "the first guess is checked off the loop";
    const auto second = at_once("CB-1", "guess-2");
    ASSERT_TRUE(second.has_value()) << "a second password for the same ID is not queued behind the first";
    EXPECT_EQ(second->status, 429);
    EXPECT_GE(second->retry_after, 1);
    central_->on_handshake(handshake("CB-1", std::string("guess-1")), keep); // the same password: shares the check
    ASSERT_TRUE(run_until([&] { return statuses.size() == 2; }));
    EXPECT_EQ(statuses, (std::vector<int>{401, 401}));
    EXPECT_EQ(checks(), 1);
    EXPECT_EQ(metric("ocpp_handshake_refusals_total{reason=\"check_in_progress\"}"), 1);
}

TEST_F(HostileHandshakeDecisions, FailuresOfOneIdBackOffWithoutHashingUntilTheDelayPasses) {
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(try_password("CB-1", "guess-" + std::to_string(i), "192.0.2." + std::to_string(i)).status, 401);
    }
    EXPECT_EQ(checks(), 3);
    // The third failure started a 1 s back-off for CB-1, from any address, right password or not.
    for (const char* password : {"guess-4", "right-password"}) {
        const auto refused = at_once("CB-1", password, "198.51.100.9");
        ASSERT_TRUE(refused.has_value()) << "refused at once, without a check";
        EXPECT_EQ(refused->status, 429);
        EXPECT_EQ(refused->retry_after, 1);
        EXPECT_NE(refused->reason.find("Chargebox ID"), std::string::npos) << refused->reason;
    }
    EXPECT_EQ(checks(), 3);
    clock_.advance(1s);
    EXPECT_EQ(try_password("CB-1", "guess-5", "192.0.2.4").status, 401) << "checked again after the delay";
    const auto doubled = at_once("CB-1", "guess-6");
    ASSERT_TRUE(doubled.has_value());
    EXPECT_EQ(doubled->retry_after, 2) << "the next failure doubles the delay";
    clock_.advance(2s);
    EXPECT_EQ(try_password("CB-1", "right-password", "192.0.2.5").status, 0) << "the right password gets in";
    EXPECT_EQ(checks(), 5);
    EXPECT_EQ(metric("ocpp_handshake_refusals_total{reason=\"throttled\"}"), 3);
}

TEST_F(HostileHandshakeDecisions, AVerifiedPasswordPassesWhileItsIdBacksOff) {
    ASSERT_EQ(try_password("CB-1", "right-password").status, 0);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(try_password("CB-1", "guess-" + std::to_string(i)).status, 401);
    }
    ASSERT_EQ(at_once("CB-1", "guess-4").value_or(ocpp::net::HandshakeDecision{}).status, 429);
    const auto known = at_once("CB-1", "right-password");
    ASSERT_TRUE(known.has_value());
    EXPECT_EQ(known->status, 0) << "answered from the memo, before and without any check";
}

TEST_F(HostileHandshakeDecisions, OneAddressGuessingManyIdsBacksOffButChargersTheMemoKnowsStillPass) {
    const std::string nat = "203.0.113.7";
    for (int i = 0; i < 12; ++i) {
        central_->put_credentials(
            "CB-G" + std::to_string(i),
            cs::Credentials{store::hash_password("pw-" + std::to_string(i), 1000), cs::ChargerStatus::Planned});
    }
    ASSERT_EQ(try_password("CB-1", "right-password", nat).status, 0); // a charger behind the same NAT, verified
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(try_password("CB-G" + std::to_string(i), "guess", nat).status, 401) << i;
    }
    // Ten failures from one address (one per ID, so no ID backs off): the address does.
    const auto refused = at_once("CB-G10", "guess", nat);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 429);
    EXPECT_NE(refused->reason.find(nat), std::string::npos) << refused->reason;
    EXPECT_EQ(at_once("CB-1", "right-password", nat).value_or(ocpp::net::HandshakeDecision::refuse(599, "")).status, 0)
        << "only failures count: a charger whose password is known is not delayed";
    EXPECT_EQ(try_password("CB-G10", "pw-10", "198.51.100.1").status, 0) << "other addresses are checked as usual";
    EXPECT_EQ(checks(), 12);
    clock_.advance(1s);
    EXPECT_EQ(try_password("CB-G11", "pw-11", nat).status, 0) << "after the delay the address is checked again";
}

TEST_F(HostileHandshakeDecisions, IpV6SourcesAreGroupedByTheirSlash64) {
    for (int i = 1; i <= 10; ++i) {
        central_->put_credentials("CB-V" + std::to_string(i),
                                  cs::Credentials{store::hash_password("pw", 1000), cs::ChargerStatus::Planned});
        EXPECT_EQ(try_password("CB-V" + std::to_string(i), "guess", "[2001:db8:0:1::" + std::to_string(i) + "]").status,
                  401);
    }
    const auto refused = at_once("CB-1", "guess", "[2001:db8:0:1:ffff::1]");
    ASSERT_TRUE(refused.has_value()) << "another host of the same /64 backs off too";
    EXPECT_EQ(refused->status, 429);
}

TEST(HostileHandshakeOptions, TheLimitsAreCheckedAndNamed) {
    auto parse = [](std::vector<std::string> args) {
        args.insert(args.begin(), "ocpp-centralsystem");
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        return cs::parse_options(static_cast<int>(argv.size()), argv.data(), {});
    };
    const auto defaults = parse({});
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->password_failures_per_id, 3);
    EXPECT_EQ(defaults->password_failures_per_address, 10);
    EXPECT_EQ(defaults->password_backoff_max, 300);
    const auto set = parse(
        {"--password-failures-per-id", "5", "--password-failures-per-address=50", "--password-backoff-max", "60"});
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->password_failures_per_id, 5);
    EXPECT_EQ(set->password_failures_per_address, 50);
    EXPECT_EQ(set->password_backoff_max, 60);
    const auto zero = parse({"--password-failures-per-id", "0"});
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message.find("--password-failures-per-id"), std::string::npos) << zero.error().message;
    EXPECT_FALSE(parse({"--password-backoff-max", "soon"}));
}

} // namespace
