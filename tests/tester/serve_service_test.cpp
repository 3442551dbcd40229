// TestService on a manual clock with a fake engine: routing of handshakes, claims through a real StoreWorker,
// aborts, the overrun guard, URLs and the retention of finished tests.
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "ocpp/util/manual_executor.hpp"
#include "store/claims.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tester/serve/service.hpp"

using namespace tester;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A TestRun that does what the test tells it to.
class FakeRun final : public TestRun {
public:
    explicit FakeRun(TestConfig config)
        : config_(std::move(config)) {
        report_.test_id = config_.test_id;
        report_.url = config_.url;
        report_.charger.chargebox_id = config_.chargebox_id;
        report_.checks = {Check{"connection.tcp", "TCP connection arrived", Verdict::Pending, "", "", "", {}, {}}};
    }
    ocpp::net::HandshakeDecision on_handshake(const ocpp::net::HandshakeInfo&) override {
        ++handshakes;
        return ocpp::net::HandshakeDecision::accept();
    }
    void on_rejected(const ocpp::net::RejectedHandshake&) override { ++rejections; }
    void on_open(ocpp::net::SessionPtr) override {}
    void start() override { started = true; }
    void abort(const std::string& reason) override {
        aborted_with = reason;
        finish(Verdict::Fail);
    }
    const Report& report() const override { return report_; }
    bool finished() const override { return finished_; }
    const std::optional<std::string>& charger_password() const override { return config_.password; }
    void set_change_handler(ChangeHandler h) override { change_ = std::move(h); }
    void set_finish_handler(FinishHandler h) override { finish_ = std::move(h); }

    void finish(Verdict verdict) {
        report_.checks[0].verdict = verdict;
        change_(report_.checks[0]);
        report_.charger.vendor = "KEBA";
        report_.charger.model = "P30";
        report_.charger.connectors_reported = {0, 1, 2};
        report_.charger.security_profile = 1;
        report_.finished = ocpp::DateTime::from_unix_ms(1767225600000);
        finished_ = true;
        finish_(report_);
    }

    TestConfig config_;
    int handshakes = 0, rejections = 0;
    bool started = false;
    std::string aborted_with;

private:
    Report report_;
    bool finished_ = false;
    ChangeHandler change_;
    FinishHandler finish_;
};

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override { schemas_ = std::make_unique<ocpp::validation::Registry>(); }
    void TearDown() override {
        service_.reset();
        worker_.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(db_path_ + suffix);
        }
    }

    void make(ServiceConfig config = {}, bool with_store = true) {
        if (with_store) {
            db_path_ =
                (fs::temp_directory_path() / (std::string("ocppkit-service-") +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                    .string();
            fs::remove(db_path_);
            auto db = store::Sqlite::open(db_path_);
            ASSERT_TRUE(db);
            ASSERT_TRUE(store::Claims::migrate(**db));
            worker_ = std::make_unique<store::StoreWorker>(std::move(*db));
        }
        service_ = TestService::create(
            config, loop_, *schemas_, log_, worker_.get(),
            [this](TestConfig c, ocpp::Executor&, const ocpp::validation::Registry&, const ocpp::Logger&) {
                runs_.push_back(std::make_shared<FakeRun>(std::move(c)));
                return runs_.back();
            });
    }

    const TestEntry& create(const std::string& id) {
        auto result = service_->create_test(TestRequest{id, false, false, "10.0.0.5:8180", std::nullopt});
        EXPECT_TRUE(std::holds_alternative<Created>(result));
        return *std::get<Created>(result).entry;
    }

    // Runs posted work (the store worker's answers) until pred holds; bounded.
    bool settle(const std::function<bool()>& pred) {
        for (int i = 0; i < 500 && !pred(); ++i) {
            loop_.run_pending();
            std::this_thread::sleep_for(10ms);
        }
        return pred();
    }

    static ocpp::net::HandshakeInfo info(std::string path) {
        ocpp::net::HandshakeInfo i;
        i.path = path;
        i.chargebox_id = path.substr(path.rfind('/') + 1);
        return i;
    }

    ocpp::ManualClock clock_;
    ocpp::ManualExecutor loop_{clock_};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    std::unique_ptr<ocpp::validation::Registry> schemas_;
    std::string db_path_;
    std::unique_ptr<store::StoreWorker> worker_;
    std::shared_ptr<TestService> service_;
    std::vector<std::shared_ptr<FakeRun>> runs_;
};

} // namespace

