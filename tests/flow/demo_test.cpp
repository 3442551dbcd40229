// `make demo` in its short mode (scripts/demo.sh with DEMO_SECONDS=5, 10 chargers, no wait for Ctrl-C): the real
// programs on free loopback ports go through the whole operator flow, and everything started is stopped again.
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/flow/flow_support.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;

TEST(Demo, ShortModeRunsTheWholeOperatorFlowAndStopsEverything) {
    const std::string dir = "/tmp/flow-demo-" + std::to_string(::getpid());
    const std::string log = dir + ".log";
    ocppkit::test::ChildProcess demo("/usr/bin/env",
                                     {"BIN=" + std::string(ocppkit::test::bin_dir()), "DEMO_DIR=" + dir,
                                      "DEMO_SECONDS=5", "DEMO_CHARGERS=10", "DEMO_WAIT=0", "bash",
                                      std::string(ocppkit::test::source_dir()) + "/scripts/demo.sh"},
                                     log);
    const int code = demo.wait_exit(240s);
    const std::string out = flow::test::read_text(log);
    ASSERT_EQ(code, 0) << out << flow::test::read_text(dir + "/centralsystem.log");
    // The charger passed the tester and got a code; the operator flows passed; the dashboard was printed.
    EXPECT_NE(out.find("PASSED: claiming code "), std::string::npos) << out;
    EXPECT_NE(out.find("PASSED: 1 charger in"), std::string::npos) << out;
    EXPECT_NE(out.find("PASSED: 10 chargers"), std::string::npos) << out;
    EXPECT_NE(out.find("today           sessions "), std::string::npos) << out;
    EXPECT_NE(out.find("site Demo depot: limit 40 A per phase"), std::string::npos) << out; // load management
    EXPECT_NE(out.find("token     "), std::string::npos) << out;
    EXPECT_NE(out.find("demo: done"), std::string::npos) << out;
    // With DEMO_WAIT=0 it says that it stops, not that it stays up.
    EXPECT_NE(out.find("DEMO_WAIT=0: everything is stopped now"), std::string::npos) << out;
    EXPECT_EQ(out.find("stays up for you"), std::string::npos) << out;
    // The claimed charger got the two connectors the tester saw and is back online beside the fleet's 10 x 2:
    // 22 charge points, none of them without a connection.
    const auto cp = out.find("charge points   available ");
    ASSERT_NE(cp, std::string::npos) << out;
    int available = -1, occupied = -1, not_available = -1, inoperative = -1;
    ASSERT_EQ(std::sscanf(out.c_str() + cp,
                          "charge points   available %d  occupied %d  not available %d  inoperative %d", &available,
                          &occupied, &not_available, &inoperative),
              4)
        << out;
    EXPECT_EQ(available + occupied + not_available + inoperative, 22) << out;
    EXPECT_EQ(inoperative, 0) << out;
    // Nothing it started still listens: the central system's URL no longer answers.
    const auto url = out.find("URL       http://127.0.0.1:");
    ASSERT_NE(url, std::string::npos) << out;
    const auto port = static_cast<std::uint16_t>(std::stoi(out.substr(url + 27, 5)));
    EXPECT_NE(ocppkit::test::http(port, "GET", "/healthz", "", {}, 1000ms).status, 200);
    std::system(("rm -rf '" + dir + "' '" + log + "'").c_str());
}

} // namespace
