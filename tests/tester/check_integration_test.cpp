// The real `ocpp-tester check` binary on 127.0.0.1 (port 0), faced with the ocpp-rpc strict charge point, our
// simulator, and chargers broken on purpose (Client + Peer). Every process is stopped by its PID, every wait bounded.
#include "check_support.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tester/check/command.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

TEST(CheckCommand, AWellBehavedChargerPassesWithinTheIntervalPlusFiveSecondsAndGetsAStoredCode) {
    const auto db = temp_db("good");
    auto t = start_tester("CB-1", db, {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, basic(), ChargerScript{});
    auto r = finish(t, 20s);
    const auto took = std::chrono::steady_clock::now() - charger.connected_at();
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_LE(took, 2s + 5s) << "heartbeat interval + 5 s";
    const auto code = claim_code_in(r.out);
    ASSERT_FALSE(code.empty()) << r.out;
    auto claim = stored_claim(db, code);
    ASSERT_TRUE(claim) << "code " << code << " not in " << db;
    EXPECT_EQ(claim->chargebox_id, "CB-1");
    EXPECT_EQ(claim->vendor, "ExampleVendor");
    EXPECT_EQ(claim->connectors, 2);
    EXPECT_EQ(claim->security_profile, 1);
    EXPECT_TRUE(store::verify_password(kPassword, claim->password_hash));
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << "the password is never printed";
}

TEST(CheckCommand, TheOcppRpcStrictChargePointPassesAndItsCodeRedeemsOnce) {
    auto node = ocpp::interop::find_node_setup();
    if (!node.skip_reason.empty()) {
        if (node.required) {
            FAIL() << node.skip_reason;
        }
        GTEST_SKIP() << node.skip_reason;
    }
    const auto db = temp_db("ocpp-rpc");
    const auto report = ::testing::TempDir() + "tester-ocpp-rpc-" + std::to_string(::getpid()) + ".json";
    auto t = start_tester(
        "CB-RPC-1", db,
        {"--password", kPassword, "--timeout", "15", "--charging-test", "--charging-seconds", "3", "--report", report});
    ASSERT_FALSE(t.url.empty());
    std::string error;
    auto cp =
        ChildProcess::spawn({node.node, node.script_dir + "/tester_cp.js", t.url, "--password", kPassword}, error);
    ASSERT_TRUE(cp) << error;
    auto r = finish(t, 30s);
    auto cp_exit = cp->wait(10s);
    EXPECT_EQ(r.exit_code, 0) << r.out << "\n--- tester_cp.js ---\n" << cp->stdout_text() << cp->stderr_text();
    EXPECT_EQ(cp_exit, 0) << "ocpp-rpc saw a schema violation, a CALLERROR or an unclean close:\n"
                          << cp->stdout_text() << cp->stderr_text();
    for (const char* id : {"charging.remote_start", "charging.meter_values", "charging.remote_stop"}) {
        EXPECT_NE(r.out.find(std::string("  ✓ ") + id), std::string::npos) << r.out;
    }
    const auto code = claim_code_in(r.out);
    ASSERT_FALSE(code.empty()) << r.out;
    std::FILE* capture = std::fopen(tester::capture_path_for(report).c_str(), "r");
    EXPECT_NE(capture, nullptr) << "the frame capture beside the report";
    if (capture) {
        std::fclose(capture);
    }
    auto conn = store::Sqlite::open(db);
    ASSERT_TRUE(conn);
    auto first = store::Claims::redeem(**conn, code, ocpp::DateTime::now(), "test");
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->claim) << first->error;
    EXPECT_EQ(first->claim->model, "AC22-T2");
    auto second = store::Claims::redeem(**conn, code, ocpp::DateTime::now(), "test");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->status, 409);
}