TEST_F(ServiceTest, RoutesHandshakesByChargeboxId) {
    make();
    const TestEntry& e = create("CB-1");
    EXPECT_EQ(e.url, "ws://10.0.0.5:8180/ocpp/CB-1");
    EXPECT_EQ(e.state, TestState::Waiting);
    EXPECT_TRUE(runs_[0]->started);

    EXPECT_EQ(service_->on_handshake(info("/ocpp/CB-1")).status, 0);
    EXPECT_EQ(e.state, TestState::Running);
    // A doubled or misplaced ID still reaches its test, which diagnoses the path.
    EXPECT_EQ(service_->on_handshake(info("/ocpp/CB-1/CB-1")).status, 0);
    EXPECT_EQ(service_->on_handshake(info("/CB-1/ocpp")).status, 0);
    EXPECT_EQ(runs_[0]->handshakes, 3);
    service_->on_rejected(ocpp::net::RejectedHandshake{info("/ocpp/CB-1"), 400, "no subprotocol",
                                                       ocpp::net::RejectedHandshake::Kind::Refused});
    EXPECT_EQ(runs_[0]->rejections, 1);

    const auto unknown = service_->on_handshake(info("/ocpp/CB-2"));
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.reason.find("no test is waiting for Chargebox ID 'CB-2'"), std::string::npos);

    runs_[0]->finish(Verdict::Fail);
    EXPECT_EQ(e.state, TestState::Failed);
    EXPECT_EQ(e.claim, ClaimStatus::None);
    const auto late = service_->on_handshake(info("/ocpp/CB-1"));
    EXPECT_EQ(late.status, 404);
    EXPECT_NE(late.reason.find("has finished"), std::string::npos);
}

// A connection that failed before naming a Chargebox ID (a TLS handshake) goes to the one test that no connection
// has reached yet; with two such tests it cannot be placed and goes to neither.
TEST_F(ServiceTest, AFailureBeforeThePathGoesToTheOnlyUnreachedTest) {
    make();
    const TestEntry& first = create("CB-1");
    using Kind = ocpp::net::RejectedHandshake::Kind;
    const ocpp::net::RejectedHandshake tls_failed{ocpp::net::HandshakeInfo{}, 0, "TLS handshake failed: http request",
                                                  Kind::PlainHttpOnTls};
    // A peer that closed without a word (a port probe) or sat silent is nobody's charger.
    service_->on_rejected(
        {ocpp::net::HandshakeInfo{}, 0, "TLS handshake failed: handshake failed", Kind::TlsAbandoned});
    service_->on_rejected(
        {ocpp::net::HandshakeInfo{}, 0, "no WebSocket upgrade request within 10000 ms", Kind::NoUpgrade});
    EXPECT_EQ(runs_[0]->rejections, 0);
    EXPECT_EQ(first.state, TestState::Waiting);
    service_->on_rejected(tls_failed);
    EXPECT_EQ(runs_[0]->rejections, 1);
    EXPECT_EQ(first.state, TestState::Running);

    const TestEntry& second = create("CB-2");
    const TestEntry& third = create("CB-3");
    service_->on_rejected(tls_failed); // CB-1, CB-2 and CB-3 all wait for their first connection by path
    EXPECT_EQ(runs_[0]->rejections + runs_[1]->rejections + runs_[2]->rejections, 1);
    EXPECT_EQ(service_->on_handshake(info("/ocpp/CB-1")).status, 0);
    EXPECT_EQ(service_->on_handshake(info("/ocpp/CB-2")).status, 0);
    service_->on_rejected(tls_failed); // only CB-3 has not been reached
    EXPECT_EQ(runs_[2]->rejections, 1);
    EXPECT_EQ(runs_[0]->rejections, 1);
    EXPECT_EQ(runs_[1]->rejections, 0);
    EXPECT_EQ(third.state, TestState::Running);
    EXPECT_EQ(second.state, TestState::Running);
}

