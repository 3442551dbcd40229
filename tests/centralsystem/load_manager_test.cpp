// LoadManager without sockets: three chargers on the in-memory transport, each a Peer that accepts every
// SetChargingProfile and keeps what it was sent, on a 40 A site (32 A connectors, 6 A minimum, 8 A fail-safe).
// Sessions start, stop and a charger goes away; every profile a charger installs is checked on arrival: the TxProfile
// limits in force at the chargers never add up to more than the site's limit, and once settled each session holds the
// share the site's rules give it.
#include <unistd.h>

#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/wait.hpp"

#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/links.hpp"
#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/net/memory_transport.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "store/sqlite.hpp"
#include "store/worker.hpp"

namespace {

using namespace ocpp::v16;
using namespace std::chrono_literals;

constexpr double kSiteLimit = 40, kFailsafe = 8;

// A charger as the load manager sees it through ChargerLinks: what it installed, per connector.
struct FakeCharger {
    std::shared_ptr<ocpp::Peer> side; // the charge point's end of the in-memory connection
    std::map<int, double> tx_limit;   // TxProfile limit per connector (A)
    std::optional<double> failsafe;   // the TxDefaultProfile limit
};

class LoadManagerLinks : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/cs-load-manager-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
        remove_files();
        auto opened = store::Sqlite::open(path_);
        ASSERT_TRUE(opened);
        ASSERT_TRUE(cs::db::migrate(**opened));
        for (const char* id : {"LM-1", "LM-2", "LM-3"}) {
            cs::Charger c;
            c.chargebox_id = id;
            c.password_hash = "x";
            c.created_at = "2026-01-01T00:00:00Z";
            cs::ChargePoint p;
            p.connector_id = 1;
            p.max_current_a = 32;
            p.phases = 3;
            c.charge_points = {p};
            ASSERT_TRUE(cs::db::insert_charger(**opened, c));
        }
        // Commissioning gives each connector its maximum: 32 A per phase.
        ASSERT_TRUE((*opened)->run("UPDATE charge_points SET max_current_a = 32, phases = 3"));
        worker_ = std::make_unique<store::StoreWorker>(std::move(*opened));
        auto schemas = ocpp::validation::Registry::v16();
        ASSERT_TRUE(schemas);
        schemas_ = std::make_unique<ocpp::validation::Registry>(std::move(*schemas));
        db_ = std::make_unique<cs::Database>(*worker_, loop_);
        links_ = std::make_unique<cs::ChargerLinks>(log_, nullptr);
        manager_ = std::make_unique<cs::sites::LoadManager>(loop_, *db_, *links_, log_);
    }
    void TearDown() override {
        manager_.reset();
        links_.reset();
        chargers_.clear();
        db_.reset();
        worker_.reset();
        remove_files();
    }
    void remove_files() {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path_ + suffix).c_str());
        }
    }
    // Runs the loop until nothing is left to do for a while (the store worker answers from its own thread).
    void settle() {
        EXPECT_TRUE(ocppkit::test::settle([this] { return loop_.run_pending(); }, 100ms)) << "the loop did not settle";
    }
    // Connects a charger: its central-system end joins ChargerLinks, its own end installs what it is sent.
    void connect(const std::string& id) {
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = id;
        auto [server_side, cp_side] = ocpp::net::make_memory_pair(loop_, info);
        auto& fake = chargers_[id];
        fake.side = ocpp::Peer::create(cp_side, *schemas_, ocpp::PeerConfig{}, log_);
        fake.side->on<SetChargingProfileReq>(
            [this, id](const SetChargingProfileReq& req, ocpp::Reply<SetChargingProfileConf> reply) {
                const auto& p = req.csChargingProfiles;
                const double limit = p.chargingSchedule.chargingSchedulePeriod.at(0).limit;
                ++profiles_;
                if (p.chargingProfilePurpose == ChargingProfilePurposeType::TxDefaultProfile) {
                    chargers_[id].failsafe = limit;
                } else if (p.chargingProfilePurpose == ChargingProfilePurposeType::TxProfile) {
                    chargers_[id].tx_limit[req.connectorId] = limit;
                }
                check_in_force();
                reply(SetChargingProfileConf{ChargingProfileStatus::Accepted});
            });
        links_->add(id, ocpp::Peer::create(server_side, *schemas_, ocpp::PeerConfig{}, log_));
        cs::ChargerObservers::tell(links_->observers().booted, id);
    }
    void start(const std::string& id, std::int64_t tx) {
        sessions_[tx] = id;
        cs::ChargerObservers::tell(links_->observers().session_started, id, 1, tx);
    }
    void stop(std::int64_t tx) {
        const std::string id = sessions_.at(tx);
        sessions_.erase(tx);
        chargers_[id].tx_limit.erase(1); // a charger drops a TxProfile when its transaction ends
        cs::ChargerObservers::tell(links_->observers().session_stopped, id, tx);
    }
    // What a running session may draw at its charger now: its TxProfile, else the fail-safe.
    double in_force(std::int64_t tx) {
        const auto& c = chargers_[sessions_.at(tx)];
        const auto it = c.tx_limit.find(1);
        return it != c.tx_limit.end() ? it->second : c.failsafe.value_or(32);
    }
    // The TxProfile limits of the running sessions never exceed the site's limit together.
    void check_in_force() {
        double sum = 0;
        for (const auto& [tx, id] : sessions_) {
            const auto& c = chargers_[id];
            if (auto it = c.tx_limit.find(1); it != c.tx_limit.end()) {
                sum += it->second;
            }
        }
        peak_ = std::max(peak_, sum);
        EXPECT_LE(sum, kSiteLimit + 1e-9) << "after profile " << profiles_;
    }
    double total_in_force() {
        double sum = 0;
        for (const auto& [tx, id] : sessions_) {
            sum += in_force(tx);
        }
        return sum;
    }

    std::string path_;
    ocpp::ManualClock clock_;
    ocpp::ManualExecutor loop_{clock_};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    std::unique_ptr<store::StoreWorker> worker_;
    std::unique_ptr<ocpp::validation::Registry> schemas_;
    std::unique_ptr<cs::Database> db_;
    std::unique_ptr<cs::ChargerLinks> links_;
    std::unique_ptr<cs::sites::LoadManager> manager_;
    std::map<std::string, FakeCharger> chargers_;
    std::map<std::int64_t, std::string> sessions_; // running: transaction -> charger
    int profiles_ = 0;
    double peak_ = 0;
};