TEST(CheckCommand, TheSimulatorPasses) {
    const auto db = temp_db("sim");
    auto t = start_tester("SIMT000001", db, {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    std::string error;
    auto sim = ChildProcess::spawn({bin("ocpp-simulator"), "run", "--url", t.base(), "--chargers", "1", "--id-prefix",
                                    "SIMT", "--password", kPassword, "--duration", "12"},
                                   error);
    ASSERT_TRUE(sim) << error;
    auto r = finish(t, 20s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_FALSE(claim_code_in(r.out).empty()) << r.out;
    EXPECT_NE(r.out.find("model \"ocpp-simulator\""), std::string::npos) << r.out;
}

TEST(CheckCommand, NoSubprotocol) {
    auto t = start_tester("CB-1", temp_db("nosub"), {"--password", kPassword, "--timeout", "3"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    auto options = basic();
    options.subprotocols.clear();
    charger.run(t.url, options, ChargerScript{});
    auto r = finish(t, 15s);
    expect_failure(r, "websocket.subprotocol", "OCPP 1.6-J");
    EXPECT_NE(r.out.find("no subprotocol offered"), std::string::npos) << r.out;
}

TEST(CheckCommand, WrongPassword) {
    const auto db = temp_db("wrongpw");
    auto t = start_tester("CB-1", db, {"--password", kPassword, "--timeout", "3"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    charger.run(t.url, basic("CB-1", "not-the-password-1"), ChargerScript{});
    auto r = finish(t, 15s);
    expect_failure(r, "auth.basic", "HTTP Basic password");
    EXPECT_NE(r.out.find("does not match"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("not-the-password"), std::string::npos) << "never show the password";
}

TEST(CheckCommand, BootNotificationNotFirst) {
    auto t = start_tester("CB-1", temp_db("notfirst"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.boot_first = false;
    charger.run(t.url, basic(), script);
    expect_failure(finish(t, 15s), "boot.first", "BootNotification as the first message");
}

TEST(CheckCommand, AnInvalidPayload) {
    auto t = start_tester("CB-1", temp_db("invalid"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.invalid_status = true;
    charger.run(t.url, basic(), script);
    auto r = finish(t, 15s);
    expect_failure(r, "messages.schema", "JSON pointer and rule");
    EXPECT_NE(r.out.find("/errorCode enum"), std::string::npos) << r.out;
}

TEST(CheckCommand, NoHeartbeat) {
    auto t = start_tester("CB-1", temp_db("nohb"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.heartbeats = false;
    charger.run(t.url, basic(), script);
    expect_failure(finish(t, 15s), "heartbeat.interval", "interval not applied");
}

TEST(CheckCommand, AConnectionDroppedMidTest) {
    auto t = start_tester("CB-1", temp_db("drop"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.drop_after = 800ms;
    charger.run(t.url, basic(), script);
    auto r = finish(t, 15s);
    expect_failure(r, "connection.stable", "The connection must stay up");
    EXPECT_NE(r.out.find("after it opened"), std::string::npos) << r.out;
}

TEST(CheckCommand, NoAnswerToGetConfiguration) {
    auto t = start_tester("CB-1", temp_db("noanswer"), {"--password", kPassword, "--timeout", "10"});
    ASSERT_FALSE(t.url.empty());
    ChargerThread charger;
    ChargerScript script;
    script.answer_get_configuration = false;
    charger.run(t.url, basic(), script);
    // Stuck on GetConfiguration, it answers no call after it either (one call in flight per direction).
    expect_failure(finish(t, 15s), "calls.get_configuration", "did not answer a call", {"calls.trigger_message"});
}

TEST(CheckCommand, NobodyConnects) {
    auto t = start_tester("CB-1", temp_db("nobody"), {"--timeout", "1"});
    ASSERT_FALSE(t.url.empty());
    expect_failure(finish(t, 10s), "connection.tcp", "never reached the tester");
}

TEST(CheckCommand, BadUsageExitsWithTwoAndOneLine) {
    std::string error;
    auto child = ChildProcess::spawn({bin("ocpp-tester"), "check", "--listen", "127.0.0.1:0"}, error);
    ASSERT_TRUE(child) << error;
    EXPECT_EQ(child->wait(10s), 2);
    EXPECT_EQ(child->stderr_text(), "ocpp-tester check: --chargebox-id ID is required: the ID configured on the "
                                    "charger\n");
}

} // namespace
