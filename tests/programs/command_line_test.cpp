// --version in every program (a bug report names its build), and a wrong option answered with one line naming it
// rather than the whole usage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/paths.hpp"
#include "tests/support/run_binary.hpp"

namespace {

using ocppkit::test::run_binary;

std::string bin(const std::string& name) {
    return std::string(ocppkit::test::bin_dir()) + "/" + name;
}

long lines(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
}

class Version : public ::testing::TestWithParam<std::string> {};

TEST_P(Version, PrintsTheProgramAndTheProjectVersionAndExits0) {
    for (const char* flag : {"--version", "-V"}) {
        const auto r = run_binary(bin(GetParam()), {flag});
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(r.output.rfind(GetParam() + " " OCPPKIT_TEST_VERSION " (OCPP 1.6-J", 0), 0u) << r.output;
        EXPECT_EQ(lines(r.output), 1) << r.output;
    }
}

INSTANTIATE_TEST_SUITE_P(Programs, Version, ::testing::Values("ocpp-centralsystem", "ocpp-simulator", "ocpp-tester"));

TEST(WrongOption, CentralSystemNamesTheProblemInOneLine) {
    const auto r = run_binary(bin("ocpp-centralsystem"), {"--api-token", "short"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--api-token must have at least 16 characters (see --help)"), std::string::npos)
        << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
}

TEST(WrongOption, TesterServeNamesTheProblemInOneLine) {
    const auto r = run_binary(bin("ocpp-tester"), {"serve", "--listen", "127.0.0.1:0", "--no-such-flag"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
}

TEST(WrongOption, TesterCheckNamesTheProblemInOneLine) {
    const auto r = run_binary(bin("ocpp-tester"), {"check", "--listen", "127.0.0.1:0", "--no-such-flag"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
}

TEST(WrongOption, SimulatorNamesTheProblemInOneLine) {
    const auto r = run_binary(bin("ocpp-simulator"), {"run", "--no-such-flag"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
}

// Every command and sub-command answers --help with its usage on standard output and exit 0.
TEST(Help, EveryCommandAnswersHelpWithItsUsageAndExits0) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
        {"ocpp-centralsystem", {"--help"}},         {"ocpp-tester", {"check", "--help"}},
        {"ocpp-tester", {"serve", "--help"}},       {"ocpp-simulator", {"run", "--help"}},
        {"ocpp-simulator", {"scenario", "--help"}}, {"ocpp-simulator", {"scenario", "from-capture", "--help"}},
        {"ocpp-simulator", {"report", "--help"}},
    };
    for (const auto& [program, args] : commands) {
        const auto r = run_binary(bin(program), args);
        std::string lower = r.output;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        EXPECT_EQ(r.exit_code, 0) << program << " " << args.front() << ": " << r.output;
        EXPECT_NE(lower.find("usage"), std::string::npos) << program << " " << args.front() << ": " << r.output;
    }
}

} // namespace
