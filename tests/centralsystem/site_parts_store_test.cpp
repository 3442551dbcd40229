// The parts of a site's limit the nodes of a cluster record (db/cluster.hpp), on both backends: a node restarted
// again and again under one id, or stopped cleanly, leaves no row behind once nothing is under it, while the part a
// charger still charges under stays reserved; a dead node's part under its own id stays; on PostgreSQL a node that
// finds another one deleting skips it.
#include "centralsystem/db/cluster.hpp"
#include "centralsystem/db/sites/sites.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {
namespace {

constexpr std::int64_t kLease = 10000;

class SiteParts : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        ASSERT_TRUE(db_);
        std::vector<std::string> ids;
        for (int i = 1; i <= 3; ++i) {
            ids.push_back("SP-" + std::to_string(i));
            ASSERT_TRUE(db::insert_charger(*db_, charger(ids.back(), "DE*SPT*E" + std::to_string(i))));
        }
        db::SiteRow site;
        site.name = "Depot";
        site.limit = 100;
        site.created_at = site.updated_at = "2026-01-01T00:00:00Z";
        auto saved = db::save_site(*db_, site);
        ASSERT_TRUE(saved && *saved);
        site_ = (*saved)->id;
        auto assigned = db::set_site_chargers(*db_, site_, ids);
        ASSERT_TRUE(assigned && !*assigned);
    }
    // A process under `node` starts (its predecessor's lease ran out): it takes the id and retires what was recorded.
    void start(const std::string& node, const std::string& instance) {
        now_ += kLease + 1;
        auto claimed = db::claim_lease(*db_, node, node + ":1", instance, now_, now_ + kLease);
        ASSERT_TRUE(claimed && !*claimed) << "the lease of " << node << " was not free";
        ASSERT_TRUE(db::retire_limits(*db_, node, instance));
    }
    // The charger connects to `node` and charges; its limits are the node's (taken over).
    void charge(const std::string& id, const std::string& node) {
        ASSERT_TRUE(db::take_ownership(*db_, id, node, now_));
        ASSERT_TRUE(db::mark_limited(*db_, id, node));
        ASSERT_TRUE(db_->run("INSERT INTO transactions(chargebox_id, connector_id, id_tag, meter_start, start_ts) "
                             "VALUES(?1, 1, 'TAG', 0, '2026-01-01T00:00:00Z')",
                             id));
    }
    void stop_charging(const std::string& id) {
        ASSERT_TRUE(db_->run("UPDATE transactions SET stop_ts = '2026-01-01T01:00:00Z', meter_stop = 0 "
                             "WHERE chargebox_id = ?1 AND stop_ts IS NULL",
                             id));
    }
    // What a renewal of `node` reads: the parts of names no live lease holds that a charging charger is under.
    std::vector<db::GonePart> renew(const std::string& node, const std::string& instance) {
        now_ += 1000;
        EXPECT_TRUE(db::renew_lease(*db_, node, node + ":1", instance, now_, now_ + kLease));
        auto gone = db::gone_parts(*db_, now_);
        EXPECT_TRUE(gone) << gone.error().message;
        return gone ? *gone : std::vector<db::GonePart>{};
    }
    std::vector<std::string> rows() {
        auto r = db_->all([](const store::Statement& q) { return q.text(0); },
                          "SELECT node_id FROM cluster_site_parts ORDER BY node_id");
        EXPECT_TRUE(r) << r.error().message;
        return r ? *r : std::vector<std::string>{};
    }
    std::int64_t site_ = 0;
    std::int64_t now_ = 1'800'000'000'000;
};

INSTANTIATE_TEST_SUITE_P(Backends, SiteParts, ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql),
                         backend_name);

TEST_P(SiteParts, ANodeRestartedManyTimesLeavesOnlyThePartsChargersAreUnder) {
    start("n1", "i-0");
    ASSERT_TRUE(db::record_site_part(*db_, "n1", site_, 40));
    charge("SP-1", "n1");
    // n1 crashes and comes back under its id: SP-1 stays away charging under the first process's limits.
    start("n1", "i-1");
    for (int k = 2; k <= 60; ++k) {
        // Each process records its part and has SP-2 charge under its limits; then it crashes, a new one starts,
        // SP-2 comes back to it and is taken over, and its session goes on.
        ASSERT_TRUE(db::record_site_part(*db_, "n1", site_, 30));
        if (k == 2) {
            charge("SP-2", "n1");
        }
        start("n1", "i-" + std::to_string(k));
        ASSERT_TRUE(db::take_ownership(*db_, "SP-2", "n1", now_));
        auto gone = renew("n1", "i-" + std::to_string(k));
        ASSERT_EQ(gone.size(), 2u) << "SP-1 and SP-2 charge under the limits of two earlier processes";
        ASSERT_TRUE(db::mark_limited(*db_, "SP-2", "n1"));
        gone = renew("n1", "i-" + std::to_string(k));
        ASSERT_EQ(gone.size(), 1u) << "restart " << k;
        EXPECT_EQ(gone[0].node, "n1 (before i-1)");
        EXPECT_DOUBLE_EQ(gone[0].part_a, 40);
        ASSERT_EQ(rows(), (std::vector<std::string>{"n1 (before i-1)"})) << "restart " << k;
    }
    // The last charger under the first process's limits stops charging: its part goes too.
    stop_charging("SP-1");
    EXPECT_TRUE(renew("n1", "i-60").empty());
    EXPECT_TRUE(rows().empty());
}

