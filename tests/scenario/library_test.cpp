// The scenario library run by the real ocpp-simulator against the real ocpp-centralsystem (started here on
// 127.0.0.1, stopped by PID), the protocol-only scenarios also against ocpp-rpc in strict mode
// (tests/interop/scenario_cs.js); a scenario written to fail fails and names its step; a capture becomes a scenario
// that passes.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/interop/interop_support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::free_port;
using ocppkit::test::wait_until;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kSource = ocppkit::test::source_dir();
const std::string kToken = "scenario-token-0123456789";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string library(const std::string& name) {
    return kSource + "/scenarios/" + name + ".yaml";
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) {
        ++n;
    }
    return n;
}

// The scenarios that need nothing but OCPP from the central system.
const std::vector<std::string> kProtocolOnly{"boot_heartbeat", "boot_pending",    "charging_session", "unknown_action",
                                             "offline_queue",  "reconnect_storm", "bad_frames"};
// 1 + 1 + 2 + 1 + 1 + 50 + 1 chargers.
constexpr int kProtocolOnlyRuns = 57;

class ScenarioLibrary : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = "/tmp/scen-lib-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        cleanup();
    }
    void TearDown() override {
        cs_.reset();
        if (HasFailure()) {
            std::fprintf(stderr, "--- central system log ---\n%s\n", read_file(base_ + ".cs.log").c_str());
        }
        cleanup();
    }
    void cleanup() {
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".cs.log", ".out", ".xml", ".json", ".yaml"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    // Our central system with --auto-register, and the id tag the scenarios charge with.
    void start_central_system(std::vector<std::string> extra = {}) {
        port_ = free_port();
        std::vector<std::string> args{"--listen",
                                      "127.0.0.1:" + std::to_string(port_),
                                      "--db",
                                      "sqlite:" + base_ + ".db",
                                      "--api-token",
                                      kToken,
                                      "--heartbeat-interval",
                                      "5",
                                      "--auto-register"};
        args.insert(args.end(), extra.begin(), extra.end());
        cs_ = std::make_unique<ChildProcess>(kBin + "/ocpp-centralsystem", args, base_ + ".cs.log");
        const bool tls = !extra.empty();
        ASSERT_TRUE(wait_until(
            [&] {
                return tls ? ocppkit::test::connect_raw(port_) >= 0
                           : ocppkit::test::http(port_, "GET", "/healthz").status == 200;
            },
            10s))
            << read_file(base_ + ".cs.log");
        if (!tls) {
            const auto r =
                ocppkit::test::http(port_, "POST", "/api/v1/idtags", R"({"idTag":"SCN-TAG-1","status":"Accepted"})",
                                    {"Authorization: Bearer " + kToken}, 10000ms);
            ASSERT_EQ(r.status / 100, 2) << r.body;
            // The chargers of the scenarios (and the replayed capture) that charge, in operation (a planned charger's
            // sessions are Blocked).
            int n = 0;
            for (const char* id : {"SCN-SESSION-001", "SCN-SESSION-002", "SCN-OFFLINE-001", "SCN-REPLAY-1"}) {
                const std::string evse = "DE*SCN*E" + std::to_string(++n) + "*1";
                auto c = ocppkit::test::http(
                    port_, "POST", "/api/v1/chargers",
                    std::string(R"({"chargeBoxId":")") + id + R"(","chargePoints":[{"connectorId":1,"evseId":")" +
                        evse + R"(","standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE"}]})",
                    {"Authorization: Bearer " + kToken}, 10000ms);
                ASSERT_EQ(c.status, 201) << c.body;
                c = ocppkit::test::http(
                    port_, "POST", std::string("/api/v1/chargers/") + id + "/commission",
                    R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
                    R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1",)"
                    R"("chargePoints":[{"connectorId":1,"maxCurrentA":32,"phases":3,"maxPowerKw":22}]})",
                    {"Authorization: Bearer " + kToken}, 10000ms);
                ASSERT_EQ(c.status, 200) << c.body;
            }
        }
    }
    // Runs `ocpp-simulator scenario ARGS...`; its exit code (-1 when it had to be killed) and output.
    int scenario(std::vector<std::string> args, std::string& output, std::chrono::seconds timeout = 120s) {
        args.insert(args.begin(), "scenario");
        ChildProcess sim(kBin + "/ocpp-simulator", args, base_ + ".out");
        const int code = sim.wait_exit(timeout);
        output = read_file(base_ + ".out");
        return code;
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp"; }

    std::string base_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> cs_;
};

