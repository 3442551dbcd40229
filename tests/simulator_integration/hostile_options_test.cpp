// The real ocpp-simulator refuses at option parsing (exit 2, one line naming the flag and what is wrong) what would
// make a charger ID outside the Chargebox ID rule, and a configuration or input file that is a directory.
#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/run_binary.hpp"

namespace {

using ocppkit::test::run_binary;
using ocppkit::test::ScratchDir;

const std::string kSimulator = ocppkit::test::program("ocpp-simulator");
const std::string kUrl = "ws://127.0.0.1:9/ocpp";

void expect_exit2(const std::vector<std::string>& args, const std::string& words) {
    const auto r = run_binary(kSimulator, args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(words), std::string::npos) << "expected \"" << words << "\" in:\n" << r.output;
}

TEST(HostileSimulatorIdentity, AnIdPrefixWithAForbiddenCharacterExits2) {
    expect_exit2({"run", "--url", kUrl, "--id-prefix", "CB/"}, "--id-prefix: character 3 is \"/\"");
    expect_exit2({"run", "--url", kUrl, "--id-prefix", "CB#"}, "--id-prefix: character 3 is \"#\"");
}

TEST(HostileSimulatorIdentity, GeneratedIdsLongerThan48Exit2) {
    // 43 + 6 digits = 49 characters: the first ID already breaks the rule.
    expect_exit2({"run", "--url", kUrl, "--id-prefix", std::string(43, 'P')},
                 "49 characters long; a Chargebox ID has at most 48");
    // 42 + 6 digits fit; with 10,000,000 chargers the IDs need 8 digits: 50 characters.
    expect_exit2({"run", "--url", kUrl, "--id-prefix", std::string(42, 'P'), "--chargers", "10000000"},
                 "50 characters long");
}

TEST(HostileSimulatorIdentity, APasswordFileWithAnIdOutsideTheRuleExits2) {
    ScratchDir dir;
    const std::string file = dir.file("passwords.csv", "id,password\nSIM000001,long-enough-1\nSIM 2,long-enough-2\n");
    expect_exit2({"run", "--url", kUrl, "--password-file", file},
                 file + ":3: the id is not a Chargebox ID: character 4 is \" \" (a space)");
}

TEST(HostileSimulatorIdentity, AScenarioWhoseChargerIdsBreakTheRuleExits2) {
    ScratchDir dir;
    const std::string file =
        dir.file("bad.yaml", "name: bad ids\nchargers: {count: 2, id: \"a/{index}\"}\nsteps:\n  - connect\n");
    expect_exit2({"scenario", file, "--url", kUrl}, "chargers.id: the ID of charger 1 is not a Chargebox ID: "
                                                    "character 2 is \"/\"");
    const std::string many = dir.file("many.yaml", "name: long ids\nchargers: {count: 1, id: \"" +
                                                       std::string(44, 'S') + "{index:04}\"}\nsteps:\n  - connect\n");
    expect_exit2({"scenario", many, "--url", kUrl, "--chargers", "10000"},
                 "the ID of charger 10000 (" + std::string(44, 'S') + "10000) is not a Chargebox ID: 49 characters");
}

TEST(HostileConfigPath, SimulatorConfigDirectoryExits2NamingIt) {
    ScratchDir dir;
    expect_exit2({"run", "--url", kUrl, "--config", dir.path},
                 "--config: \"" + dir.path + "\" is a directory, not a file");
    expect_exit2({"run", "--url", kUrl, "--password-file", dir.path},
                 "--password-file: \"" + dir.path + "\" is a directory, not a file");
    expect_exit2({"scenario", dir.path, "--url", kUrl}, "\"" + dir.path + "\" is a directory, not a file");
}

} // namespace
