// The handshake cache on a database another node writes too: an unknown ID is looked up (refused now, accepted at
// its next try), a reload brings in other nodes' changes and deletions, and a local change made while a reload was
// on its way is not overwritten by it. Another connection to the same SQLite file plays the other node.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"

namespace {

using namespace std::chrono_literals;

class CredentialsTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/cs-credentials-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
        remove_files();
        auto mine = store::Sqlite::open(path_);
        ASSERT_TRUE(mine);
        ASSERT_TRUE(cs::db::migrate(**mine));
        auto other = store::Sqlite::open(path_);
        ASSERT_TRUE(other);
        other_ = std::move(*other);
        worker_ = std::make_unique<store::StoreWorker>(std::move(*mine));
        auto schemas = ocpp::validation::Registry::v16();
        ASSERT_TRUE(schemas);
        schemas_ = std::make_unique<ocpp::validation::Registry>(std::move(*schemas));
        cs::CentralConfig cfg;
        cfg.credentials_refresh = 2s;
        central_ = std::make_unique<cs::CentralSystem>(cfg, loop_, *worker_, *schemas_, log_);
        central_->start_credentials_refresh();
    }
    void TearDown() override {
        central_.reset();
        worker_.reset();
        other_.reset();
        remove_files();
    }
    void remove_files() {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path_ + suffix).c_str());
        }
    }
    // The other node creates a charger.
    void create_elsewhere(const std::string& id, const std::string& password) {
        cs::Charger c;
        c.chargebox_id = id;
        c.password_hash = store::hash_password(password, 1000);
        c.created_at = "2026-01-01T00:00:00Z";
        ASSERT_TRUE(cs::db::insert_charger(*other_, c));
    }
    int handshake(const std::string& id, const std::string& password) {
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = id;
        info.basic_user = id;
        info.basic_password = password;
        std::optional<int> status;
        central_->on_handshake(info, [&status](ocpp::net::HandshakeDecision d) { status = d.status; });
        EXPECT_TRUE(run_until([&] { return status.has_value(); }));
        return status.value_or(599);
    }
    // Runs the loop a while, for answers that change nothing one could wait for.
    void settle() {
        run_until([] { return false; }, 300ms);
    }
    // Runs the loop until done() holds; the store worker answers from its own thread, so this waits (bounded).
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < end) {
            if (loop_.run_pending() == 0) {
                std::this_thread::sleep_for(1ms);
            }
        }
        return done();
    }
    std::string hash_of(const std::string& id) {
        const auto* c = central_->credentials(id);
        return c ? c->password_hash : "";
    }

    std::string path_;
    std::unique_ptr<store::Sqlite> other_;
    std::unique_ptr<store::StoreWorker> worker_;
    std::unique_ptr<ocpp::validation::Registry> schemas_;
    ocpp::ManualClock clock_;
    ocpp::ManualExecutor loop_{clock_};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    std::unique_ptr<cs::CentralSystem> central_;
};

TEST_F(CredentialsTest, AnUnknownIdIsLookedUpAndAcceptedAtItsNextTry) {
    create_elsewhere("CB-2", "password-two");
    EXPECT_EQ(handshake("CB-2", "password-two"), 401) << "the handshake never waits for the database";
    ASSERT_TRUE(run_until([&] { return central_->credentials("CB-2") != nullptr; }));
    EXPECT_EQ(handshake("CB-2", "password-two"), 0);
    EXPECT_EQ(handshake("CB-2", "wrong-password"), 401);
    EXPECT_EQ(handshake("NOBODY", "whatever"), 401);
    settle(); // the lookup of NOBODY comes back: still unknown
    EXPECT_EQ(central_->credentials("NOBODY"), nullptr);
}

TEST_F(CredentialsTest, AReloadBringsInOtherNodesChangesAndDeletions) {
    create_elsewhere("CB-1", "first-password");
    create_elsewhere("CB-3", "third-password");
    loop_.advance(2s); // the first reload
    ASSERT_TRUE(run_until([&] { return central_->known_chargers() == 2; }));
    EXPECT_EQ(handshake("CB-1", "first-password"), 0);
    ASSERT_TRUE(cs::db::patch_charger(*other_, "CB-1",
                                      cs::db::ChargerPatch{std::nullopt, std::nullopt, std::nullopt,
                                                           store::hash_password("second-password", 1000), true}));
    ASSERT_TRUE(other_->run("DELETE FROM chargers WHERE chargebox_id = ?1", "CB-3"));
    loop_.advance(2s);
    ASSERT_TRUE(run_until([&] { return central_->known_chargers() == 1; }));
    ASSERT_TRUE(central_->credentials("CB-1"));
    EXPECT_TRUE(central_->credentials("CB-1")->accept_any_password);
    EXPECT_TRUE(store::verify_password("second-password", hash_of("CB-1")));
}

TEST_F(CredentialsTest, ALocalChangeMadeWhileAReloadIsOnItsWayWins) {
    create_elsewhere("CB-1", "stored-password");
    // Hold the worker so that the reload is answered only after the local change below.
    std::atomic<bool> release{false};
    central_->store<bool>(
        [&release](store::Connection&) -> ocpp::Result<bool> {
            for (int i = 0; i < 5000 && !release; ++i) {
                std::this_thread::sleep_for(1ms);
            }
            return true;
        },
        [](ocpp::Result<bool>) {});
    loop_.advance(2s); // the reload is asked for
    central_->put_credentials("CB-1", cs::Credentials{"local-hash", cs::ChargerStatus::Operational, false});
    release = true;
    settle(); // the reload's answer arrives, read from the database before the change
    EXPECT_EQ(hash_of("CB-1"), "local-hash");
    loop_.advance(2s); // a later reload: the database is the truth again
    ASSERT_TRUE(run_until([&] { return hash_of("CB-1") != "local-hash"; }));
    EXPECT_TRUE(store::verify_password("stored-password", hash_of("CB-1")));
}

} // namespace