TEST_F(ScenarioLibrary, ProtocolScenariosPassAgainstOurCentralSystem) {
    ASSERT_NO_FATAL_FAILURE(start_central_system());
    std::vector<std::string> args;
    for (const auto& name : kProtocolOnly) {
        args.push_back(library(name));
    }
    for (const auto& name : {"oversize_frame", "security_profile1_wrong_password"}) {
        args.push_back(library(name));
    }
    args.insert(args.end(), {"--url", url(), "--junit", base_ + ".xml", "--report", base_ + ".json"});
    std::string out;
    ASSERT_EQ(scenario(args, out), 0) << out;
    EXPECT_NE(out.find(std::to_string(kProtocolOnlyRuns + 2) + " of " + std::to_string(kProtocolOnlyRuns + 2) +
                       " runs passed (9 scenarios)"),
              std::string::npos)
        << out;
    EXPECT_EQ(count(out, "FAIL "), 0) << out;
    // JUnit: one testcase per scenario and charger, no failure.
    const std::string junit = read_file(base_ + ".xml");
    EXPECT_EQ(count(junit, "<testcase "), kProtocolOnlyRuns + 2) << junit;
    EXPECT_EQ(count(junit, "<testsuite "), 9) << junit;
    EXPECT_EQ(count(junit, "<failure"), 0) << junit;
    EXPECT_NE(junit.find(R"(<testcase classname="reconnect storm" name="SCN-STORM-050")"), std::string::npos);
    EXPECT_NE(read_file(base_ + ".json").find(R"("passed":true)"), std::string::npos);
}

TEST_F(ScenarioLibrary, ProtocolScenariosPassAgainstOcppRpcStrict) {
    const auto setup = ocpp::interop::find_node_setup();
    if (!setup.skip_reason.empty()) {
        if (setup.required) {
            FAIL() << setup.skip_reason;
        }
        GTEST_SKIP() << setup.skip_reason;
    }
    std::string error;
    auto cs = ocppkit::test::ChildProcess::spawn({setup.node, setup.script_dir + "/scenario_cs.js"}, error);
    ASSERT_TRUE(cs) << error;
    const auto line = cs->wait_for_line("{\"listening\":", 15s);
    ASSERT_TRUE(line) << cs->stderr_text();
    const std::string port = line->substr(line->find(':') + 1, line->find('}') - line->find(':') - 1);
    std::vector<std::string> args;
    for (const auto& name : kProtocolOnly) {
        args.push_back(library(name));
    }
    args.insert(args.end(), {"--url", "ws://127.0.0.1:" + port + "/ocpp"});
    std::string out;
    EXPECT_EQ(scenario(args, out), 0) << out << cs->stderr_text();
    EXPECT_NE(out.find(std::to_string(kProtocolOnlyRuns) + " of " + std::to_string(kProtocolOnlyRuns) +
                       " runs passed (7 scenarios)"),
              std::string::npos)
        << out;
    // The pending charger booted twice here: Pending, then Accepted.
    EXPECT_NE(out.find("PASS boot pending then accepted [SCN-PENDING-001] 8 steps"), std::string::npos) << out;
    cs->kill();
}

TEST_F(ScenarioLibrary, SecurityProfile2OverTls) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_NE(pki, nullptr) << error;
    ASSERT_NO_FATAL_FAILURE(
        start_central_system({"--tls-cert", pki->server_rsa_cert, "--tls-key", pki->server_rsa_key}));
    std::string out;
    ASSERT_EQ(scenario({library("security_profile2_tls"), "--url", "wss://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                        "--ca", pki->ca_cert},
                       out),
              0)
        << out;
    EXPECT_NE(out.find("PASS security profile 2 over TLS [SCN-SP2-001]"), std::string::npos) << out;
    // Without the CA the server certificate is not trusted: the connect step fails and says why.
    ASSERT_EQ(
        scenario({library("security_profile2_tls"), "--url", "wss://127.0.0.1:" + std::to_string(port_) + "/ocpp"},
                 out),
        1)
        << out;
    EXPECT_NE(out.find("security_profile2_tls.yaml:8:5: step 1 (connect): expected a WebSocket connection"),
              std::string::npos)
        << out;
}

