// A peer that triggers warnings without end costs a bounded number of log lines (hostile input: bounded logs).
#include "ocpp/log/log_limiter.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

class HostileLogLimiter : public ::testing::Test {
protected:
    std::vector<std::string> lines;
    ocpp::Logger log{ocpp::LogLevel::Info, [this](ocpp::LogLevel l, std::string_view c, std::string_view m) {
                         lines.push_back(std::string(ocpp::to_string(l)) + " " + std::string(c) + ": " +
                                         std::string(m));
                     }};
    ocpp::ManualClock clock;
    ocpp::LogLimiter limiter{log, clock, "peer CB-A", "CB-A", ocpp::LogLimits{10s, 3}};
};

TEST_F(HostileLogLimiter, WritesTheFirstLinesThenSumsUpTheRest) {
    for (int i = 0; i < 18214; ++i) {
        limiter.warn("malformed frames", "malformed message " + std::to_string(i));
    }
    EXPECT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], "warn peer CB-A: malformed message 2");
    clock.advance(10s);
    limiter.warn("malformed frames", "malformed message again");
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[3], "warn peer CB-A: … and 18,211 more malformed frames from \"CB-A\" in the last 10 s "
                        "(not logged one by one)");
    EXPECT_EQ(lines[4], "warn peer CB-A: malformed message again");
    EXPECT_EQ(limiter.held_back(), 18211u);
}

TEST_F(HostileLogLimiter, SumsUpEachKindAndFlushesOnDemand) {
    for (int i = 0; i < 5; ++i) {
        limiter.warn("malformed frames", "bad");
        limiter.log(ocpp::LogLevel::Error, "failed sends", "could not send");
    }
    clock.advance(2500ms);
    limiter.flush();
    ASSERT_EQ(lines.size(), 5u);
    // In the order each kind was first held back.
    EXPECT_EQ(lines[3], "error peer CB-A: … and 4 more failed sends from \"CB-A\" in the last 2 s "
                        "(not logged one by one)");
    EXPECT_EQ(lines[4], "warn peer CB-A: … and 3 more malformed frames from \"CB-A\" in the last 2 s "
                        "(not logged one by one)");
    limiter.flush(); // nothing held: nothing written
    EXPECT_EQ(lines.size(), 5u);
}

TEST_F(HostileLogLimiter, QuietLevelsSpendNoBudgetAndBuildNoMessage) {
    bool built = false;
    limiter.log_with(ocpp::LogLevel::Debug, "deviations", [&] {
        built = true;
        return std::string("never");
    });
    EXPECT_FALSE(built);
    for (int i = 0; i < 3; ++i) {
        limiter.warn("malformed frames", "bad");
    }
    EXPECT_EQ(lines.size(), 3u);
    EXPECT_EQ(limiter.held_back(), 0u);
}

TEST_F(HostileLogLimiter, ANewWindowGetsANewBudget) {
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < 100; ++i) {
            limiter.warn("malformed frames", "bad");
        }
        clock.advance(11s);
    }
    // Each window: 3 lines, and one summary written when the next window starts.
    EXPECT_EQ(lines.size(), 4u * 3u + 3u);
}

} // namespace
