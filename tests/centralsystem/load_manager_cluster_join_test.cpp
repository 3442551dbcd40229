// LoadManager in a cluster: a node joins two that share a site (load_manager_cluster_fixture.hpp). It raises only
// into what the others' recorded parts leave, so not before their lowerings were accepted.
#include "tests/centralsystem/load_manager_cluster_fixture.hpp"

namespace {

using namespace cs_test;

// n1 and n2 share the site (50 A each) and CL-1..CL-4 charge on them; then n3 starts and CL-5 and CL-6 connect to it.
class LoadManagerClusterJoin : public LoadManagerCluster {
protected:
    void join_third_node();
};

void LoadManagerClusterJoin::join_third_node() {
    nodes_.erase("n3"); // it has not started yet
    settle();
    renew();
    start_two_per_node(4);
    renew();
    ASSERT_NEAR(in_force(1) + in_force(2), 50, 1e-9) << describe();
    ASSERT_NEAR(in_force(3) + in_force(4), 50, 1e-9) << describe();
    add_node("n3");
    for (int i = 5; i <= 6; ++i) {
        connect("CL-" + std::to_string(i), "n3");
        cs::ChargerObservers::tell(nodes_.at("n3").links->observers().session_started, "CL-" + std::to_string(i), 1,
                                   static_cast<std::int64_t>(i));
        settle();
    }
}

TEST_F(LoadManagerClusterJoin, ANodeThatJoinsRaisesOnlyAsTheOthersComeDown) {
    join_third_node();
    // n3's first renewal: it sees three live nodes and records 33.3 A, but n1 and n2 still hold 50 A each (they hear
    // of n3 only at their next renewals): n3 sends nothing yet.
    renew({"n3"});
    EXPECT_EQ(in_force(5) + in_force(6), 0) << describe();
    // n1 comes down to 33.3 A and records it; what n2 still holds leaves n3 too little for its sessions (each
    // charges at the fail-safe until its first limit).
    renew({"n1"});
    EXPECT_NEAR(in_force(1) + in_force(2), 33.3, 1e-9) << describe();
    renew({"n3"});
    EXPECT_LE(in_force(5) + in_force(6), kSiteLimit - 33.3 - 50 + 1e-9) << describe();
    // n2 comes down too: n3 raises to its part at its next renewal.
    renew({"n2"});
    EXPECT_NEAR(in_force(3) + in_force(4), 33.3, 1e-9) << describe();
    renew({"n3"});
    EXPECT_NEAR(in_force(5) + in_force(6), 33.3, 1e-9) << describe();
    renew();
    for (int i = 1; i <= 6; i += 2) {
        EXPECT_NEAR(in_force(i) + in_force(i + 1), 33.3, 1e-9) << "node n" << (i + 1) / 2 << ": " << describe();
    }
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
}

TEST_F(LoadManagerClusterJoin, ANodeThatJoinsStaysBelowWhatAnUnansweredLoweringStillHolds) {
    join_third_node();
    // CL-1 does not answer n1's lowering: it may go on drawing 25 A, so n1 records what its chargers may draw.
    chargers_.at("CL-1").hold = true;
    renew({"n3"});
    renew({"n1"});
    renew({"n2"});
    ASSERT_FALSE(chargers_.at("CL-1").held.empty());
    EXPECT_NEAR(in_force(1), 25, 1e-9) << describe();
    EXPECT_NEAR(in_force(3) + in_force(4), 33.3, 1e-9) << describe();
    for (int round = 0; round < 3; ++round) {
        renew({"n3"});
        const double n1_holds = in_force(1) + in_force(2), n2_holds = in_force(3) + in_force(4);
        EXPECT_LE(in_force(5) + in_force(6), kSiteLimit - n1_holds - n2_holds + 1e-9) << describe();
        EXPECT_LT(in_force(5) + in_force(6), 33.3 - 1e-9) << "n3 waits for CL-1: " << describe();
    }
    // CL-1 accepts its lowering: n1 records its part, and n3 raises to its own at its next renewal.
    release("CL-1");
    renew({"n1"});
    renew({"n3"});
    EXPECT_NEAR(in_force(5) + in_force(6), 33.3, 1e-9) << describe();
    for (int i = 1; i <= 6; i += 2) {
        EXPECT_NEAR(in_force(i) + in_force(i + 1), 33.3, 1e-9) << "node n" << (i + 1) / 2 << ": " << describe();
    }
    EXPECT_LE(peak_, kSiteLimit + 1e-9);
}

} // namespace