TEST_P(SiteParts, ANodeStoppedCleanlyLeavesItsPartOnlyWhileItsChargersChargeUnderIt) {
    start("n1", "i-a");
    start("n2", "i-b");
    ASSERT_TRUE(db::record_site_part(*db_, "n1", site_, 50));
    ASSERT_TRUE(db::record_site_part(*db_, "n2", site_, 50));
    charge("SP-1", "n2");
    // n2 stops cleanly: its part stays reserved, under a name of its own, while SP-1 charges under its limits.
    ASSERT_TRUE(db::end_lease(*db_, "n2", "i-b", now_));
    auto gone = renew("n1", "i-a");
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].node, "n2 (stopped i-b)");
    EXPECT_DOUBLE_EQ(gone[0].part_a, 50);
    EXPECT_EQ(rows(), (std::vector<std::string>{"n1", "n2 (stopped i-b)"}));
    // SP-1 comes back to n1, which takes its session over: n2's part is spent.
    ASSERT_TRUE(db::take_ownership(*db_, "SP-1", "n1", now_));
    ASSERT_TRUE(db::mark_limited(*db_, "SP-1", "n1"));
    EXPECT_TRUE(renew("n1", "i-a").empty());
    EXPECT_EQ(rows(), (std::vector<std::string>{"n1"}));
}

TEST_P(SiteParts, ANodeRestartedAfterACrashThenStoppedCleanlyKeepsBothProcessesPartsApart) {
    start("n1", "i-a");
    start("n2", "i-b");
    ASSERT_TRUE(db::record_site_part(*db_, "n2", site_, 50));
    charge("SP-1", "n2");
    // n2 crashes and a new process takes its id while SP-1 still charges under the first one's limits.
    start("n2", "i-c");
    ASSERT_TRUE(db::record_site_part(*db_, "n2", site_, 30));
    charge("SP-2", "n2");
    // The new process stops cleanly: its own part is kept apart from its predecessor's (same site), and the stop
    // goes through (the lease ends, its chargers are released).
    auto ended = db::end_lease(*db_, "n2", "i-c", now_);
    ASSERT_TRUE(ended) << ended.error().message;
    EXPECT_EQ(rows(), (std::vector<std::string>{"n2 (before i-c)", "n2 (stopped i-c)"}));
    auto connected = db_->first([](const store::Statement& q) { return q.int64(0); },
                                "SELECT count(*) FROM cluster_owners WHERE node_id = 'n2' AND connected = 1");
    ASSERT_TRUE(connected && *connected);
    EXPECT_EQ(**connected, 0);
    auto gone = renew("n1", "i-a");
    ASSERT_EQ(gone.size(), 2u);
    EXPECT_DOUBLE_EQ(gone[0].part_a + gone[1].part_a, 80);
}

TEST_P(SiteParts, ADeadNodesPartUnderItsOwnIdStaysUntilItsIdIsTakenAgain) {
    start("n1", "i-a");
    start("n2", "i-b");
    ASSERT_TRUE(db::record_site_part(*db_, "n1", site_, 50));
    ASSERT_TRUE(db::record_site_part(*db_, "n2", site_, 50));
    // n2's lease runs out with nothing under its limits: it may only have paused, and would renew as it was.
    now_ += 2 * kLease;
    EXPECT_TRUE(renew("n1", "i-a").empty());
    EXPECT_EQ(rows(), (std::vector<std::string>{"n1", "n2"}));
    ASSERT_TRUE(db::renew_lease(*db_, "n2", "n2:1", "i-b", now_, now_ + kLease));
    // A new process takes n2's id: the dead one's part is retired and, with nothing under it, goes.
    start("n2", "i-c");
    EXPECT_TRUE(renew("n1", "i-a").empty());
    EXPECT_EQ(rows(), (std::vector<std::string>{"n1"}));
}

TEST_P(SiteParts, OnPostgresqlANodeSkipsTheDeletionAnotherOneIsDoing) {
    if (GetParam() != store::Dialect::Postgresql) {
        GTEST_SKIP() << "one SQLite database has one writer at a time";
    }
    start("n1", "i-a");
    ASSERT_TRUE(db::record_site_part(*db_, "n1", site_, 50));
    start("n1", "i-b");
    auto other = open();
    ASSERT_TRUE(other);
    ASSERT_TRUE(other->begin());
    ASSERT_TRUE(other->exec("SELECT pg_advisory_xact_lock(7081968)"));
    auto skipped = db::drop_spent_parts(*db_);
    ASSERT_TRUE(skipped) << skipped.error().message;
    EXPECT_EQ(*skipped, 0);
    EXPECT_EQ(rows(), (std::vector<std::string>{"n1 (before i-b)"}));
    ASSERT_TRUE(other->commit());
    auto dropped = db::drop_spent_parts(*db_);
    ASSERT_TRUE(dropped) << dropped.error().message;
    EXPECT_EQ(*dropped, 1);
    EXPECT_TRUE(rows().empty());
}

} // namespace
} // namespace cs
