// Sharing a site's limit (centralsystem/sites/allocation): equal shares, connector caps with the surplus passed on,
// the minimum per session (later sessions suspended), the time-of-day limit, and lowerings ordered before raises.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "centralsystem/sites/allocation.hpp"
#include "ocpp/smartcharging/units.hpp"

namespace {

using namespace cs::sites;

double sum(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

TEST(SitesAllocation, EqualSharesWhenNothingCaps) {
    const auto s = share(60, 6, {{1, 32}, {2, 32}, {3, 32}});
    EXPECT_EQ(s, (std::vector<double>{20, 20, 20}));
}

TEST(SitesAllocation, SharesAreRoundedDownSoTheSumNeverExceedsTheLimit) {
    const auto s = share(50, 6, {{1, 32}, {2, 32}, {3, 32}});
    EXPECT_LE(sum(s), 50.0 + 1e-9);
    for (double a : s) {
        EXPECT_GE(a, 16.6);
        EXPECT_LE(a, 16.8);
    }
}

TEST(SitesAllocation, ACappedConnectorPassesItsSurplusToTheOthers) {
    // 90 A among three: the 16 A connector takes 16, the other two share 74.
    const auto s = share(90, 6, {{1, 32}, {2, 16}, {3, 63}});
    EXPECT_DOUBLE_EQ(s[1], 16);
    EXPECT_DOUBLE_EQ(s[0], 32); // capped too: 37 would be its equal share of the rest
    EXPECT_DOUBLE_EQ(s[2], 42);
    EXPECT_LE(sum(s), 90.0);
}

TEST(SitesAllocation, EveryConnectorCappedLeavesLimitUnused) {
    const auto s = share(100, 6, {{1, 16}, {2, 10}});
    EXPECT_EQ(s, (std::vector<double>{16, 10}));
}

TEST(SitesAllocation, SessionsBeyondTheMinimumAreSuspendedLatestFirst) {
    // 20 A with a 6 A minimum gives three sessions their minimum; the fourth and fifth (started last) get 0.
    const auto s = share(20, 6, {{5, 32}, {1, 32}, {4, 32}, {2, 32}, {3, 32}});
    EXPECT_DOUBLE_EQ(s[0], 0); // key 5
    EXPECT_DOUBLE_EQ(s[2], 0); // key 4
    EXPECT_GE(s[1], 6);
    EXPECT_GE(s[3], 6);
    EXPECT_GE(s[4], 6);
    EXPECT_LE(sum(s), 20.0);
}

TEST(SitesAllocation, NoLimitOrNoSessionsGivesNothing) {
    EXPECT_TRUE(share(100, 6, {}).empty());
    EXPECT_EQ(share(0, 6, {{1, 32}}), (std::vector<double>{0}));
    EXPECT_EQ(share(5, 6, {{1, 32}}), (std::vector<double>{0}));
}

TEST(SitesAllocation, ZeroMinimumSharesAmongAll) {
    const auto s = share(10, 0, {{1, 32}, {2, 32}, {3, 32}, {4, 32}});
    EXPECT_EQ(s, (std::vector<double>{2.5, 2.5, 2.5, 2.5}));
}

TEST(SitesAllocation, TimeOfDayScheduleAppliesAndWraps) {
    SiteRules r;
    r.limit_a = 100;
    EXPECT_DOUBLE_EQ(limit_at(r, 0), 100);
    r.schedule = {{7 * 60, 40}, {22 * 60, 120}};
    EXPECT_DOUBLE_EQ(limit_at(r, 6 * 60 + 59), 120); // the previous day's last period
    EXPECT_DOUBLE_EQ(limit_at(r, 7 * 60), 40);
    EXPECT_DOUBLE_EQ(limit_at(r, 21 * 60 + 59), 40);
    EXPECT_DOUBLE_EQ(limit_at(r, 22 * 60), 120);
    EXPECT_EQ(minutes_to_next_change(r, 6 * 60), 60);
    EXPECT_EQ(minutes_to_next_change(r, 23 * 60), 8 * 60);
    r.schedule.clear();
    EXPECT_EQ(minutes_to_next_change(r, 5), 24 * 60);
}

TEST(SitesAllocation, ATimeOfDayChangeReshares) {
    SiteRules r;
    r.limit_a = 64;
    r.schedule = {{0, 64}, {12 * 60, 24}};
    const std::vector<Demand> d{{1, 32}, {2, 32}};
    EXPECT_EQ(share(limit_at(r, 60), 6, d), (std::vector<double>{32, 32}));
    EXPECT_EQ(share(limit_at(r, 13 * 60), 6, d), (std::vector<double>{12, 12}));
}

TEST(SitesAllocation, KilowattsConvertAtTheSitesVoltageAndPhases) {
    using ocpp::smartcharging::amps_from_watts;
    using ocpp::smartcharging::watts_from_amps;
    EXPECT_NEAR(amps_from_watts(22080, 3, 230), 32.0, 1e-9);
    EXPECT_NEAR(watts_from_amps(32, 3, 230), 22080, 1e-9);
    EXPECT_DOUBLE_EQ(amps_from_watts(10000, 3, 0), 0);
    EXPECT_DOUBLE_EQ(amps_from_watts(10000, 0, 230), 0);
}

TEST(SitesAllocation, LoweringsGoOutBeforeRaises) {
    const auto ordered = order_changes({{1, 10, 16}, {2, 32, 16}, {3, 0, 4}, {4, 20, 18}});
    ASSERT_EQ(ordered.size(), 4u);
    EXPECT_EQ(ordered[0].key, 2); // the largest lowering first
    EXPECT_EQ(ordered[1].key, 4);
    EXPECT_EQ(ordered[2].key, 3); // then the smallest raise
    EXPECT_EQ(ordered[3].key, 1);
}

TEST(SitesAllocation, ALargeSiteKeepsRoomForTheNextStartsAndASmallSiteSharesItsWholeLimit) {
    // Two sessions on 30 A: reserving room would cost each of them more than a new session could get from it.
    EXPECT_DOUBLE_EQ(start_headroom(30, 2), 0);
    EXPECT_DOUBLE_EQ(start_headroom(0, 500), 0);
    // 330 sessions on 4,000 A: several new sessions' shares fit in the room at once, and it costs at most 2.5 %.
    const double room = start_headroom(4000, 330);
    EXPECT_GE(room, 4 * 4000.0 / 331);
    EXPECT_LE(room, 0.025 * 4000 + 1e-9);
    std::vector<Demand> d;
    for (int i = 1; i <= 330; ++i) {
        d.push_back({i, 32});
    }
    const double in_force = sum(share(4000 - room, 6, d));
    // A new session's share (of 331, with the room for 331) fits beside the limits in force without any lowering.
    d.push_back({331, 32});
    const auto next = share(4000 - start_headroom(4000, 331), 6, d);
    EXPECT_LE(in_force + next.back(), 4000.0);
    EXPECT_GT(next.back(), 6.0);
}

TEST(SitesAllocation, TheHeadroomNeverSuspendsASessionTheWholeLimitAdmits) {
    // 49 sessions of 6 A minimum fit 300 A (294 A), but not 300 A less the full headroom (7.5 A).
    std::vector<Demand> d;
    for (int i = 1; i <= 49; ++i) {
        d.push_back({i, 32});
    }
    EXPECT_DOUBLE_EQ(start_headroom(300, 49), 7.5);
    const double room = start_headroom(300, 6, d);
    EXPECT_NEAR(room, 6.0, 1e-9); // what the minimums leave
    const auto shares = share(300 - room, 6, d);
    for (std::size_t i = 0; i < shares.size(); ++i) {
        EXPECT_GE(shares[i], 6.0) << "session " << i + 1;
    }
    // With the minimums far below the limit, the headroom is the usual one.
    EXPECT_DOUBLE_EQ(start_headroom(4000, 6, std::vector<Demand>(330, Demand{1, 32})), start_headroom(4000, 330));
}

} // namespace

TEST(NodeBudget, NodesTogetherNeverExceedTheSiteLimit) {
    // 100 A on 3 live nodes: 33.3 A each, 99.9 A together.
    EXPECT_DOUBLE_EQ(node_budget(100, 3), 33.3);
    for (std::size_t nodes = 1; nodes <= 16; ++nodes) {
        for (double limit : {6.0, 32.0, 100.0, 250.0, 1000.0}) {
            EXPECT_LE(node_budget(limit, nodes) * static_cast<double>(nodes), limit + 1e-9) << limit << " " << nodes;
            // And each node's sessions share only its part.
            const auto s = share(node_budget(limit, nodes), 6, {{1, 63}, {2, 63}, {3, 63}});
            EXPECT_LE((s[0] + s[1] + s[2]) * static_cast<double>(nodes), limit + 1e-9);
        }
    }
    EXPECT_DOUBLE_EQ(node_budget(100, 1), 100);
}

TEST(NodeBudget, AWholeTenthPerNodeIsNotLostToBinaryFractions) {
    // 48.3 / 3 is 16.099999999999998 in binary: the budget is still 16.1 A, and 2.4 A on 3 nodes 0.8 A each.
    EXPECT_DOUBLE_EQ(node_budget(48.3, 3), 16.1);
    EXPECT_DOUBLE_EQ(node_budget(2.4, 3), 0.8);
    for (int tenths = 1; tenths <= 1000; ++tenths) {
        for (std::size_t nodes = 1; nodes <= 8; ++nodes) {
            const double each = tenths / 10.0;
            EXPECT_DOUBLE_EQ(node_budget(each * static_cast<double>(nodes), nodes), each) << each << " " << nodes;
        }
    }
}

TEST(NodeBudget, NothingBeforeTheLiveNodesAreKnown) {
    EXPECT_DOUBLE_EQ(node_budget(100, 0), 0);
}

TEST(NodeBudget, ADeadNodesPartStaysReservedUntilItsChargersAreTakenOver) {
    // 100 A on 3 nodes: 33.3 A each. One dies with its chargers still charging under its 33.3 A: the two others keep
    // 33.3 A each instead of raising to 50 A; once its chargers are taken over, they share 100 A among 2.
    EXPECT_DOUBLE_EQ(node_budget(100, 3), 33.3);
    EXPECT_DOUBLE_EQ(node_budget(100, 2, 33.3), 33.3);
    EXPECT_DOUBLE_EQ(node_budget(100, 2), 50);
    // Live parts and the dead nodes' parts never add up to more than the limit, for any number of each.
    for (double limit : {6.0, 32.0, 100.0, 250.0, 1000.0}) {
        for (std::size_t before = 2; before <= 8; ++before) {
            const double part = node_budget(limit, before);
            for (std::size_t dead = 1; dead < before; ++dead) {
                const double gone = part * static_cast<double>(dead);
                const std::size_t live = before - dead;
                EXPECT_LE(node_budget(limit, live, gone) * static_cast<double>(live) + gone, limit + 1e-9)
                    << limit << " A, " << dead << " of " << before << " nodes dead";
                EXPECT_GE(node_budget(limit, live, gone), part) << "the survivors never lower for a death";
            }
        }
    }
    // A dead node whose part was larger (it died when fewer nodes shared) leaves the newcomers less.
    EXPECT_DOUBLE_EQ(node_budget(100, 3, 50), 16.6);
    // More reserved than the limit (a lower time-of-day limit now): nothing to share, never a negative part.
    EXPECT_DOUBLE_EQ(node_budget(40, 2, 66.6), 0);
    // A reservation that is no number reserves everything.
    EXPECT_DOUBLE_EQ(node_budget(100, 2, std::nan("")), 0);
    EXPECT_DOUBLE_EQ(node_budget(100, 2, -5), 0);
}
