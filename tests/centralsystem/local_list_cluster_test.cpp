// The local lists of a cluster's node (authlists/local_lists_cluster.cpp) for its chargers moved to another group,
// over the in-memory transport: the looks page through them, so chargers after a page of failing ones are synced,
// and the failing ones are tried again later with a growing wait, not at every look; one that keeps no list is left
// until it boots.
#include <map>

#include "centralsystem/db/authlists/cluster_lists.hpp"
#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/db/cluster.hpp"
#include "tests/centralsystem/handlers_fixture.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace cs_test;

constexpr int kChargers = 8;
constexpr std::int64_t kPerLook = 3;

// LM-1 .. LM-8, connected to node n1 and moved from the default group to g2 since their last sync (version 3 of the
// default group). LM-1 .. LM-3 (a look's page) fail their syncs until told otherwise, and LM-4 has no local list.
class LocalListCluster : public HandlersTest {
protected:
    struct Fake {
        std::shared_ptr<ocpp::Peer> side;
        bool failing = false;
        bool no_list = false; // answers GetLocalListVersion NotSupported
        int asked = 0;        // GetLocalListVersion calls
        int sent = 0;         // SendLocalList calls
    };
    void SetUp() override {
        HandlersTest::SetUp();
        std::vector<std::string> ids;
        for (int i = 1; i <= kChargers; ++i) {
            ids.push_back("LM-" + std::to_string(i));
        }
        ASSERT_TRUE(query<bool>([ids](store::Connection& db) -> ocpp::Result<bool> {
            for (const auto& id : ids) {
                cs::Charger c;
                c.chargebox_id = id;
                c.password_hash = "x";
                c.created_at = "2026-01-01T00:00:00Z";
                if (auto r = cs::db::insert_charger(db, c); !r) {
                    return r.error();
                }
                cs::db::ChargerListState s;
                s.chargebox_id = id;
                s.group = cs::db::kDefaultListGroup;
                s.version = 3;
                s.result = "Accepted";
                s.at = "2026-01-01T00:00:00Z";
                if (auto r = cs::db::set_charger_list_state(db, s); !r) {
                    return r.error();
                }
                if (auto r = cs::db::take_ownership(db, id, "n1", 1); !r) {
                    return r.error();
                }
            }
            cs::db::ListGroup g;
            g.name = "g2";
            if (auto r = cs::db::create_list_group(db, g); !r || r->refusal != cs::db::GroupRefusal::None) {
                return ocpp::make_error("creating g2 failed");
            }
            if (auto r = cs::db::place_in_list_group(db, "g2", ids); !r || r->refusal != cs::db::GroupRefusal::None) {
                return ocpp::make_error("placing the chargers in g2 failed");
            }
            return true;
        }));
        for (int i = 1; i <= kChargers; ++i) {
            connect_fake(ids[static_cast<std::size_t>(i - 1)], i <= 3, i == 4);
        }
    }
    void TearDown() override {
        fakes_.clear();
        HandlersTest::TearDown();
    }
    void connect_fake(const std::string& id, bool failing, bool no_list) {
        central_->put_credentials(id, cs::Credentials{"x", cs::ChargerStatus::Operational, false});
        ocpp::net::HandshakeInfo info;
        info.chargebox_id = id;
        auto [server_side, cp_side] = ocpp::net::make_memory_pair(loop_, info);
        central_->on_open(server_side);
        auto& f = fakes_[id];
        f.failing = failing;
        f.no_list = no_list;
        f.side = ocpp::Peer::create(cp_side, *schemas_, ocpp::PeerConfig{}, log_);
        f.side->on<GetConfigurationReq>(
            [](const GetConfigurationReq&, ocpp::Reply<GetConfigurationConf> reply) { reply(GetConfigurationConf{}); });
        f.side->on<GetLocalListVersionReq>(
            [this, id](const GetLocalListVersionReq&, ocpp::Reply<GetLocalListVersionConf> reply) {
                auto& me = fakes_.at(id);
                ++me.asked;
                if (me.no_list) {
                    return reply.error(ocpp::rpc::ErrorCode::NotSupported, "no LocalAuthListManagement");
                }
                if (me.failing) {
                    return reply.error(ocpp::rpc::ErrorCode::InternalError, "the list store is busy");
                }
                GetLocalListVersionConf conf;
                conf.listVersion = 3;
                reply(conf);
            });
        f.side->on<SendLocalListReq>([this, id](const SendLocalListReq&, ocpp::Reply<SendLocalListConf> reply) {
            ++fakes_.at(id).sent;
            reply(SendLocalListConf{UpdateStatus::Accepted});
        });
        settle();
    }
    // One look a second, `seconds` times; the loop settles after each.
    void looks(int seconds) {
        for (int i = 0; i < seconds; ++i) {
            loop_.advance(1s);
            settle();
        }
    }
    void settle() {
        EXPECT_TRUE(ocppkit::test::settle([this] { return loop_.run_pending(); }, 30ms)) << "the loop did not settle";
    }
    // The chargers still holding the list of a group they left, as a look reads them (all of them).
    std::vector<std::string> still_moved() {
        auto moved = query<std::vector<std::pair<std::string, std::string>>>(
            [](store::Connection& db) { return cs::db::moved_list_chargers(db, "n1", "", 100); });
        std::vector<std::string> ids;
        for (const auto& [id, group] : moved.value_or(std::vector<std::pair<std::string, std::string>>{})) {
            EXPECT_EQ(group, "g2");
            ids.push_back(id);
        }
        return ids;
    }
    std::map<std::string, Fake> fakes_;
};

TEST_F(LocalListCluster, ChargersAfterAPageOfFailingOnesAreSyncedAndTheFailingOnesTriedAgainLater) {
    central_->local_lists().start_cluster("n1", 1000ms, kPerLook);
    settle();
    // Three looks go through all eight (3 + 3 + 2): the four that fail hold no one up.
    looks(3);
    EXPECT_EQ(still_moved(), (std::vector<std::string>{"LM-1", "LM-2", "LM-3", "LM-4"}));
    for (int i = 5; i <= kChargers; ++i) {
        EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).sent, 1) << "LM-" << i;
    }
    for (int i = 1; i <= 4; ++i) {
        EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).asked, 1) << "LM-" << i;
    }
    // Not tried at every look: a minute after its try, a failing one is tried again (not LM-4, which keeps no list:
    // it is synced when it boots).
    looks(50);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).asked, 1) << "LM-" << i << " is tried again too soon";
    }
    looks(15);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).asked, 2) << "LM-" << i;
    }
    // The next wait is twice as long: two minutes.
    looks(100);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).asked, 2) << "LM-" << i << " is tried again too soon";
    }
    // They recover; their next tries (within two minutes of the last) sync them.
    for (int i = 1; i <= 3; ++i) {
        fakes_.at("LM-" + std::to_string(i)).failing = false;
    }
    looks(30);
    EXPECT_EQ(still_moved(), (std::vector<std::string>{"LM-4"}));
    EXPECT_EQ(fakes_.at("LM-4").asked, 1);
    EXPECT_EQ(fakes_.at("LM-4").sent, 0);
    for (int i = 1; i <= kChargers; ++i) {
        if (i != 4) {
            EXPECT_EQ(fakes_.at("LM-" + std::to_string(i)).sent, 1) << "LM-" << i;
        }
    }
}

} // namespace