TEST_F(ServiceTest, PassIssuesAClaimThroughTheStoreWorker) {
    make();
    const TestEntry& e = create("CB-1");
    const std::uint64_t before = e.version;
    runs_[0]->finish(Verdict::Pass);
    EXPECT_EQ(e.state, TestState::Passed);
    EXPECT_EQ(e.claim, ClaimStatus::Issuing);
    ASSERT_TRUE(settle([&] { return e.claim != ClaimStatus::Issuing; }));
    ASSERT_EQ(e.claim, ClaimStatus::Issued) << e.claim_error;
    EXPECT_GT(e.version, before + 1);
    ASSERT_TRUE(e.report().claim_code);
    EXPECT_EQ(e.report().claim_expires, ocpp::DateTime{clock_.wall_now()} + std::chrono::hours(24 * 7));
    const std::string code = *e.report().claim_code;

    service_.reset(); // `e` goes with it
    worker_.reset();
    auto db = store::Sqlite::open(db_path_);
    ASSERT_TRUE(db);
    auto claim = store::Claims::find(**db, code);
    ASSERT_TRUE(claim && claim->has_value());
    EXPECT_EQ((*claim)->chargebox_id, "CB-1");
    EXPECT_EQ((*claim)->vendor, "KEBA");
    EXPECT_EQ((*claim)->connectors, 2); // from the StatusNotifications, connector 0 not counted
    EXPECT_EQ((*claim)->security_profile, 1);
    EXPECT_TRUE(store::verify_password(*runs_[0]->config_.password, (*claim)->password_hash));
}

TEST_F(ServiceTest, WithoutAStoreAPassSaysWhyThereIsNoCode) {
    make({}, false);
    const TestEntry& e = create("CB-1");
    runs_[0]->finish(Verdict::Pass);
    EXPECT_EQ(e.state, TestState::Passed);
    EXPECT_EQ(e.claim, ClaimStatus::Failed);
    EXPECT_NE(e.claim_error.find("no database"), std::string::npos);
}

TEST_F(ServiceTest, AbortEndsTheRunWithoutACode) {
    make();
    const TestEntry& e = create("CB-1");
    EXPECT_TRUE(service_->abort(e.id, "installer gave up"));
    EXPECT_EQ(runs_[0]->aborted_with, "installer gave up");
    EXPECT_EQ(e.state, TestState::Aborted);
    EXPECT_EQ(e.claim, ClaimStatus::None);
    EXPECT_FALSE(service_->abort("nope", "x"));
    // The ID is free again.
    EXPECT_TRUE(
        std::holds_alternative<Created>(service_->create_test(TestRequest{"CB-1", false, false, "h", std::nullopt})));
}

TEST_F(ServiceTest, RefusesDuplicatesBadIdsAndTooManyTests) {
    ServiceConfig config;
    config.max_tests = 2;
    make(config);
    create("CB-1");
    auto dup = service_->create_test(TestRequest{"CB-1", false, false, "", std::nullopt});
    ASSERT_TRUE(std::holds_alternative<CreateError>(dup));
    EXPECT_EQ(std::get<CreateError>(dup).status, 409);
    EXPECT_EQ(std::get<CreateError>(dup).field, "chargeBoxId");
    auto bad = service_->create_test(TestRequest{"CB 1", false, false, "", std::nullopt});
    ASSERT_TRUE(std::holds_alternative<CreateError>(bad));
    EXPECT_EQ(std::get<CreateError>(bad).status, 422);
    create("CB-2");
    auto full = service_->create_test(TestRequest{"CB-3", false, false, "", std::nullopt});
    ASSERT_TRUE(std::holds_alternative<CreateError>(full));
    EXPECT_EQ(std::get<CreateError>(full).status, 503);
}

