#pragma once
// HandlersTest: a CentralSystem on a ManualExecutor with a real store worker on a temporary SQLite file (CB-1 known,
// password "right-password", id tags TAG-OK and the expired TAG-OLD), and a charge point Peer over the in-memory
// transport.
#include <unistd.h>

#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "ocpp/net/memory_transport.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"

namespace cs_test {

using namespace ocpp::v16;
using namespace std::chrono_literals;

class HandlersTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/cs-handlers-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
        remove_files();
        auto opened = store::Sqlite::open(path_);
        ASSERT_TRUE(opened);
        ASSERT_TRUE(cs::db::migrate(**opened));
        cs::Charger c;
        c.chargebox_id = "CB-1";
        c.password_hash = store::hash_password("right-password", 1000);
        c.created_at = "2026-01-01T00:00:00Z";
        ASSERT_TRUE(cs::db::insert_charger(**opened, c));
        ASSERT_TRUE(cs::db::upsert_id_tag(**opened, cs::IdTag{"TAG-OK", "Accepted", std::nullopt, std::nullopt}));
        ASSERT_TRUE(cs::db::upsert_id_tag(
            **opened, cs::IdTag{"TAG-OLD", "Accepted", std::string("2020-01-01T00:00:00Z"), std::nullopt}));
        worker_ = std::make_unique<store::StoreWorker>(std::move(*opened));
        auto schemas = ocpp::validation::Registry::v16();
        ASSERT_TRUE(schemas);
        schemas_ = std::make_unique<ocpp::validation::Registry>(std::move(*schemas));
        cs::CentralConfig cfg;
        cfg.heartbeat_interval = 42;
        central_ = std::make_unique<cs::CentralSystem>(cfg, loop_, *worker_, *schemas_, log_);
        central_->put_credentials("CB-1", cs::Credentials{c.password_hash, cs::ChargerStatus::Planned, false});
    }
    void TearDown() override {
        cp_.reset();
        central_.reset();
        worker_.reset();
        remove_files();
    }
    void remove_files() {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path_ + suffix).c_str());
        }
    }
    // Puts CB-1 into operation in the handshake cache (a planned charger's Authorize and StartTransaction are
    // answered Blocked).
    void make_operational() {
        central_->put_credentials(
            "CB-1", cs::Credentials{central_->credentials("CB-1")->password_hash, cs::ChargerStatus::Operational});
    }
    // Connects a charge point side as CB-1 through the in-memory transport.
    void connect() {
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = "CB-1";
        auto [server_side, cp_side] = ocpp::net::make_memory_pair(loop_, info);
        central_->on_open(server_side);
        cp_ = ocpp::Peer::create(cp_side, *schemas_, ocpp::PeerConfig{}, log_);
    }
    // Runs the loop until done() holds; the store worker answers from its own thread, so this waits (bounded).
    bool run_until(const std::function<bool()>& done) {
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < end) {
            if (loop_.run_pending() == 0) {
                std::this_thread::sleep_for(1ms);
            }
        }
        return done();
    }
    // Runs a query on the store worker and waits (bounded) for its answer.
    template <class T> std::optional<T> query(std::function<ocpp::Result<T>(store::Connection&)> work) {
        std::optional<ocpp::Result<T>> got;
        central_->store<T>(std::move(work), [&](ocpp::Result<T> r) { got = std::move(r); });
        EXPECT_TRUE(run_until([&] { return got.has_value(); }));
        if (!got || !*got) {
            ADD_FAILURE() << (got ? got->error().message : std::string("no answer"));
            return std::nullopt;
        }
        return std::move(**got);
    }
    template <class Req> ocpp::CallOutcome<typename Req::Response> call(const Req& req) {
        std::optional<ocpp::CallOutcome<typename Req::Response>> out;
        cp_->call(req, [&](ocpp::CallOutcome<typename Req::Response> o) { out = std::move(o); });
        EXPECT_TRUE(run_until([&] { return out.has_value(); }));
        return out.value_or(ocpp::CallOutcome<typename Req::Response>{});
    }
    // The decision on an upgrade, waiting (bounded) when a password check runs off the loop.
    ocpp::net::HandshakeDecision decide(const ocpp::net::HandshakeInfo& info) {
        std::optional<ocpp::net::HandshakeDecision> got;
        central_->on_handshake(info, [&got](ocpp::net::HandshakeDecision d) { got = std::move(d); });
        EXPECT_TRUE(run_until([&] { return got.has_value(); })) << "no answer for " << info.chargebox_id;
        return got.value_or(ocpp::net::HandshakeDecision::refuse(599, "no answer"));
    }
    ocpp::net::HandshakeInfo handshake(const std::string& id, std::optional<std::string> password) {
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = id;
        info.remote_address = "127.0.0.1:1";
        if (password) {
            info.basic_user = id;
            info.basic_password = password;
        }
        return info;
    }

    std::string path_;
    ocpp::ManualClock clock_;
    ocpp::ManualExecutor loop_{clock_};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    std::unique_ptr<store::StoreWorker> worker_;
    std::unique_ptr<ocpp::validation::Registry> schemas_;
    std::unique_ptr<cs::CentralSystem> central_;
    std::shared_ptr<ocpp::Peer> cp_;
};

} // namespace cs_test
