// The security group through `ocpp-tester serve --tls-listen`: a test chosen with the profile "security" takes the
// charger from security profile 1 on the plain port to profile 2 on the TLS listener, on the same host.
#include "security_charger.hpp"
#include "serve_binary.hpp"
#include <map>

#include "tests/support/net_support.hpp"
#include "tests/support/run_binary.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

TEST_F(ServeBinary, TheSecurityGroupUpgradesToTheTlsListener) {
    std::string error;
    const auto* pki = TestPki::get(&error);
    ASSERT_TRUE(pki) << error;
    const auto tls_port = free_port();
    ASSERT_NO_FATAL_FAILURE(start({"--tls-listen", "127.0.0.1:" + std::to_string(tls_port), "--tls-cert",
                                   pki->server_ec_cert, "--tls-key", pki->server_ec_key, "--tls-root", pki->ca_cert}));
    const auto created = post_test(R"({"chargeBoxId":"CB-SEC","profiles":["security"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto c = json(created.body);
    const std::string id = str(c, "id"), url = str(c, "url"), password = str(c, "password");
    ASSERT_EQ(url.rfind("ws://", 0), 0u) << url;

    ScratchDir dir;
    SecurityScript script;
    script.tls_url = "wss://127.0.0.1:" + std::to_string(tls_port) + "/ocpp/CB-SEC";
    script.scratch_dir = dir.path;
    SecurityCharger charger;
    charger.run(url, basic("CB-SEC", password), script);
    std::string body;
    const bool done = wait_until(
        [&] {
            body = http(port_, "GET", "/api/v1/tests/" + id).body;
            const auto s = json(body);
            return s.IsObject() && str(s, "state") != "waiting" && str(s, "state") != "running";
        },
        60s, 200ms);
    ASSERT_TRUE(done) << body << logs();
    std::map<std::string, std::string> verdicts;
    for (const auto& check : json(body)["checks"].GetArray()) {
        verdicts[str(check, "id")] = str(check, "verdict");
    }
    EXPECT_EQ(verdicts["security.password_rotation"], "pass") << body;
    EXPECT_EQ(verdicts["security.profile_upgrade"], "pass") << body;
    EXPECT_EQ(verdicts["security.tls"], "pass") << body;
}

} // namespace