// Security profile 3: the central system requires client certificates from the test CA. The charger gets in with
// its certificate and without a password, is refused in the TLS handshake without it; a certificate from another CA,
// or none at all, fails the run and says why.
TEST_F(ScenarioLibrary, SecurityProfile3ClientCertificate) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_NE(pki, nullptr) << error;
    ASSERT_NO_FATAL_FAILURE(start_central_system(
        {"--tls-cert", pki->server_rsa_cert, "--tls-key", pki->server_rsa_key, "--tls-client-ca", pki->ca_cert}));
    const std::string wss = "wss://127.0.0.1:" + std::to_string(port_) + "/ocpp";
    const std::string file = library("sp3_client_certificate");
    std::string out;
    ASSERT_EQ(scenario({file, "--url", wss, "--ca", pki->ca_cert, "--cert", pki->client_cert, "--key", pki->client_key,
                        "--junit", base_ + ".xml"},
                       out),
              0)
        << out;
    EXPECT_NE(out.find("PASS security profile 3 with a client certificate [CB-0001] 8 steps"), std::string::npos)
        << out;
    EXPECT_EQ(count(read_file(base_ + ".xml"), "<failure"), 0);
    // The central system saw the refused attempt without a certificate, and says why.
    EXPECT_TRUE(wait_until(
        [&] { return read_file(base_ + ".cs.log").find("peer did not return a certificate") != std::string::npos; },
        5s))
        << read_file(base_ + ".cs.log");

    // A certificate from another CA: the first connect fails with the TLS reason.
    ASSERT_EQ(scenario({file, "--url", wss, "--ca", pki->ca_cert, "--cert", pki->other_client_cert, "--key",
                        pki->other_client_key, "--report", base_ + ".json"},
                       out),
              1)
        << out;
    EXPECT_NE(out.find("FAIL security profile 3 with a client certificate [CB-0001] " + file +
                       ":13:5: step 1 (connect): expected a WebSocket connection to " + wss +
                       "/CB-0001; got TLS handshake with 127.0.0.1:" + std::to_string(port_) + " failed: "),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("unknown CA"), std::string::npos) << out; // the server's alert, as OpenSSL names it
    EXPECT_NE(read_file(base_ + ".json").find(R"("passed":false)"), std::string::npos);
    EXPECT_TRUE(wait_until(
        [&] { return read_file(base_ + ".cs.log").find("certificate verify failed") != std::string::npos; }, 5s))
        << read_file(base_ + ".cs.log");

    // No certificate at all: the run says what profile 3 needs before it connects.
    ASSERT_EQ(scenario({file, "--url", wss, "--ca", pki->ca_cert}, out), 1) << out;
    EXPECT_NE(out.find("expected a client certificate for security profile 3 (target.cert and target.key, or --cert "
                       "and --key)"),
              std::string::npos)
        << out;
    // A password where profile 3 sends none is named, not ignored.
    ASSERT_EQ(scenario({file, "--url", wss, "--ca", pki->ca_cert, "--cert", pki->client_cert, "--key", pki->client_key,
                        "--password", "some-password-1"},
                       out),
              1)
        << out;
    EXPECT_NE(out.find("expected security profile 1 or 2 for a password (target.security_profile, or "
                       "--security-profile 1): profiles 0 and 3 send none; got security profile 3"),
              std::string::npos)
        << out;
    // A certificate without its key is a mistake too.
    ASSERT_EQ(scenario({file, "--url", wss, "--ca", pki->ca_cert, "--cert", pki->client_cert}, out), 1) << out;
    EXPECT_NE(out.find("expected a client certificate with its key"), std::string::npos) << out;
}

TEST_F(ScenarioLibrary, AScenarioWrittenToFailFailsAndNamesTheStep) {
    ASSERT_NO_FATAL_FAILURE(start_central_system());
    const std::string file = kSource + "/tests/scenario/fixtures/fails_on_purpose.yaml";
    std::string out;
    ASSERT_EQ(scenario({file, "--url", url(), "--junit", base_ + ".xml"}, out), 1) << out;
    for (const char* id : {"SCN-FAIL-001", "SCN-FAIL-002"}) {
        const std::string expected = "FAIL fails on purpose [" + std::string(id) + "] " + file +
                                     ":9:5: step 3 (send): expected a CALLRESULT where currentTime equals "
                                     "\"1999-01-01T00:00:00Z\" (line 12); got \"";
        EXPECT_NE(out.find(expected), std::string::npos) << out;
    }
    EXPECT_NE(out.find("0 of 2 runs passed"), std::string::npos) << out;
    const std::string junit = read_file(base_ + ".xml");
    EXPECT_EQ(count(junit, "<failure message=\"" + file + ":9:5: step 3 (send)\">"), 2) << junit;
}