TEST_F(ServiceTest, GuardAbortsARunThatNeverEnds) {
    ServiceConfig config;
    config.timeout = 60s;
    config.heartbeat_interval = 10s;
    make(config);
    const TestEntry& e = create("CB-1");
    loop_.advance(60s + 20s + 12 * 30s);
    EXPECT_EQ(e.state, TestState::Waiting);
    loop_.advance(61s);
    EXPECT_EQ(e.state, TestState::Aborted);
    EXPECT_NE(runs_[0]->aborted_with.find("did not finish"), std::string::npos);
}

TEST_F(ServiceTest, KeepsFinishedTestsForAWhileAndBounded) {
    ServiceConfig config;
    config.keep_finished = 600s;
    config.max_finished = 2;
    make(config, false);
    for (const char* id : {"CB-1", "CB-2", "CB-3"}) {
        create(id);
        runs_.back()->finish(Verdict::Fail);
        loop_.advance(1s);
    }
    create("CB-4"); // in progress: never evicted
    service_->evict(clock_.now());
    ASSERT_EQ(service_->kept(), 3u);
    std::vector<std::string> ids;
    for (const TestEntry* e : service_->list()) {
        ids.push_back(e->chargebox_id);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"CB-4", "CB-3", "CB-2"})); // newest first, oldest finished evicted
    loop_.advance(660s); // the eviction timer (every 60 s) runs meanwhile
    EXPECT_EQ(service_->kept(), 1u);
    EXPECT_EQ(service_->active(), 1u);
}

TEST_F(ServiceTest, Urls) {
    ServiceConfig config;
    config.public_url = "wss://tester.example.com:443/";
    make(config, false);
    EXPECT_EQ(create("CB|1").url, "wss://tester.example.com:443/ocpp/CB%7C1");
    ServiceConfig with_path;
    with_path.public_url = "ws://tester.example.com/ocpp16";
    make(with_path, false);
    EXPECT_EQ(create("CB-1").url, "ws://tester.example.com/ocpp16/CB-1");
}

TEST(ChargeboxId, Problems) {
    EXPECT_EQ(chargebox_id_problem("CB-0001_a.b*c+d|e@f=g"), "");
    EXPECT_NE(chargebox_id_problem(""), "");
    EXPECT_NE(chargebox_id_problem(std::string(49, 'a')).find("49"), std::string::npos);
    EXPECT_NE(chargebox_id_problem("a/b").find("character 2 is \"/\""), std::string::npos);
    EXPECT_EQ(chargebox_id_problem("a:b"), ""); // the one rule allows ':', as the central system does
    EXPECT_NE(chargebox_id_problem("a\xC3\xA9"), "");
    EXPECT_NE(chargebox_id_problem("a\nb"), "");
}

TEST(ServiceNames, EveryStateAndClaimStatusHasAName) {
    EXPECT_STREQ(to_string(TestState::Waiting), "waiting");
    EXPECT_STREQ(to_string(TestState::Running), "running");
    EXPECT_STREQ(to_string(TestState::Passed), "passed");
    EXPECT_STREQ(to_string(TestState::Failed), "failed");
    EXPECT_STREQ(to_string(TestState::Aborted), "aborted");
    EXPECT_STREQ(to_string(ClaimStatus::None), "none");
    EXPECT_STREQ(to_string(ClaimStatus::Issuing), "issuing");
    EXPECT_STREQ(to_string(ClaimStatus::Issued), "issued");
    EXPECT_STREQ(to_string(ClaimStatus::Failed), "failed");
}
