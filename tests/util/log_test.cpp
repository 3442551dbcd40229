#include "ocpp/log/log.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

TEST(Logger, DropsLinesBelowItsLevel) {
    std::vector<std::string> lines;
    ocpp::Logger log(ocpp::LogLevel::Warn, [&](ocpp::LogLevel l, std::string_view c, std::string_view m) {
        lines.push_back(std::string(ocpp::to_string(l)) + " " + std::string(c) + ": " + std::string(m));
    });
    log.info("rpc", "hidden");
    log.warn("rpc", "shown");
    log.error("net", "also shown");
    EXPECT_EQ(lines, (std::vector<std::string>{"warn rpc: shown", "error net: also shown"}));
}

TEST(Logger, ParsesLevelNames) {
    ocpp::LogLevel level{};
    EXPECT_TRUE(ocpp::parse_log_level("debug", level));
    EXPECT_EQ(level, ocpp::LogLevel::Debug);
    EXPECT_FALSE(ocpp::parse_log_level("verbose", level));
}

TEST(LogLevel, EveryLevelHasANameThatParsesBack) {
    for (auto level : {ocpp::LogLevel::Debug, ocpp::LogLevel::Info, ocpp::LogLevel::Warn, ocpp::LogLevel::Error,
                       ocpp::LogLevel::Off}) {
        const std::string name = ocpp::to_string(level);
        EXPECT_NE(name, "?");
        ocpp::LogLevel parsed = ocpp::LogLevel::Off;
        ASSERT_TRUE(ocpp::parse_log_level(name, parsed)) << name;
        EXPECT_EQ(parsed, level);
    }
    ocpp::LogLevel untouched = ocpp::LogLevel::Info;
    EXPECT_FALSE(ocpp::parse_log_level("verbose", untouched));
    EXPECT_EQ(untouched, ocpp::LogLevel::Info);
}
