// The security whitepaper's central-system scenarios of the charger's certificates, keys and profiles
// (scenarios/security/certificates_*, profile_*, password_*) pass against the real `ocpp-simulator run`: the runner
// listens, the simulator connects one charger (SIM000001) with the options the scenario's description names.
#include <unistd.h>

#include <cstdio>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::file_text;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kSource = ocppkit::test::source_dir();

struct SecurityScenario {
    const char* name;
    std::vector<std::string> sim_args; // besides --url
};

class SecurityScenarios : public ::testing::TestWithParam<SecurityScenario> {
protected:
    void SetUp() override { base_ = "/tmp/scen-sec-" + std::to_string(::getpid()); }
    void TearDown() override {
        for (const char* suffix : {".xml", ".sim.log"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    std::string base_;
};

TEST_P(SecurityScenarios, PassesAgainstOurSimulator) {
    const std::string file = kSource + "/scenarios/security/" + GetParam().name + ".yaml";
    std::string error;
    auto cs = ChildProcess::spawn({kBin + "/ocpp-simulator", "scenario", file, "--junit", base_ + ".xml"}, error);
    ASSERT_TRUE(cs) << error;
    const auto line = cs->wait_for_line("listening ", 15s);
    ASSERT_TRUE(line) << cs->stdout_text() << cs->stderr_text();
    std::vector<std::string> args{
        "run",        "--url", line->substr(10), "--chargers", "1", "--sessions-per-hour", "0",
        "--duration", "300",   "--log-level",    "warn"};
    args.insert(args.end(), GetParam().sim_args.begin(), GetParam().sim_args.end());
    ChildProcess sim(kBin + "/ocpp-simulator", args, base_ + ".sim.log");
    const int code = cs->wait_exit(120s);
    sim.stop();
    EXPECT_EQ(code, 0) << cs->stdout_text() << cs->stderr_text() << "--- simulator ---\n"
                       << file_text(base_ + ".sim.log");
    EXPECT_NE(cs->stdout_text().find("1 of 1 runs passed"), std::string::npos) << cs->stdout_text();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SecurityScenarios,
                         ::testing::Values(SecurityScenario{"certificates_store", {}},
                                           SecurityScenario{"profile_only_upward", {"--password", "first-password-1"}},
                                           SecurityScenario{"password_rotation_fallback",
                                                            {"--password", "first-password-1"}}),
                         [](const ::testing::TestParamInfo<SecurityScenario>& p) { return std::string(p.param.name); });

} // namespace
