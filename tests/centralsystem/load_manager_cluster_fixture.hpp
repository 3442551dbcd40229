#pragma once
// LoadManagerCluster: LoadManager in a cluster, without sockets: three nodes (each its own ChargerLinks and
// LoadManager) on one store, six chargers on a 100 A site, two per node, each charging. The cluster's view (live nodes,
// and the parts of nodes that are gone while a charger they held may still draw under their limits) comes from the real
// store functions (leases, charger ownership, recorded parts, open transactions), as Membership reads them at each
// renewal. A node dies: its chargers keep the last limits it gave them while they are away, then reconnect to the
// survivors one by one (load_manager_cluster_test.cpp), or one joins (load_manager_cluster_join_test.cpp). Every
// profile a charger installs is checked on arrival: the limits in force at all six chargers (those the dead node set
// included) never add up to more than the site's limit. A node joins two that share the site: it raises only into what
// the others' recorded parts leave, so not before their lowerings were accepted.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/wait.hpp"

#include "centralsystem/db/cluster.hpp"
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/links.hpp"
#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/net/memory_transport.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "store/sqlite.hpp"
#include "store/worker.hpp"

namespace cs_test {

using namespace std::chrono_literals;

inline constexpr double kSiteLimit = 100;
inline constexpr std::int64_t kLease = 10000;

// One node: its connections and its load manager, recording its part in the store under its name.
struct Node {
    std::string name, instance;
    std::unique_ptr<cs::ChargerLinks> links;
    std::unique_ptr<cs::sites::LoadManager> manager;
};

class LoadManagerCluster : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/cs-load-manager-cluster-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
        remove_files();
        auto opened = store::Sqlite::open(path_);
        ASSERT_TRUE(opened);
        auto& db = **opened;
        ASSERT_TRUE(cs::db::migrate(db));
        for (int i = 1; i <= 6; ++i) {
            cs::Charger c;
            c.chargebox_id = "CL-" + std::to_string(i);
            c.password_hash = "x";
            c.created_at = "2026-01-01T00:00:00Z";
            cs::ChargePoint p;
            p.connector_id = 1;
            p.max_current_a = 32;
            p.phases = 3;
            c.charge_points = {p};
            ASSERT_TRUE(cs::db::insert_charger(db, c));
            // Its running transaction, as the node that took its StartTransaction stored it.
            ASSERT_TRUE(
                db.run("INSERT INTO transactions(id, chargebox_id, connector_id, id_tag, meter_start, start_ts) "
                       "VALUES(?1, ?2, 1, 'TAG', 0, ?3)",
                       static_cast<std::int64_t>(i), c.chargebox_id, "2026-01-01T00:00:0" + std::to_string(i) + "Z"));
        }
        ASSERT_TRUE(db.run("UPDATE charge_points SET max_current_a = 32, phases = 3"));
        site_.name = "Depot";
        site_.limit = kSiteLimit;
        site_.min_session_a = 6;
        site_.failsafe_a = 8;
        site_.created_at = site_.updated_at = "2026-01-01T00:00:00Z";
        auto saved = cs::db::save_site(db, site_);
        ASSERT_TRUE(saved && *saved);
        site_ = **saved;
        for (int i = 1; i <= 6; ++i) {
            site_.chargers.push_back("CL-" + std::to_string(i));
        }
        auto assigned = cs::db::set_site_chargers(db, site_.id, site_.chargers);
        ASSERT_TRUE(assigned && !*assigned);
        worker_ = std::make_unique<store::StoreWorker>(std::move(*opened));
        auto schemas = ocpp::validation::Registry::v16();
        ASSERT_TRUE(schemas);
        schemas_ = std::make_unique<ocpp::validation::Registry>(std::move(*schemas));
        db_ = std::make_unique<cs::Database>(*worker_, loop_);
        for (const char* name : {"n1", "n2", "n3"}) {
            add_node(name);
        }
    }
    void TearDown() override {
        nodes_.clear();
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
    void add_node(const std::string& name, const std::string& instance = "") {
        auto& n = nodes_[name];
        n.name = name;
        n.instance = instance.empty() ? "i-" + name : instance;
        n.links = std::make_unique<cs::ChargerLinks>(log_, nullptr);
        n.manager = std::make_unique<cs::sites::LoadManager>(loop_, *db_, *n.links, log_);
        n.manager->set_cluster(0);
        n.manager->set_part_recorder([this, name](std::int64_t site, double part, std::function<void(bool)> done) {
            ++records_;
            db_->run<bool>(
                [name, site, part](store::Connection& db) -> ocpp::Result<bool> {
                    if (auto r = cs::db::record_site_part(db, name, site, part); !r) {
                        return r.error();
                    }
                    return true;
                },
                [done = std::move(done)](ocpp::Result<bool> r) { done(r.ok()); });
        });
        n.manager->set_takeover_marker([this, name](const std::string& id) {
            db_->run<bool>(
                [name, id](store::Connection& db) -> ocpp::Result<bool> {
                    if (auto r = cs::db::mark_limited(db, id, name); !r) {
                        return r.error();
                    }
                    return true;
                },
                [](ocpp::Result<bool> r) { EXPECT_TRUE(r); });
        });
        n.manager->site_saved(site_);
    }
    // Runs the loop until nothing is left to do for a while (the store worker answers from its own thread).
    void settle() {
        EXPECT_TRUE(ocppkit::test::settle([this] { return loop_.run_pending(); }, 100ms)) << "the loop did not settle";
    }
    // One job on the store worker, its answer awaited.
    template <class T> T on_store(std::function<ocpp::Result<T>(store::Connection&)> work) {
        std::optional<ocpp::Result<T>> out;
        db_->run<T>(std::move(work), [&out](ocpp::Result<T> r) { out = std::move(r); });
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (!out && std::chrono::steady_clock::now() < end) {
            if (loop_.run_pending() == 0) {
                std::this_thread::sleep_for(1ms);
            }
        }
        EXPECT_TRUE(out && *out) << (out ? "the store job failed: " + out->error().message
                                         : std::string("the store job did not answer"));
        return out && *out ? std::move(**out) : T{};
    }
    // What a renewal reads: the live nodes, the parts of the nodes that are gone, and the live nodes' parts.
    struct View {
        std::size_t live = 0;
        std::vector<cs::db::GonePart> gone;
        std::vector<cs::db::SitePart> parts;
    };
    // A renewal as Membership makes it: the nodes (all, or those named) renew their leases, then each reads the live
    // nodes, the parts of the nodes that are gone and the other live nodes' parts, and its load manager hears them.
    void renew(const std::vector<std::string>& only = {}) {
        now_ms_ += 1000;
        const std::int64_t now = now_ms_;
        std::vector<std::pair<std::string, std::string>> renewing; // name, instance
        for (const auto& [name, n] : nodes_) {
            if (only.empty() || std::find(only.begin(), only.end(), name) != only.end()) {
                renewing.emplace_back(name, n.instance);
            }
        }
        const auto view = on_store<View>([renewing, now](store::Connection& db) -> ocpp::Result<View> {
            for (const auto& [name, instance] : renewing) {
                if (auto r = cs::db::renew_lease(db, name, name + ":1", instance, now, now + kLease); !r) {
                    return r.error();
                }
            }
            View v;
            auto live = cs::db::live_nodes(db, now);
            auto gone = cs::db::gone_parts(db, now);
            auto parts = cs::db::live_parts(db, now);
            if (!live || !gone || !parts) {
                return ocpp::make_error("reading the cluster's view failed");
            }
            v.live = live->size();
            v.gone = std::move(*gone);
            v.parts = std::move(*parts);
            return v;
        });
        gone_ = {};
        for (const auto& g : view.gone) {
            gone_[g.site_id] += g.part_a;
        }
        for (const auto& [name, instance] : renewing) {
            std::map<std::int64_t, double> others;
            for (const auto& p : view.parts) {
                if (p.node != name) {
                    others[p.site_id] += p.part_a;
                }
            }
            nodes_.at(name).manager->set_cluster(view.live, gone_, others);
        }
        settle();
    }
    // The charger connects to a node: the node takes its ownership (as Membership does) and the connection joins
    // the node's links; the charger's own end installs what it is sent.
    void connect(const std::string& id, const std::string& node) {
        const std::int64_t now = now_ms_;
        on_store<std::int64_t>(
            [id, node, now](store::Connection& db) { return cs::db::take_ownership(db, id, node, now); });
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = id;
        auto [server_side, cp_side] = ocpp::net::make_memory_pair(loop_, info);
        auto& fake = chargers_[id];
        fake.side = ocpp::Peer::create(cp_side, *schemas_, ocpp::PeerConfig{}, log_);
        fake.side->on<ocpp::v16::SetChargingProfileReq>(
            [this, id](const ocpp::v16::SetChargingProfileReq& req,
                       ocpp::Reply<ocpp::v16::SetChargingProfileConf> reply) {
                auto& c = chargers_[id];
                if (c.hold) {
                    // Not applied yet: it answers (and applies it) when released.
                    c.held.push_back([this, id, req, reply = std::move(reply)]() mutable {
                        apply(id, req);
                        reply(ocpp::v16::SetChargingProfileConf{ocpp::v16::ChargingProfileStatus::Accepted});
                    });
                    return;
                }
                apply(id, req);
                reply(ocpp::v16::SetChargingProfileConf{ocpp::v16::ChargingProfileStatus::Accepted});
            });
        nodes_.at(node).links->add(id, ocpp::Peer::create(server_side, *schemas_, ocpp::PeerConfig{}, log_));
        cs::ChargerObservers::tell(nodes_.at(node).links->observers().booted, id);
        settle();
    }
    void apply(const std::string& id, const ocpp::v16::SetChargingProfileReq& req) {
        const auto& p = req.csChargingProfiles;
        if (p.chargingProfilePurpose == ocpp::v16::ChargingProfilePurposeType::TxProfile) {
            chargers_[id].tx_limit = p.chargingSchedule.chargingSchedulePeriod.at(0).limit;
        }
        check_in_force();
    }
    void release(const std::string& id) {
        auto& c = chargers_.at(id);
        c.hold = false;
        auto held = std::move(c.held);
        for (auto& answer : held) {
            answer();
        }
        settle();
    }
    // Chargers CL-1 .. CL-<count> connect two to a node (CL-1 and CL-2 to n1, ...) and start a session each.
    void start_two_per_node(int count) {
        for (int i = 1; i <= count; ++i) {
            const std::string node = "n" + std::to_string((i + 1) / 2);
            connect("CL-" + std::to_string(i), node);
            cs::ChargerObservers::tell(nodes_.at(node).links->observers().session_started, "CL-" + std::to_string(i), 1,
                                       static_cast<std::int64_t>(i));
            settle();
        }
    }
    // Three live nodes, two charging chargers on each: 33.3 A per node, recorded before any raise.
    void share_on_three_nodes() {
        renew();
        start_two_per_node(6);
        renew();
        for (int i = 1; i <= 6; i += 2) {
            EXPECT_NEAR(in_force(i) + in_force(i + 1), 33.3, 1e-9) << "node n" << (i + 1) / 2 << ": " << describe();
        }
    }
    // The TxProfile limits in force at every charger, whichever node set them, never exceed the site's limit.
    void check_in_force() {
        const double sum = total_in_force();
        peak_ = std::max(peak_, sum);
        EXPECT_LE(sum, kSiteLimit + 1e-9) << "limits in force: " << describe();
    }
    double total_in_force() const {
        double sum = 0;
        for (const auto& [id, c] : chargers_) {
            sum += c.tx_limit.value_or(0);
        }
        return sum;
    }
    double in_force(int charger) const { return chargers_.at("CL-" + std::to_string(charger)).tx_limit.value_or(0); }
    std::string describe() const {
        std::string out;
        for (const auto& [id, c] : chargers_) {
            out += id + "=" + std::to_string(c.tx_limit.value_or(0)) + " ";
        }
        return out;
    }

    struct FakeCharger {
        std::shared_ptr<ocpp::Peer> side;
        std::optional<double> tx_limit; // the TxProfile of its one session (connector 1)
        bool hold = false;              // holds the profiles it is sent, unanswered, until released
        std::vector<std::function<void()>> held;
    };
    std::string path_;
    ocpp::ManualClock clock_;
    ocpp::ManualExecutor loop_{clock_};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    std::unique_ptr<store::StoreWorker> worker_;
    std::unique_ptr<ocpp::validation::Registry> schemas_;
    std::unique_ptr<cs::Database> db_;
    cs::db::SiteRow site_;
    std::map<std::string, Node> nodes_;
    std::map<std::string, FakeCharger> chargers_;
    std::map<std::int64_t, double> gone_;
    std::int64_t now_ms_ = 1'800'000'000'000;
    int records_ = 0;
    double peak_ = 0;
};

} // namespace cs_test
