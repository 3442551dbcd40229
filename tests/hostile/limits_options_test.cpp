// The options that set the message-rate limit, in ocpp-centralsystem and in both commands of ocpp-tester: defaults,
// flags, environment, and one clear line for a bad value.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "centralsystem/options.hpp"
#include "tester/check/command.hpp"
#include "tester/serve/command.hpp"

namespace {

ocpp::Result<cs::Options> parse_cs(std::vector<std::string> args, const std::vector<std::string>& env) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data(), env);
}

ocpp::Result<tester::ServeOptions> parse_serve(std::vector<std::string> args, const std::vector<std::string>& env) {
    args.insert(args.begin(), "serve");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return tester::parse_serve_options(static_cast<int>(argv.size()), argv.data(), env);
}

ocpp::Result<tester::CheckCommand> parse_check(std::vector<const char*> args) {
    args.insert(args.begin(), "check");
    return tester::parse_check_command(static_cast<int>(args.size()), args.data());
}

TEST(HostileLimitsOptions, CentralSystemMessageRate) {
    auto o = parse_cs({}, {});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->max_message_rate, 50);
    EXPECT_EQ(o->message_burst, 200);
    o = parse_cs({"--max-message-rate", "0"}, {"OCPPKIT_MESSAGE_BURST=20", "OCPPKIT_MAX_MESSAGE_RATE=5"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->max_message_rate, 0);
    EXPECT_EQ(o->message_burst, 20);
    EXPECT_TRUE(o->warnings.empty());
    auto bad = parse_cs({"--message-burst", "0"}, {});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--message-burst takes a whole number from 1 to 100000, not \"0\"");
    bad = parse_cs({}, {"OCPPKIT_MAX_MESSAGE_RATE=fast"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("OCPPKIT_MAX_MESSAGE_RATE"), std::string::npos) << bad.error().message;
}

TEST(HostileLimitsOptions, TesterServeMessageRate) {
    auto o = parse_serve({"--listen", "127.0.0.1:0"}, {"OCPPKIT_TESTER_MAX_MESSAGE_RATE=7"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->max_message_rate, 7);
    EXPECT_EQ(o->message_burst, 200);
    o = parse_serve({"--listen", "127.0.0.1:0", "--message-burst", "9", "--max-message-rate", "0"}, {});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->max_message_rate, 0);
    EXPECT_EQ(o->message_burst, 9);
    EXPECT_FALSE(parse_serve({"--listen", "127.0.0.1:0", "--max-message-rate", "-1"}, {}));
}

TEST(HostileLimitsOptions, TesterCheckMessageRate) {
    auto r = parse_check({"--listen", "127.0.0.1:0", "--chargebox-id", "CB-1"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->options.max_message_rate, 50);
    EXPECT_EQ(r->options.message_burst, 200);
    r = parse_check(
        {"--listen", "127.0.0.1:0", "--chargebox-id", "CB-1", "--max-message-rate", "0", "--message-burst", "10"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->options.max_message_rate, 0);
    EXPECT_EQ(r->options.message_burst, 10);
    r = parse_check({"--listen", "127.0.0.1:0", "--chargebox-id", "CB-1", "--message-burst", "0"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "--message-burst: expected a whole number from 1 to 100000, got \"0\"");
}

} // namespace
