// The stored-sample budget and the notification throttle (limits.hpp), on a manual clock.
#include <gtest/gtest.h>

#include "centralsystem/protocol/limits.hpp"

namespace {

using namespace std::chrono_literals;
using cs::NoticeThrottle;
using cs::SampleBudget;

const ocpp::Clock::TimePoint t0{};

TEST(SampleBudget, TrimsBeyondTheBudgetPerTransactionAndMinuteAndSaysSoOnce) {
    SampleBudget b(100);
    auto t = b.take("CB-A", 7, 60, t0);
    EXPECT_EQ(t.allowed, 60u);
    EXPECT_FALSE(t.first_trim);
    t = b.take("CB-A", 7, 60, t0 + 10s);
    EXPECT_EQ(t.allowed, 40u);
    EXPECT_TRUE(t.first_trim);
    t = b.take("CB-A", 7, 5, t0 + 20s);
    EXPECT_EQ(t.allowed, 0u);
    EXPECT_FALSE(t.first_trim) << "said once per window";
    // Another transaction, another charger naming the same id, samples without a transaction: their own budgets.
    EXPECT_EQ(b.take("CB-A", 8, 100, t0 + 20s).allowed, 100u);
    EXPECT_EQ(b.take("CB-B", 7, 100, t0 + 20s).allowed, 100u);
    EXPECT_EQ(b.take("CB-A", std::nullopt, 100, t0 + 20s).allowed, 100u);
    // A new minute, a new budget.
    t = b.take("CB-A", 7, 150, t0 + 60s);
    EXPECT_EQ(t.allowed, 100u);
    EXPECT_TRUE(t.first_trim);
}

TEST(SampleBudget, ManyTransactionIdsCannotResetAFloodedOne) {
    SampleBudget b(10);
    EXPECT_EQ(b.take("CB-A", 1, 50, t0).allowed, 10u);
    for (std::int64_t id = 2; id < 100; ++id) {
        (void)b.take("CB-A", id, 1, t0 + 1s);
    }
    EXPECT_EQ(b.take("CB-A", 1, 50, t0 + 2s).allowed, 0u);
}

TEST(SampleBudget, ZeroMeansNoLimit) {
    SampleBudget b(0);
    EXPECT_EQ(b.take("CB-A", 1, 1000000, t0).allowed, 1000000u);
}

TEST(NoticeThrottle, OncePerSubjectAndMinuteWithABoundedMemory) {
    NoticeThrottle n;
    EXPECT_TRUE(n.allow("a", t0));
    EXPECT_FALSE(n.allow("a", t0 + 59s));
    EXPECT_TRUE(n.allow("b", t0 + 59s));
    EXPECT_TRUE(n.allow("a", t0 + 60s));
    for (std::size_t i = 0; i < NoticeThrottle::kSubjects; ++i) {
        (void)n.allow("s" + std::to_string(i), t0 + 61s);
    }
    EXPECT_FALSE(n.allow("one too many", t0 + 62s)) << "full: quiet until some expire";
    EXPECT_TRUE(n.allow("one too many", t0 + 200s));
}

// Full of subjects that expire at different times: a new one is refused until the first of them expires, exactly.
TEST(NoticeThrottle, AFullTableOpensWhenItsFirstEntryExpires) {
    NoticeThrottle n;
    EXPECT_TRUE(n.allow("early", t0));
    for (std::size_t i = 1; i < NoticeThrottle::kSubjects; ++i) {
        ASSERT_TRUE(n.allow("s" + std::to_string(i), t0 + 30s));
    }
    EXPECT_FALSE(n.allow("new", t0 + 31s));
    EXPECT_FALSE(n.allow("new", t0 + 59s)) << "refused without a sweep until the first entry's window ends";
    EXPECT_TRUE(n.allow("new", t0 + 60s)) << "'early' has expired: room for one";
    EXPECT_FALSE(n.allow("newer", t0 + 61s));
    EXPECT_TRUE(n.allow("newer", t0 + 90s));
}

// Entries that expire one per second let exactly one new subject in per second, and a subject allowed again after
// its window counts once: the table never holds more than kSubjects, whatever the order of expiry.
TEST(NoticeThrottle, StaggeredExpiryAdmitsOneNewSubjectPerExpiredOne) {
    NoticeThrottle n;
    for (std::size_t i = 0; i < NoticeThrottle::kSubjects; ++i) {
        ASSERT_TRUE(n.allow("s" + std::to_string(i), t0 + std::chrono::milliseconds(i)));
    }
    for (int round = 0; round < 5; ++round) {
        const auto at = t0 + 60s + std::chrono::milliseconds(round);
        EXPECT_TRUE(n.allow("new" + std::to_string(round), at)) << "s" << round << " expired: room for one";
        EXPECT_FALSE(n.allow("extra" + std::to_string(round), at)) << "full again";
    }
    EXPECT_FALSE(n.allow("s5", t0 + 60s + 4ms)) << "s5 is still within its window";
    EXPECT_TRUE(n.allow("s5", t0 + 60s + 5ms)) << "its window ended: allowed again, in its own place";
    EXPECT_FALSE(n.allow("another", t0 + 60s + 5ms));
    // Everything expires: the whole table is free again.
    for (std::size_t i = 0; i < NoticeThrottle::kSubjects; ++i) {
        ASSERT_TRUE(n.allow("t" + std::to_string(i), t0 + 200s));
    }
    EXPECT_FALSE(n.allow("t-over", t0 + 200s));
}

} // namespace
