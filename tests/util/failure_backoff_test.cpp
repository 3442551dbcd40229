// FailureBackoff on a manual clock: the threshold, doubling delays up to the cap, expiry, forgetting quiet keys,
// the bound on the table; and the source part of a remote endpoint.
#include <gtest/gtest.h>

#include "ocpp/util/failure_backoff.hpp"

namespace {

using namespace std::chrono_literals;
using ocpp::BackoffConfig;
using ocpp::FailureBackoff;

BackoffConfig config(int threshold = 3) {
    BackoffConfig c;
    c.threshold = threshold;
    c.first_delay = 1s;
    c.max_delay = 8s;
    c.forget_after = 60s;
    c.max_keys = 4;
    return c;
}

TEST(FailureBackoff, TheThresholdStartsDelaysThatDoubleUpToTheCap) {
    ocpp::ManualClock clock;
    FailureBackoff b(clock, config());
    for (int i = 0; i < 2; ++i) {
        EXPECT_FALSE(b.failed("CB-A").has_value()) << "failure " << i + 1 << " is below the threshold";
        EXPECT_FALSE(b.blocked("CB-A").has_value());
    }
    std::vector<long> delays;
    for (int i = 0; i < 6; ++i) {
        const auto d = b.failed("CB-A");
        ASSERT_TRUE(d.has_value());
        delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(*d).count());
        EXPECT_EQ(b.blocked("CB-A"), *d);
        clock.advance(*d);
        EXPECT_FALSE(b.blocked("CB-A").has_value()) << "the delay has passed";
    }
    EXPECT_EQ(delays, (std::vector<long>{1, 2, 4, 8, 8, 8}));
    EXPECT_EQ(b.failures("CB-A"), 8);
}

TEST(FailureBackoff, KeysAreIndependentAndOnlyFailuresCount) {
    ocpp::ManualClock clock;
    FailureBackoff b(clock, config(2));
    EXPECT_FALSE(b.failed("10.0.0.1").has_value());
    ASSERT_TRUE(b.failed("10.0.0.1").has_value());
    EXPECT_TRUE(b.blocked("10.0.0.1").has_value());
    EXPECT_FALSE(b.blocked("10.0.0.2").has_value());
    EXPECT_EQ(b.failures("10.0.0.2"), 0);
    clock.advance(500ms);
    EXPECT_EQ(b.blocked("10.0.0.1"), std::optional<ocpp::Clock::Duration>(500ms));
}

TEST(FailureBackoff, AQuietKeyStartsAfresh) {
    ocpp::ManualClock clock;
    FailureBackoff b(clock, config(2));
    b.failed("CB-A");
    b.failed("CB-A");
    b.failed("CB-A");
    EXPECT_EQ(b.failures("CB-A"), 3);
    clock.advance(59s);
    EXPECT_EQ(b.failures("CB-A"), 3) << "still remembered";
    clock.advance(1s);
    EXPECT_EQ(b.failures("CB-A"), 0) << "forgotten after forget_after without a failure";
    EXPECT_FALSE(b.failed("CB-A").has_value()) << "counting starts again";
}

TEST(FailureBackoff, TheTableIsBoundedAndForgetsTheOldestFailureFirst) {
    ocpp::ManualClock clock;
    FailureBackoff b(clock, config(1));
    for (int i = 0; i < 1000; ++i) {
        b.failed("invented-" + std::to_string(i));
        clock.advance(1ms);
        ASSERT_LE(b.size(), 4u);
    }
    EXPECT_EQ(b.failures("invented-0"), 0);
    EXPECT_EQ(b.failures("invented-999"), 1);
    // A key failing again moves to the front and outlives newer keys that stay quiet.
    b.failed("invented-996");
    b.failed("new-1");
    b.failed("new-2");
    EXPECT_EQ(b.failures("invented-996"), 2);
    EXPECT_EQ(b.failures("invented-997"), 0);
}

TEST(FailureBackoff, ConfigurationIsMadeConsistent) {
    ocpp::ManualClock clock;
    BackoffConfig c = config(1);
    c.max_delay = 100s;
    c.forget_after = 1s; // shorter than the cap: raised to it, or a blocked key would forget its count
    FailureBackoff b(clock, c);
    EXPECT_EQ(b.config().forget_after, std::chrono::duration_cast<ocpp::Clock::Duration>(100s));
}

TEST(SourceOfEndpoint, StripsThePortAndGroupsIpv6ByItsSlash64) {
    EXPECT_EQ(ocpp::source_of_endpoint("192.0.2.7:53412"), "192.0.2.7");
    EXPECT_EQ(ocpp::source_of_endpoint("[2001:db8:1:2:3:4:5:6]:443"), "2001:db8:1:2::/64");
    EXPECT_EQ(ocpp::source_of_endpoint("[2001:db8:1:2:ffff::9]:1"), "2001:db8:1:2::/64");
    EXPECT_EQ(ocpp::source_of_endpoint("[::ffff:10.1.2.3]:80"), "10.1.2.3");
    EXPECT_EQ(ocpp::source_of_endpoint("unknown"), "unknown");
}

} // namespace