TEST_F(LoadManagerLinks, SharesTheSiteLimitThroughStartsStopsAndADisconnection) {
    for (const char* id : {"LM-1", "LM-2", "LM-3"}) {
        connect(id);
    }
    cs::db::SiteRow site;
    site.id = 1;
    site.name = "Yard";
    site.limit = kSiteLimit;
    site.min_session_a = 6;
    site.failsafe_a = kFailsafe;
    site.chargers = {"LM-1", "LM-2", "LM-3"};
    manager_->site_saved(site);
    settle();
    for (const char* id : {"LM-1", "LM-2", "LM-3"}) {
        EXPECT_EQ(chargers_[id].failsafe, kFailsafe) << id << ": the fail-safe TxDefaultProfile";
    }

    // One session: its connector's maximum (32 A), below the site's 40 A.
    start("LM-1", 1);
    settle();
    EXPECT_DOUBLE_EQ(in_force(1), 32);
    // Two: 20 A each; three: 13.3, 13.3 and what is left, 13.4 (shares are rounded down to 0.1 A).
    start("LM-2", 2);
    settle();
    EXPECT_DOUBLE_EQ(in_force(1), 20);
    EXPECT_DOUBLE_EQ(in_force(2), 20);
    start("LM-3", 3);
    settle();
    EXPECT_DOUBLE_EQ(in_force(1), 13.3);
    EXPECT_DOUBLE_EQ(in_force(2), 13.3);
    EXPECT_DOUBLE_EQ(in_force(3), 13.4);
    EXPECT_NEAR(total_in_force(), kSiteLimit, 1e-9);

    // The first stops: the other two rise to 20 A each.
    stop(1);
    settle();
    EXPECT_DOUBLE_EQ(in_force(2), 20);
    EXPECT_DOUBLE_EQ(in_force(3), 20);

    // LM-2 goes away with its session running: its 20 A stay reserved (it may still draw them), so a new session on
    // LM-1 shares only what LM-3 and it may have, and the chargers together stay within the site.
    chargers_["LM-2"].side->close();
    settle();
    EXPECT_EQ(links_->peer("LM-2"), nullptr);
    start("LM-1", 4);
    settle();
    EXPECT_GT(in_force(4), 0);
    EXPECT_LE(in_force(3) + in_force(4) + in_force(2), kSiteLimit + 1e-9);
    EXPECT_DOUBLE_EQ(in_force(3), 10);
    EXPECT_DOUBLE_EQ(in_force(4), 10);

    // Its session ends while it is away (its StopTransaction comes later): the others get the whole limit again.
    stop(2);
    settle();
    EXPECT_DOUBLE_EQ(in_force(3), 20);
    EXPECT_DOUBLE_EQ(in_force(4), 20);
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
    const auto view = manager_->view(1);
    ASSERT_TRUE(view);
    EXPECT_LE(view->peak_limits_sum_a, kSiteLimit + 1e-9);
}

TEST_F(LoadManagerLinks, ALowerLimitOrPartGoesOutAsLoweringsAtOnce) {
    for (const char* id : {"LM-1", "LM-2", "LM-3"}) {
        connect(id);
    }
    cs::db::SiteRow site;
    site.id = 1;
    site.name = "Yard";
    site.limit = kSiteLimit;
    site.min_session_a = 6;
    site.failsafe_a = kFailsafe;
    site.chargers = {"LM-1", "LM-2", "LM-3"};
    manager_->site_saved(site);
    settle();
    start("LM-1", 1);
    start("LM-2", 2);
    start("LM-3", 3);
    settle();
    EXPECT_NEAR(total_in_force(), kSiteLimit, 1e-9);
    // The operator lowers the site's limit to 30 A on a single node alike: the lowerings go out at once.
    site.limit = 30;
    manager_->site_saved(site);
    settle();
    EXPECT_NEAR(total_in_force(), 30, 1e-9);
    site.limit = kSiteLimit;
    manager_->site_saved(site);
    settle();
    EXPECT_NEAR(total_in_force(), kSiteLimit, 1e-9);
    manager_->set_cluster(1);
    settle();
    // A second node joins: this one's part is 20 A. The sessions are already above it, so no raise could go out,
    // but the lowerings must: 6.6 + 6.6 + 6.8 A.
    manager_->set_cluster(2);
    settle();
    EXPECT_NEAR(total_in_force(), 20, 1e-9);
    // A node that is gone keeps 8 A reserved (its chargers may still draw them): 16 A each for the two live ones.
    manager_->set_cluster(2, {{1, 8.0}});
    settle();
    EXPECT_NEAR(total_in_force(), 16, 1e-9);
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
}

} // namespace
