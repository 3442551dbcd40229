// The one Chargebox ID rule at the real ocpp-tester: a test start (serve's REST API, check's --chargebox-id) and a
// handshake with an ID outside the rule are refused saying which character; an ID with ':' (allowed by the rule, and
// by the central system) can be tested. Start-up files that are directories end the program with exit 2.
#include <gtest/gtest.h>

#include "check_support.hpp"
#include "serve_binary.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/run_binary.hpp"

namespace tester::test {
namespace {

using ocppkit::test::run_binary;
using ocppkit::test::ScratchDir;
using ocppkit::test::ws_upgrade;

std::uint16_t port_of(const std::string& url) {
    const auto colon = url.rfind(':');
    return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

using HostileTesterIdentity = ServeBinary;

TEST_F(HostileTesterIdentity, ATestStartWithAnIdOutsideTheRuleIsRefusedNamingTheCharacter) {
    start();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a/b", "chargeBoxId: character 2 is \\\"/\\\""},
        {"\\nevil", "chargeBoxId: character 1 is U+000A (line feed)"},
        {std::string(4000, 'A'), "chargeBoxId: 4000 characters long"},
        {"..", "not a URL path segment"},
    };
    for (const auto& [id, words] : cases) {
        const auto r = post_test(R"({"chargeBoxId":")" + id + R"("})");
        EXPECT_EQ(r.status, 422) << r.body;
        EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
    }
}

TEST_F(HostileTesterIdentity, AnIdTheCentralSystemAcceptsCanBeTested) {
    start();
    const auto r = post_test(R"({"chargeBoxId":"CB:1|x@y=z"})");
    EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(HostileTesterIdentity, AHandshakeWithAnIdOutsideTheRuleIsRefusedNamingTheCharacter) {
    start();
    const auto r = ws_upgrade(port_, "/ocpp/a%2Fb");
    EXPECT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.body.find("character 2 is \"/\""), std::string::npos) << r.body;
    const auto lf = ws_upgrade(port_, "/ocpp/%0Aevil");
    EXPECT_EQ(lf.status, 400) << lf.raw;
    EXPECT_NE(lf.body.find("character 1 is U+000A (line feed)"), std::string::npos) << lf.body;
}

TEST(HostileTesterCheck, AnIdOutsideTheRuleIsRefusedAtTheCommandLine) {
    ScratchDir dir;
    const auto r = run_binary(bin("ocpp-tester"), {"check", "--listen", "127.0.0.1:0", "--chargebox-id", "a/b", "--db",
                                                   "sqlite:" + dir.path + "/t.db"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--chargebox-id: character 2 is \"/\""), std::string::npos) << r.output;
}

TEST(HostileTesterCheck, AHandshakeWithAnIdOutsideTheRuleSaysWhichCharacter) {
    auto t = start_tester("CB-1", temp_db("hostile-id"), {"--password", kPassword, "--timeout", "3"});
    ASSERT_FALSE(t.url.empty());
    const auto reply = ws_upgrade(port_of(t.base()), "/ocpp/CB%0A1");
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_NE(reply.body.find("character 3 is U+000A (line feed)"), std::string::npos) << reply.body;
    auto r = finish(t, 20s);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("the Chargebox ID in it is not valid: character 3 is U+000A (line feed)"), std::string::npos)
        << r.out;
}

TEST(HostileConfigPath, TesterTlsFileThatIsADirectoryExits2) {
    ScratchDir dir;
    const std::string key = dir.file("key.pem", "not a key");
    const auto check = run_binary(bin("ocpp-tester"), {"check", "--listen", "127.0.0.1:0", "--chargebox-id", "CB-1",
                                                       "--tls-cert", dir.path, "--tls-key", key});
    EXPECT_EQ(check.exit_code, 2) << check.output;
    EXPECT_NE(check.output.find("--tls-cert: \"" + dir.path + "\" is a directory, not a file"), std::string::npos)
        << check.output;
    const auto serve =
        run_binary(bin("ocpp-tester"), {"serve", "--listen", "127.0.0.1:0", "--db", "sqlite:" + dir.path + "/t.db",
                                        "--tls-cert", dir.path, "--tls-key", key});
    EXPECT_EQ(serve.exit_code, 2) << serve.output;
    EXPECT_NE(serve.output.find("--tls-cert: \"" + dir.path + "\" is a directory, not a file"), std::string::npos)
        << serve.output;
}

} // namespace
} // namespace tester::test