TEST_F(ScenarioLibrary, BadFilesAndUsageExitWithTwo) {
    std::ofstream(base_ + ".yaml")
        << "name: broken\nsteps:\n  - send: Heartbeat\n    expect: {result: {a: {regx: x}}}\n";
    std::string out;
    EXPECT_EQ(scenario({base_ + ".yaml", "--url", "ws://127.0.0.1:9/ocpp"}, out), 2);
    EXPECT_NE(out.find(base_ + ".yaml:4:27: unknown key \"regx\" in the matcher of a"), std::string::npos) << out;
    EXPECT_EQ(scenario({library("boot_heartbeat"), "--url", "http://127.0.0.1:9"}, out), 2);
    EXPECT_NE(out.find("--url: expected ws://HOST:PORT/PATH or wss://..., got \"http://127.0.0.1:9\""),
              std::string::npos)
        << out;
    EXPECT_EQ(scenario({"/nonexistent/x.yaml"}, out), 2);
    EXPECT_NE(out.find("cannot read \"/nonexistent/x.yaml\""), std::string::npos) << out;
}

TEST_F(ScenarioLibrary, AnUnreachableCentralSystemFailsTheConnectStep) {
    const std::string closed_port = std::to_string(free_port());
    std::string out;
    ASSERT_EQ(scenario({library("boot_heartbeat"), "--url", "ws://127.0.0.1:" + closed_port + "/ocpp", "--report",
                        base_ + ".json"},
                       out),
              1)
        << out;
    EXPECT_NE(out.find("boot_heartbeat.yaml:8:5: step 1 (connect): expected a WebSocket connection to ws://127.0.0.1:" +
                       closed_port + "/ocpp/SCN-BOOT-001; got "),
              std::string::npos)
        << out;
    const std::string report = read_file(base_ + ".json");
    EXPECT_NE(report.find(R"("passed":false)"), std::string::npos) << report;
    EXPECT_NE(report.find(R"("line":8,"column":5,"kind":"connect")"), std::string::npos) << report;
}

TEST_F(ScenarioLibrary, ACaptureBecomesAScenarioThatPasses) {
    ASSERT_NO_FATAL_FAILURE(start_central_system());
    std::string out;
    ASSERT_EQ(scenario({"from-capture", kSource + "/tests/scenario/fixtures/charger.capture.jsonl", "--output",
                        base_ + ".yaml", "--id", "SCN-REPLAY-{index}"},
                       out),
              0)
        << out;
    const std::string yaml = read_file(base_ + ".yaml");
    EXPECT_NE(yaml.find("capture: {tx1: transactionId}"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("\"transactionId\":\"${tx1}\""), std::string::npos) << yaml;
    ASSERT_EQ(scenario({base_ + ".yaml", "--url", url()}, out), 0) << out << "\n" << yaml;
    EXPECT_NE(out.find("PASS replay of "), std::string::npos) << out;
}

TEST_F(ScenarioLibrary, RestScenariosAgainstOurCentralSystem) {
    ASSERT_NO_FATAL_FAILURE(start_central_system());
    std::string out;
    ASSERT_EQ(scenario({library("create_commission_charge"), library("remote_start_stop"), "--url", url(),
                        "--api-token", kToken, "--junit", base_ + ".xml"},
                       out),
              0)
        << out;
    EXPECT_NE(out.find("3 of 3 runs passed (2 scenarios)"), std::string::npos) << out;
    // What the scenarios did through the API is in the central system: both chargers operational, sessions stored.
    const auto charger = ocppkit::test::http(port_, "GET", "/api/v1/chargers/SCN-FLOW-002", "",
                                             {"Authorization: Bearer " + kToken}, 10000ms);
    EXPECT_NE(charger.body.find(R"("status":"operational")"), std::string::npos) << charger.body;
    // A wrong token is refused, and the report says which request and what came back.
    ASSERT_EQ(scenario({library("create_commission_charge"), "--url", url(), "--api-token", "wrong-token-0123456789",
                        "--chargers", "1"},
                       out),
              1)
        << out;
    EXPECT_NE(out.find("step 1 (rest): expected POST /api/v1/chargers to answer 201; got 401"), std::string::npos)
        << out;
}

} // namespace
