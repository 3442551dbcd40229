// A real capture becomes a regression test: ocpp-tester checks the simulator and writes its capture, from-capture
// turns it into a scenario, and the scenario, replayed against a fresh ocpp-tester, passes every check again.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::free_port;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kPassword = "kx7Qm2Vt9pLr4Wz8";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class CaptureReplay : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = "/tmp/scen-replay-" + std::to_string(::getpid());
        cleanup();
    }
    void TearDown() override { cleanup(); }
    void cleanup() {
        for (const char* suffix : {"-1.db", "-2.db", "-1.json", "-2.json", "-1.capture.jsonl", "-2.capture.jsonl",
                                   "-1.tester", "-2.tester", ".sim", ".yaml", ".out"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    // Starts `ocpp-tester check` for SIM000001 on a free port; `n` names its files.
    std::unique_ptr<ChildProcess> tester(const std::string& n, std::uint16_t port) {
        return std::make_unique<ChildProcess>(
            kBin + "/ocpp-tester",
            std::vector<std::string>{"check", "--listen", "127.0.0.1:" + std::to_string(port), "--chargebox-id",
                                     "SIM000001", "--password", kPassword, "--heartbeat-interval", "2", "--db",
                                     "sqlite:" + base_ + "-" + n + ".db", "--report", base_ + "-" + n + ".json",
                                     "--public-host", "127.0.0.1", "--timeout", "30"},
            base_ + "-" + n + ".tester");
    }
    std::string base_;
};

TEST_F(CaptureReplay, ACapturedSessionReplaysAndPassesTheTesterAgain) {
    // 1. The simulator passes the tester; the tester writes the capture.
    const auto port1 = free_port();
    auto check1 = tester("1", port1);
    std::this_thread::sleep_for(500ms);
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--url", "ws://127.0.0.1:" + std::to_string(port1) + "/ocpp", "--chargers", "1",
                      "--password", kPassword, "--duration", "6"},
                     base_ + ".sim");
    ASSERT_EQ(check1->wait_exit(40s), 0) << read_file(base_ + "-1.tester");
    sim.wait_exit(20s);
    const std::string capture = base_ + "-1.capture.jsonl";
    ASSERT_NE(read_file(capture).find("GetConfiguration"), std::string::npos) << read_file(capture);

    // 2. The capture becomes a scenario.
    ChildProcess convert(kBin + "/ocpp-simulator",
                         {"scenario", "from-capture", capture, "--id", "SIM000001", "--output", base_ + ".yaml"},
                         base_ + ".out");
    ASSERT_EQ(convert.wait_exit(20s), 0) << read_file(base_ + ".out");
    const std::string yaml = read_file(base_ + ".yaml");
    EXPECT_NE(yaml.find("  - expect_call: GetConfiguration"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("  - expect_call: TriggerMessage"), std::string::npos) << yaml;

    // 3. Replayed against a fresh tester, with the password from the command line, it passes every check.
    const auto port2 = free_port();
    auto check2 = tester("2", port2);
    std::this_thread::sleep_for(500ms);
    ChildProcess replay(kBin + "/ocpp-simulator",
                        {"scenario", base_ + ".yaml", "--url", "ws://127.0.0.1:" + std::to_string(port2) + "/ocpp",
                         "--security-profile", "1", "--password", kPassword},
                        base_ + ".out");
    EXPECT_EQ(replay.wait_exit(60s), 0) << read_file(base_ + ".out") << "\n" << yaml;
    EXPECT_EQ(check2->wait_exit(40s), 0) << read_file(base_ + "-2.tester");
    EXPECT_NE(read_file(base_ + "-2.tester").find("PASSED: no check failed"), std::string::npos)
        << read_file(base_ + "-2.tester");
}

} // namespace
