// LoadManager in a cluster: a node dies, or starts again under its id, once or many times
// (load_manager_cluster_fixture.hpp).
#include "tests/centralsystem/load_manager_cluster_fixture.hpp"

namespace {

using namespace cs_test;

TEST_F(LoadManagerCluster, ADeadNodesChargersKeepItsPartReservedUntilTheSurvivorsTakeThemOver) {
    share_on_three_nodes();
    const double dead_part = in_force(5) + in_force(6);

    // n3 dies: its connections vanish with it, its chargers keep charging at the limits it gave them.
    nodes_.erase("n3");
    settle();
    now_ms_ += kLease; // its lease runs out
    renew();
    ASSERT_EQ(gone_.size(), 1u) << "n3's recorded part stays reserved while its chargers may draw under it";
    EXPECT_NEAR(gone_.at(site_.id), 33.3, 1e-9);
    // The survivors keep their 33.3 A each: with n3's chargers at their last limits the site stays within 100 A.
    EXPECT_NEAR(in_force(1) + in_force(2), 33.3, 1e-9) << describe();
    EXPECT_NEAR(in_force(3) + in_force(4), 33.3, 1e-9) << describe();
    EXPECT_NEAR(in_force(5) + in_force(6), dead_part, 1e-9);

    // CL-5 reconnects to n1: n1 takes its running session over and gives it a share of n1's part; CL-6 still charges
    // under n3's limit, so n3's part stays reserved.
    chargers_.at("CL-5").side.reset();
    connect("CL-5", "n1");
    renew();
    EXPECT_EQ(gone_.size(), 1u);
    EXPECT_NEAR(in_force(1) + in_force(2) + in_force(5), 33.3, 1e-9) << describe();
    EXPECT_NEAR(in_force(3) + in_force(4), 33.3, 1e-9) << describe();

    // CL-6 reconnects to n2 and n2 takes its session over, but CL-6 has not answered n2's limit yet: it may still
    // draw under n3's, so n3's part stays reserved at the next renewal and n1 does not raise.
    chargers_.at("CL-6").side.reset();
    chargers_.at("CL-6").hold = true;
    connect("CL-6", "n2");
    renew();
    EXPECT_EQ(gone_.size(), 1u) << "n3's part goes only once CL-6 accepted a limit of n2";
    EXPECT_NEAR(in_force(1) + in_force(2) + in_force(5), 33.3, 1e-9) << describe();
    ASSERT_FALSE(chargers_.at("CL-6").held.empty());
    // It accepts n2's share: nothing of n3 is left, the two survivors share the whole limit, 50 A each.
    release("CL-6");
    renew();
    EXPECT_TRUE(gone_.empty());
    EXPECT_NEAR(in_force(1) + in_force(2) + in_force(5), 50, 1e-9) << describe();
    EXPECT_NEAR(in_force(3) + in_force(4) + in_force(6), 50, 1e-9) << describe();
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
    EXPECT_GT(records_, 0);
}

TEST_F(LoadManagerCluster, ANodeRestartedUnderItsIdKeepsItsPredecessorsPartReserved) {
    share_on_three_nodes();
    // n3 crashes and starts again under the same id: the new process knows nothing of its predecessor's sessions,
    // whose chargers still charge under its limits. Taking the id retires what the predecessor recorded.
    nodes_.erase("n3");
    settle();
    now_ms_ += kLease;
    on_store<bool>([this](store::Connection& db) -> ocpp::Result<bool> {
        if (auto r = cs::db::claim_lease(db, "n3", "n3:1", "i-n3-again", now_ms_, now_ms_ + kLease); !r || *r) {
            return ocpp::make_error("n3's lease was not free");
        }
        if (auto r = cs::db::retire_limits(db, "n3", "i-n3-again"); !r) {
            return r.error();
        }
        return true;
    });
    add_node("n3", "i-n3-again");
    renew();
    ASSERT_EQ(gone_.size(), 1u) << "the predecessor's part stays reserved";
    EXPECT_NEAR(gone_.at(site_.id), 33.3, 1e-9);
    // Three live nodes share what it leaves: 22.2 A each.
    EXPECT_NEAR(in_force(1) + in_force(2), 22.2, 1e-9) << describe();
    EXPECT_NEAR(in_force(3) + in_force(4), 22.2, 1e-9) << describe();
    // Its chargers come back to the new n3, which takes their sessions over: then all three share 33.3 A each.
    for (const char* id : {"CL-5", "CL-6"}) {
        chargers_.at(id).side.reset();
        connect(id, "n3");
    }
    renew();
    EXPECT_TRUE(gone_.empty());
    for (int i = 1; i <= 6; i += 2) {
        EXPECT_NEAR(in_force(i) + in_force(i + 1), 33.3, 1e-9) << "node n" << (i + 1) / 2 << ": " << describe();
    }
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
}

TEST_F(LoadManagerCluster, ANodeRestartedManyTimesLeavesOnlyThePartsItsChargersStillChargeUnder) {
    share_on_three_nodes();
    const auto rows = [this] {
        return on_store<std::int64_t>([](store::Connection& db) -> ocpp::Result<std::int64_t> {
            auto n = db.first([](const store::Statement& q) { return q.int64(0); },
                              "SELECT count(*) FROM cluster_site_parts");
            if (!n) {
                return n.error();
            }
            return n->value_or(0);
        });
    };
    ASSERT_EQ(rows(), 3);
    // n3 crashes and starts again under its id, again and again. CL-6 never comes back: it charges on under the
    // first process's limits. CL-5 comes back to each new process, which takes its session over.
    for (int k = 1; k <= 12; ++k) {
        nodes_.erase("n3");
        settle();
        if (k == 1) {
            chargers_.at("CL-6").side.reset();
        }
        now_ms_ += kLease;
        const std::string instance = "i-n3-" + std::to_string(k);
        on_store<bool>([this, instance](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = cs::db::claim_lease(db, "n3", "n3:1", instance, now_ms_, now_ms_ + kLease); !r || *r) {
                return ocpp::make_error("n3's lease was not free");
            }
            if (auto r = cs::db::retire_limits(db, "n3", instance); !r) {
                return r.error();
            }
            return true;
        });
        add_node("n3", instance);
        renew();
        chargers_.at("CL-5").side.reset();
        connect("CL-5", "n3");
        renew();
        // What the first process gave CL-6 stays reserved; the parts of the processes after it are spent.
        ASSERT_EQ(gone_.size(), 1u) << "restart " << k;
        EXPECT_NEAR(gone_.at(site_.id), 33.3, 1e-9) << "restart " << k;
        ASSERT_EQ(rows(), 4) << "restart " << k << ": n1, n2, n3 and the first n3 process's part";
        EXPECT_NEAR(in_force(1) + in_force(2), 22.2, 1e-9) << describe();
        EXPECT_NEAR(in_force(3) + in_force(4), 22.2, 1e-9) << describe();
    }
    // CL-6's session ends: nothing of any earlier n3 is left.
    ASSERT_TRUE(on_store<bool>([](store::Connection& db) -> ocpp::Result<bool> {
        if (auto r = db.run("UPDATE transactions SET stop_ts = '2026-01-01T01:00:00Z', meter_stop = 0 "
                            "WHERE chargebox_id = 'CL-6'");
            !r) {
            return r.error();
        }
        return true;
    }));
    chargers_.at("CL-6").tx_limit.reset(); // its session is over: it draws nothing
    renew();
    EXPECT_TRUE(gone_.empty());
    EXPECT_EQ(rows(), 3);
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
}

} // namespace
