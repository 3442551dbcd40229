// A full hashing queue at the handshake: the gate answers 503 with Retry-After at once (counted as "hasher_busy")
// rather than hashing on the loop, and registers nothing for an upgrade it turned away.
#include "tests/centralsystem/handlers_fixture.hpp"

namespace {

using namespace std::chrono_literals;

class HasherBusy : public cs_test::HandlersTest {
protected:
    void SetUp() override {
        HandlersTest::SetUp();
        cs::CentralConfig cfg;
        cfg.auto_register = true;
        cfg.hasher_threads = 1;
        cfg.hasher_queue = 1;
        central_ = std::make_unique<cs::CentralSystem>(cfg, loop_, *worker_, *schemas_, log_);
        central_->put_credentials(
            "CB-1", cs::Credentials{store::hash_password("right-password", 1000), cs::ChargerStatus::Planned});
        // Two chargers whose password checks keep the one hasher thread and its one queue slot busy for a while.
        const auto started = std::chrono::steady_clock::now();
        const std::string slow = store::hash_password("slow", kSlowIterations);
        slow_hash_ = std::chrono::steady_clock::now() - started;
        for (const char* id : {"SLOW-1", "SLOW-2"}) {
            central_->put_credentials(id, cs::Credentials{slow, cs::ChargerStatus::Planned});
        }
    }
    double metric(const std::string& name) {
        const std::string text = central_->render_metrics(0);
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
    }
    // Starts an upgrade; its answer lands in `out` (at once, or when the loop runs).
    void knock(const std::string& id, const std::string& password, std::optional<ocpp::net::HandshakeDecision>& out) {
        central_->on_handshake(handshake(id, password), [&out](ocpp::net::HandshakeDecision d) { out = std::move(d); });
    }
    static constexpr int kSlowIterations = 600000;
    std::chrono::steady_clock::duration slow_hash_{}; // what one of those checks costs
};

TEST_F(HasherBusy, AFullQueueAnswers503AtOnceWithoutHashingOnTheLoop) {
    std::optional<ocpp::net::HandshakeDecision> first, second;
    knock("SLOW-1", "guess", first);
    ASSERT_TRUE(run_until([&] { return metric("ocpp_password_hash_queue_depth") == 0; })) << "the thread took it";
    knock("SLOW-2", "guess", second);
    EXPECT_FALSE(first || second) << "both are checked off the loop";
    EXPECT_EQ(metric("ocpp_password_hash_queue_depth"), 1);

    // The pool is full: a new charger's password (auto-register) and a password check are turned away at once.
    constexpr int kKnocks = 8;
    std::vector<std::optional<ocpp::net::HandshakeDecision>> answers(kKnocks + 1);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kKnocks; ++i) {
        knock("NEW-" + std::to_string(i), "password-" + std::to_string(i), answers[i]);
    }
    knock("CB-1", "right-password", answers[kKnocks]);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(took, slow_hash_) << "the burst took as long as one check: something was hashed on the loop";
    for (int i = 0; i <= kKnocks; ++i) {
        ASSERT_TRUE(answers[i].has_value()) << "answered at once: " << i;
        EXPECT_EQ(answers[i]->status, 503) << i;
        EXPECT_EQ(answers[i]->retry_after, 1) << i;
    }
    for (int i = 0; i < kKnocks; ++i) {
        EXPECT_EQ(central_->credentials("NEW-" + std::to_string(i)), nullptr) << "nothing registered: " << i;
    }
    EXPECT_EQ(metric("ocpp_handshake_refusals_total{reason=\"hasher_busy\"}"), kKnocks + 1);
    EXPECT_EQ(metric("ocpp_password_hashes_total{kind=\"store\"}"), 0);

    // Once the pool has drained, the same chargers get in.
    ASSERT_TRUE(run_until([&] { return first && second; }));
    EXPECT_EQ(first->status, 401);
    EXPECT_EQ(second->status, 401);
    EXPECT_EQ(decide(handshake("CB-1", std::string("right-password"))).status, 0);
    EXPECT_EQ(decide(handshake("NEW-0", std::string("password-0"))).status, 0);
    EXPECT_TRUE(run_until([&] { return !central_->password_pending("NEW-0"); }));
}

} // namespace
