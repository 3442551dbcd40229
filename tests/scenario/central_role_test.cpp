// The central-system role with the real binaries: the runner listens and prints where; another runner playing
// chargers, and our ocpp-simulator, connect to it. The library's central-system scenarios (scenarios/central_system/)
// pass against `ocpp-simulator run`. Over wss:// the runner serves TLS with its own certificate, and with a client CA
// takes only chargers that present a certificate of that CA (profile 3).
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::file_text;

const std::string kBin = ocppkit::test::bin_dir();
const std::string kSource = ocppkit::test::source_dir();

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) {
        ++n;
    }
    return n;
}

class CentralRole : public ::testing::Test {
protected:
    void SetUp() override { base_ = "/tmp/scen-cs-" + std::to_string(::getpid()); }
    void TearDown() override {
        for (const char* suffix : {".xml", ".yaml", ".cs.yaml", ".sim.log"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    // Starts `ocpp-simulator scenario ARGS...` in the central-system role; the URL it listens on.
    std::string listen(std::vector<std::string> args) {
        args.insert(args.begin(), {kBin + "/ocpp-simulator", "scenario"});
        std::string error;
        cs_ = ChildProcess::spawn(args, error);
        EXPECT_TRUE(cs_) << error;
        if (!cs_) {
            return "";
        }
        const auto line = cs_->wait_for_line("listening ", 15s);
        EXPECT_TRUE(line) << cs_->stdout_text() << cs_->stderr_text();
        return line ? line->substr(10) : "";
    }
    // Runs `ocpp-simulator scenario ARGS...` (the charger side) to its end: exit code and output.
    int charger_side(std::vector<std::string> args, std::string& out) {
        args.insert(args.begin(), "scenario");
        ChildProcess p(kBin + "/ocpp-simulator", args);
        const int code = p.wait_exit(60s);
        out = p.stdout_text() + p.stderr_text();
        return code;
    }
    std::string base_;
    std::unique_ptr<ChildProcess> cs_;
};

// One runner plays the central system for another that plays two chargers: passwords per charger (a wrong one is
// refused with 401), calls answered by default and kept for a later step, where: picking the call, a CALL to the
// charger, a step's own reply, NotImplemented for an action without a default; an unknown Chargebox ID gets 404.
TEST_F(CentralRole, ARunnerPlaysTheCentralSystemForAnotherRunner) {
    const std::string fixtures = kSource + "/tests/scenario/fixtures/";
    const std::string url = listen({fixtures + "cs_role_central.yaml", "--junit", base_ + ".xml"});
    ASSERT_EQ(url.rfind("ws://127.0.0.1:", 0), 0u) << url;
    ASSERT_NE(url.find("/ocpp"), std::string::npos) << url;

    std::ofstream(base_ + ".yaml") << "name: stranger\nchargers: {count: 1, id: STRANGER}\nsteps:\n"
                                      "  - connect: {refused: 404}\n";
    std::string out;
    EXPECT_EQ(charger_side({base_ + ".yaml", "--url", url}, out), 0) << out;

    EXPECT_EQ(charger_side({fixtures + "cs_role_charger.yaml", "--url", url}, out), 0) << out;
    EXPECT_NE(out.find("2 of 2 runs passed"), std::string::npos) << out;
    ASSERT_EQ(cs_->wait_exit(30s), 0) << cs_->stdout_text() << cs_->stderr_text();
    EXPECT_NE(cs_->stdout_text().find("PASS central system role [CSR-1] 7 steps"), std::string::npos)
        << cs_->stdout_text();
    EXPECT_NE(cs_->stdout_text().find("PASS central system role [CSR-2] 7 steps"), std::string::npos);
    // The JUnit report keeps its shape: one testcase per charger.
    const std::string junit = file_text(base_ + ".xml");
    EXPECT_EQ(count(junit, "<testcase "), 2) << junit;
    EXPECT_EQ(count(junit, "<failure"), 0) << junit;
}

// A charger that never comes, and a call that never matches, fail their step and say what was awaited.
TEST_F(CentralRole, AbsentChargerAndUnmatchedCallFailTheirStep) {
    std::ofstream(base_ + ".yaml") << "name: waiting\nrole: central_system\nchargers: {count: 1, id: LATE-1}\n"
                                      "steps:\n  - accept: {within: 0.5}\n";
    const std::string url = listen({base_ + ".yaml", "--listen", "ws://127.0.0.1:0/cs"});
    EXPECT_NE(url.find("/cs"), std::string::npos) << url;
    EXPECT_EQ(cs_->wait_exit(20s), 1);
    EXPECT_NE(cs_->stdout_text().find("step 1 (accept): expected charger LATE-1 to connect within 0.5 s; got no "
                                      "connection"),
              std::string::npos)
        << cs_->stdout_text();

    std::ofstream(base_ + ".yaml") << "name: unmatched\nrole: central_system\nchargers: {count: 1, id: CSR-1}\n"
                                      "steps:\n  - accept\n  - expect_call: StatusNotification\n    within: 1\n"
                                      "    where: {connectorId: 1, status: Charging}\n";
    const std::string url2 = listen({base_ + ".yaml"});
    std::ofstream(base_ + ".sim.log") << "name: c\nchargers: {count: 1, id: CSR-1}\nsteps:\n  - connect\n"
                                         "  - send: StatusNotification\n"
                                         "    payload: {connectorId: 1, errorCode: NoError, status: Available}\n"
                                         "    expect: {result: {}}\n  - wait: 2\n";
    std::string out;
    charger_side({base_ + ".sim.log", "--url", url2}, out);
    EXPECT_EQ(cs_->wait_exit(20s), 1);
    EXPECT_NE(cs_->stdout_text().find("expected a StatusNotification call from the charger where connectorId equals 1 "
                                      "and status equals \"Charging\" within 1 s; got no StatusNotification where the "
                                      "where: matchers hold; the last was "
                                      "{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Available\"}"),
              std::string::npos)
        << cs_->stdout_text();
}

// Without a password, knowing a charger's ID is not enough to take its run's connection over: a second connection is
// refused (409) while the first is live, the runner logs it, and the run goes on with the first connection.
TEST_F(CentralRole, ASecondConnectionWithTheIdDoesNotReplaceTheLiveOne) {
    std::ofstream(base_ + ".yaml") << "name: single\nrole: central_system\nchargers: {count: 1, id: DUP-1}\n"
                                      "steps:\n  - accept\n  - expect_call: Heartbeat\n    within: 20\n";
    const std::string url = listen({base_ + ".yaml"});
    ASSERT_FALSE(url.empty());
    const std::string first = base_ + ".sim.log";
    std::ofstream(first) << "name: first\nchargers: {count: 1, id: DUP-1}\nsteps:\n  - connect\n  - wait: 4\n"
                            "  - send: Heartbeat\n    expect: {result: {}}\n";
    ChildProcess holder(kBin + "/ocpp-simulator", {"scenario", first, "--url", url});
    std::ofstream(base_ + ".xml") << "name: second\nchargers: {count: 1, id: DUP-1}\nsteps:\n  - wait: 1.5\n"
                                     "  - connect: {refused: 409}\n";
    std::string out;
    EXPECT_EQ(charger_side({base_ + ".xml", "--url", url}, out), 0) << out;
    EXPECT_EQ(holder.wait_exit(30s), 0) << holder.stdout_text() << holder.stderr_text();
    ASSERT_EQ(cs_->wait_exit(30s), 0) << cs_->stdout_text() << cs_->stderr_text();
    EXPECT_NE(cs_->stdout_text().find("PASS single [DUP-1]"), std::string::npos) << cs_->stdout_text();
    const std::string logged = cs_->stdout_text() + cs_->stderr_text();
    EXPECT_NE(logged.find("refused a second connection for DUP-1 from 127.0.0.1:"), std::string::npos) << logged;
}

// The library's central-system scenarios against the real simulator: the runner listens, `ocpp-simulator run`
// connects one charger (SIM000001) to it.
class CentralRoleLibrary : public CentralRole, public ::testing::WithParamInterface<const char*> {};

TEST_P(CentralRoleLibrary, PassesAgainstOurSimulator) {
    const std::string file = kSource + "/scenarios/central_system/" + GetParam() + ".yaml";
    const std::string url = listen({file, "--junit", base_ + ".xml"});
    ASSERT_FALSE(url.empty());
    ChildProcess sim(
        kBin + "/ocpp-simulator",
        {"run", "--url", url, "--chargers", "1", "--meter-interval", "5", "--duration", "300", "--log-level", "warn"},
        base_ + ".sim.log");
    const int code = cs_->wait_exit(240s);
    sim.stop();
    EXPECT_EQ(code, 0) << cs_->stdout_text() << cs_->stderr_text() << "--- simulator ---\n"
                       << file_text(base_ + ".sim.log");
    EXPECT_NE(cs_->stdout_text().find("1 of 1 runs passed"), std::string::npos) << cs_->stdout_text();
    EXPECT_EQ(count(file_text(base_ + ".xml"), "<failure"), 0);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, CentralRoleLibrary,
                         ::testing::Values("smart_charging_tx_default", "clear_charging_profile", "firmware_update",
                                           "diagnostics_upload", "local_list", "reservation_cancel", "reservation_used",
                                           "trigger_messages", "data_transfer", "change_availability",
                                           "unlock_connector", "clear_cache", "reset", "reservation_faulted"),
                         [](const ::testing::TestParamInfo<const char*>& p) { return std::string(p.param); });

// The library's security scenarios of events, logs, signed firmware and extended triggers (scenarios/security/)
// against the real simulator, as above.
class SecurityLogLibrary : public CentralRole, public ::testing::WithParamInterface<const char*> {};

TEST_P(SecurityLogLibrary, PassesAgainstOurSimulator) {
    const std::string file = kSource + "/scenarios/security/" + GetParam() + ".yaml";
    const std::string url = listen({file, "--junit", base_ + ".xml"});
    ASSERT_FALSE(url.empty());
    // The model trusts the example manufacturer root that signed the firmware of the signed firmware scenarios.
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--model", kSource + "/scenarios/security/signed_firmware_model.yaml", "--url", url,
                      "--chargers", "1", "--meter-interval", "5", "--duration", "300", "--log-level", "warn"},
                     base_ + ".sim.log");
    const int code = cs_->wait_exit(240s);
    sim.stop();
    EXPECT_EQ(code, 0) << cs_->stdout_text() << cs_->stderr_text() << "--- simulator ---\n"
                       << file_text(base_ + ".sim.log");
    EXPECT_NE(cs_->stdout_text().find("1 of 1 runs passed"), std::string::npos) << cs_->stdout_text();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SecurityLogLibrary,
                         ::testing::Values("events_reset", "log_security_upload", "signed_firmware_install",
                                           "signed_firmware_bad_signature", "signed_firmware_foreign_certificate",
                                           "trigger_extended"),
                         [](const ::testing::TestParamInfo<const char*>& p) { return std::string(p.param); });

// The central-system role over wss://: a charger runner that trusts the CA connects with its password (profile 2);
// with a client CA, one without a certificate fails the TLS handshake and one with a certificate of that CA gets in
// (profile 3); a wss:// URL without a certificate, and TLS files for ws://, are refused naming the setting.
TEST_F(CentralRole, TheRunnerListensOverTlsAndWithAClientCaTakesOnlyCertifiedChargers) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_NE(pki, nullptr) << error;
    std::ofstream(base_ + ".cs.yaml") << "name: tls central\nrole: central_system\nchargers: {count: 1, id: CB-0001}\n"
                                         "steps:\n  - accept: {within: 20, password: \"tls-pw-1\"}\n"
                                         "  - expect_call: Heartbeat\n    within: 20\n  - expect_close: {within: 20}\n";
    std::ofstream(base_ + ".yaml") << "name: tls charger\nchargers: {count: 1, id: CB-0001}\nsteps:\n"
                                      "  - connect: {password: \"tls-pw-1\"}\n  - send: Heartbeat\n"
                                      "    expect: {result: {}}\n  - disconnect\n";
    const std::string url = listen({base_ + ".cs.yaml", "--listen", "wss://127.0.0.1:0/ocpp", "--listen-cert",
                                    pki->server_ec_cert, "--listen-key", pki->server_ec_key});
    ASSERT_EQ(url.rfind("wss://127.0.0.1:", 0), 0u) << url;
    std::string out;
    EXPECT_EQ(charger_side({base_ + ".yaml", "--url", url, "--ca", pki->ca_cert, "--security-profile", "2"}, out), 0)
        << out;
    ASSERT_EQ(cs_->wait_exit(30s), 0) << cs_->stdout_text() << cs_->stderr_text();

    // Profile 3: the client CA in the file this time.
    std::ofstream(base_ + ".cs.yaml")
        << "name: tls central 3\nrole: central_system\nchargers: {count: 1, id: CB-0001}\n"
           "listen: \"wss://127.0.0.1:0/ocpp\"\n"
           "listen_tls: {cert: \""
        << pki->server_ec_cert << "\", key: \"" << pki->server_ec_key << "\", client_ca: \"" << pki->ca_cert << "\"}\n"
        << "steps:\n  - accept: {within: 20}\n  - expect_call: Heartbeat\n"
           "    within: 20\n  - expect_close: {within: 20}\n";
    std::ofstream(base_ + ".yaml") << "name: tls charger 3\nchargers: {count: 1, id: CB-0001}\nsteps:\n"
                                      "  - connect: {certificate: none, refused: tls}\n  - connect\n"
                                      "  - send: Heartbeat\n    expect: {result: {}}\n  - disconnect\n";
    const std::string url3 = listen({base_ + ".cs.yaml"});
    ASSERT_EQ(url3.rfind("wss://127.0.0.1:", 0), 0u) << url3;
    EXPECT_EQ(charger_side({base_ + ".yaml", "--url", url3, "--ca", pki->ca_cert, "--cert", pki->client_cert, "--key",
                            pki->client_key, "--security-profile", "3"},
                           out),
              0)
        << out;
    ASSERT_EQ(cs_->wait_exit(30s), 0) << cs_->stdout_text() << cs_->stderr_text();

    // A certificate of the right CA that names another charger (CN=CB-0001 for CB-0002) is refused with 401.
    std::ofstream(base_ + ".cs.yaml")
        << "name: tls central cn\nrole: central_system\nchargers: {count: 1, id: CB-0002}\n"
           "listen: \"wss://127.0.0.1:0/ocpp\"\n"
           "listen_tls: {cert: \""
        << pki->server_ec_cert << "\", key: \"" << pki->server_ec_key << "\", client_ca: \"" << pki->ca_cert << "\"}\n"
        << "steps:\n  - accept: {within: 5}\n";
    std::ofstream(base_ + ".yaml") << "name: another charger's certificate\nchargers: {count: 1, id: CB-0002}\n"
                                      "steps:\n  - connect: {refused: 401}\n";
    const std::string url_cn = listen({base_ + ".cs.yaml"});
    EXPECT_EQ(charger_side({base_ + ".yaml", "--url", url_cn, "--ca", pki->ca_cert, "--cert", pki->client_cert, "--key",
                            pki->client_key, "--security-profile", "3"},
                           out),
              0)
        << out;
    (void)cs_->wait_exit(20s); // its accept step fails: no charger got in

    // Settings that do not fit: the run fails at once naming them.
    for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--listen", "wss://127.0.0.1:0/ocpp"}, "needs listen_tls.cert and listen_tls.key"},
             {{"--listen", "ws://127.0.0.1:0/ocpp", "--listen-cert", pki->server_ec_cert, "--listen-key",
               pki->server_ec_key},
              "needs a wss:// listen URL"},
             {{"--listen", "wss://127.0.0.1:0/ocpp", "--listen-cert", pki->server_ec_cert}, "go together"}}) {
        std::vector<std::string> argv{"scenario", base_ + ".cs.yaml"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::ofstream(base_ + ".cs.yaml") << "name: misfit\nrole: central_system\nchargers: {count: 1, id: CB-0001}\n"
                                             "steps:\n  - accept: {within: 1}\n";
        ChildProcess p(kBin + "/ocpp-simulator", argv);
        EXPECT_EQ(p.wait_exit(20s), 1) << args[0];
        EXPECT_NE(p.stdout_text().find(expected), std::string::npos) << p.stdout_text() << p.stderr_text();
    }
}

} // namespace
