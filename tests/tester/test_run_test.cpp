// The whole check engine on the in-memory transport with a manual clock: a scripted charger talks to a TestRun and
// time is advanced by hand, so the heartbeat timing and every timeout are tested without sleeping.
#include <gtest/gtest.h>

#include "ocpp/net/memory_transport.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "scripted_charger.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/test_run.hpp"

using namespace std::chrono_literals;
using tester::Verdict;
using tester::test::ChargerScript;
using tester::test::ScriptedCharger;

namespace {

class RunTest : public ::testing::Test {
protected:
    RunTest() {
        config.test_id = "t-unit";
        config.chargebox_id = "CB-1";
        config.password = "Xk29fLq8Zr4mTw7pBq";
        config.timeout = 60s;
        config.heartbeat_interval = 10s;
        config.call_timeout = 30s;
        config.url = "ws://10.0.0.5:8180/ocpp/CB-1";
    }

    void start() {
        run = tester::TestRun::create(config, exec, schemas, log);
        run->set_finish_handler([this](const tester::Report&) { ++finished; });
        run->start();
    }

    ocpp::net::HandshakeInfo handshake(const std::string& password) const {
        ocpp::net::HandshakeInfo info;
        info.remote_address = "192.168.1.77:50312";
        info.path = "/ocpp/CB-1";
        info.chargebox_id = "CB-1";
        info.offered_subprotocols = {"ocpp1.6"};
        info.subprotocol = "ocpp1.6";
        info.headers["authorization"] = "Basic ...";
        info.basic_user = "CB-1";
        info.basic_password = password;
        return info;
    }

    // Handshake, open, and a scripted charger on the other end; returns it started.
    std::shared_ptr<ScriptedCharger> connect(ChargerScript script = {}) {
        auto info = handshake(*config.password);
        EXPECT_EQ(run->on_handshake(info).status, 0);
        auto [cs, cp] = ocpp::net::make_memory_pair(exec, info);
        run->on_open(cs);
        auto charger = ScriptedCharger::create(cp, exec, schemas, log, script);
        charger->start();
        exec.run_pending();
        chargers.push_back(charger);
        return charger;
    }

    const tester::Check& check(const char* id) const {
        for (const auto& c : run->report().checks) {
            if (c.id == id) {
                return c;
            }
        }
        throw std::runtime_error(std::string("no check ") + id);
    }

    void dump() const {
        for (const auto& c : run->report().checks) {
            std::printf("%s %s: %s | %s\n", tester::to_string(c.verdict), c.id.c_str(), c.seen.c_str(), c.hint.c_str());
        }
        for (const auto& f : run->report().capture.list()) {
            std::printf("  %lld %s %s\n", f.at.unix_ms() - 1767225600000LL, f.from_charger ? "<-" : "->",
                        f.text.c_str());
        }
    }

    std::vector<std::string> failed() const {
        std::vector<std::string> out;
        for (const auto& c : run->report().checks) {
            if (c.verdict == Verdict::Fail) {
                out.push_back(c.id);
            }
        }
        return out;
    }

    ocpp::ManualClock clock;
    ocpp::ManualExecutor exec{clock};
    ocpp::Logger log{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas = ocpp::validation::Registry::v16().value();
    tester::TestConfig config;
    std::shared_ptr<tester::TestRun> run;
    std::vector<std::shared_ptr<ScriptedCharger>> chargers; // alive for the whole test
    int finished = 0;
};

TEST_F(RunTest, AWellBehavedChargerPassesWithinTheHeartbeatIntervalPlusFiveSeconds) {
    start();
    auto charger = connect();
    exec.advance(config.heartbeat_interval + 5s);
    ASSERT_EQ(finished, 1) << "the test did not end within the interval + 5 s";
    EXPECT_TRUE(run->report().passed()) << testing::PrintToString(failed());
    EXPECT_EQ(check("heartbeat.interval").verdict, Verdict::Pass) << check("heartbeat.interval").seen;
    EXPECT_EQ(check("calls.get_configuration").verdict, Verdict::Pass);
    EXPECT_EQ(check("calls.trigger_message").verdict, Verdict::Pass);
    EXPECT_EQ(check("status.connectors").verdict, Verdict::Pass);
    EXPECT_EQ(check("clock.skew").verdict, Verdict::Pass);
    EXPECT_EQ(check("connection.stable").verdict, Verdict::Pass);
    EXPECT_EQ(check("messages.schema").verdict, Verdict::Pass);
    EXPECT_EQ(check("connection.tls").verdict, Verdict::Skipped);
    EXPECT_EQ(check("charging.remote_start").verdict, Verdict::Skipped);
    const auto& facts = run->report().charger;
    EXPECT_EQ(facts.vendor, "ExampleVendor");
    EXPECT_EQ(facts.connectors, 2);
    EXPECT_EQ(facts.security_profile, 1);
    EXPECT_EQ(run->charger_password(), config.password);
    EXPECT_GT(run->report().capture.frames(), 10u);
}

TEST_F(RunTest, AHeartbeatAtTheOldIntervalFailsInTime) {
    start();
    ChargerScript script;
    script.apply_interval = false;
    script.old_interval_s = 60;
    connect(script);
    // The interval + 10 % + 2 s, counted from the charger's last message (its answers 1 s after boot).
    exec.advance(1s + config.heartbeat_interval + config.heartbeat_interval / 10 + 2s + 100ms);
    EXPECT_EQ(check("heartbeat.interval").verdict, Verdict::Fail);
    EXPECT_NE(check("heartbeat.interval").seen.find("HeartbeatInterval setting is still 60 s"), std::string::npos)
        << check("heartbeat.interval").seen;
    EXPECT_NE(check("heartbeat.interval").hint.find("interval not applied"), std::string::npos);
    EXPECT_EQ(finished, 1);
    EXPECT_FALSE(run->report().passed());
}

TEST_F(RunTest, AHeartbeatFarTooEarlyFailsAsIntervalNotApplied) {
    config.heartbeat_interval = 60s;
    start();
    ChargerScript script;
    script.apply_interval = false;
    script.old_interval_s = 20;
    connect(script);
    exec.advance(21s);
    EXPECT_EQ(check("heartbeat.interval").verdict, Verdict::Fail);
    EXPECT_NE(check("heartbeat.interval").seen.find("too early"), std::string::npos)
        << check("heartbeat.interval").seen;
}

TEST_F(RunTest, NoHeartbeatFails) {
    start();
    ChargerScript script;
    script.heartbeats = false;
    connect(script);
    exec.advance(20s);
    EXPECT_EQ(failed(), std::vector<std::string>{"heartbeat.interval"});
    EXPECT_EQ(finished, 1);
}

TEST_F(RunTest, BootNotificationNotFirstFailsBootFirstButTheRestRuns) {
    start();
    ChargerScript script;
    script.boot_first = false;
    connect(script);
    exec.advance(15s);
    EXPECT_EQ(failed(), std::vector<std::string>{"boot.first"});
    EXPECT_NE(check("boot.first").seen.find("the first message was Heartbeat"), std::string::npos);
    EXPECT_EQ(check("boot.payload").verdict, Verdict::Pass);
}

TEST_F(RunTest, AnInvalidPayloadIsListedWithItsPointerAndRule) {
    start();
    ChargerScript script;
    script.invalid_status = true;
    connect(script);
    exec.advance(15s);
    const auto& schema = check("messages.schema");
    EXPECT_EQ(schema.verdict, Verdict::Fail);
    ASSERT_FALSE(schema.details.empty());
    EXPECT_NE(schema.details.front().find("/errorCode enum"), std::string::npos) << schema.details.front();
}

TEST_F(RunTest, AnUnansweredGetConfigurationFailsAfterTheCallTimeout) {
    config.call_timeout = 5s;
    start();
    ChargerScript script;
    script.answer_get_configuration = false;
    connect(script);
    exec.advance(15s);
    // A charger stuck on one call answers none after it (one call in flight per direction): the next call fails too.
    EXPECT_EQ(failed(), (std::vector<std::string>{"calls.get_configuration", "calls.trigger_message"}));
    EXPECT_NE(check("calls.get_configuration").seen.find("no answer to GetConfiguration"), std::string::npos);
    EXPECT_NE(check("calls.trigger_message").seen.find("no answer to TriggerMessage"), std::string::npos);
    EXPECT_EQ(finished, 1);
}

TEST_F(RunTest, ADroppedConnectionFailsStabilityAndEndsTheTest) {
    start();
    ChargerScript script;
    script.drop_after = 3s;
    connect(script);
    exec.advance(4s);
    EXPECT_EQ(finished, 1);
    EXPECT_EQ(check("connection.stable").verdict, Verdict::Fail);
    EXPECT_NE(check("connection.stable").seen.find("after it opened"), std::string::npos);
    EXPECT_EQ(check("heartbeat.interval").verdict, Verdict::Skipped);
    EXPECT_FALSE(run->report().passed());
}

TEST_F(RunTest, ConnectorErrorCodesAndClockSkewAreWarnings) {
    start();
    ChargerScript script;
    script.error_code = "WeakSignal";
    script.clock_offset = 5min;
    connect(script);
    exec.advance(15s);
    EXPECT_EQ(check("status.connectors").verdict, Verdict::Warn);
    EXPECT_NE(check("status.connectors").hint.find("mobile signal"), std::string::npos);
    EXPECT_EQ(check("clock.skew").verdict, Verdict::Warn);
    EXPECT_TRUE(run->report().passed()) << "warnings do not fail a test";
}

TEST_F(RunTest, AClockTenMinutesOffFails) {
    start();
    ChargerScript script;
    script.clock_offset = -11min;
    connect(script);
    exec.advance(15s);
    EXPECT_EQ(check("clock.skew").verdict, Verdict::Fail);
    EXPECT_NE(check("clock.skew").hint.find("NTP"), std::string::npos);
}

TEST_F(RunTest, ConnectorCountDifferingFromStatusesWarns) {
    start();
    ChargerScript script;
    script.connectors = 1; // GetConfiguration says 1...
    auto charger = connect(script);
    ocpp::v16::StatusNotificationReq extra; // ...but connector 3 reports too
    extra.connectorId = 3;
    extra.status = ocpp::v16::ChargePointStatus::Available;
    charger->peer().call(extra, [](ocpp::CallOutcome<ocpp::v16::StatusNotificationConf>) {});
    exec.advance(15s);
    EXPECT_EQ(check("calls.get_configuration").verdict, Verdict::Warn);
    EXPECT_NE(check("calls.get_configuration").seen.find("NumberOfConnectors is 1"), std::string::npos);
}

TEST_F(RunTest, WrongCredentialsAreRefusedAndDiagnosedUntilACorrectAttempt) {
    start();
    auto bad = handshake("wrong-password-123");
    EXPECT_EQ(run->on_handshake(bad).status, 401);
    run->on_rejected(ocpp::net::RejectedHandshake{bad, 401, "refused", ocpp::net::RejectedHandshake::Kind::Refused});
    EXPECT_EQ(check("auth.basic").verdict, Verdict::Fail);
    EXPECT_NE(check("auth.basic").seen.find("does not match"), std::string::npos);
    EXPECT_EQ(check("auth.basic").seen.find("wrong-password"), std::string::npos) << "never show the password";
    EXPECT_FALSE(run->charger_password());
    exec.advance(2s);
    connect(); // the installer fixed it; the charger retried
    exec.advance(15s);
    EXPECT_TRUE(run->report().passed()) << testing::PrintToString(failed());
    EXPECT_NE(check("connection.tcp").seen.find("attempt 2"), std::string::npos);
}

TEST_F(RunTest, OnlyRefusedAttemptsUntilTheTimeoutFailWithTheLastDiagnosis) {
    start();
    auto info = handshake(*config.password);
    info.offered_subprotocols = {"ocpp2.0.1"};
    info.subprotocol.clear();
    run->on_rejected(ocpp::net::RejectedHandshake{info, 400, "client did not offer subprotocol ocpp1.6",
                                                  ocpp::net::RejectedHandshake::Kind::Refused});
    exec.advance(config.timeout + 1s);
    EXPECT_EQ(finished, 1);
    EXPECT_EQ(failed(), std::vector<std::string>{"websocket.subprotocol"});
    EXPECT_NE(check("websocket.subprotocol").hint.find("another OCPP version"), std::string::npos);
    EXPECT_EQ(check("boot.first").verdict, Verdict::Skipped);
}

TEST_F(RunTest, NoConnectionAtAllFailsTcpAtTheTimeout) {
    start();
    exec.advance(config.timeout + 1s);
    EXPECT_EQ(finished, 1);
    EXPECT_EQ(failed(), std::vector<std::string>{"connection.tcp"});
    EXPECT_NE(check("connection.tcp").hint.find(config.url), std::string::npos);
}

TEST_F(RunTest, AConnectedButSilentChargerFailsBootFirst) {
    start();
    auto info = handshake(*config.password);
    run->on_handshake(info);
    auto [cs, cp] = ocpp::net::make_memory_pair(exec, info);
    run->on_open(cs);
    exec.advance(config.timeout + 1s);
    EXPECT_EQ(check("boot.first").verdict, Verdict::Fail);
    EXPECT_NE(check("boot.first").seen.find("sent no message"), std::string::npos);
}

TEST_F(RunTest, AbortFailsWhatWasWaiting) {
    start();
    connect();
    exec.advance(1s);
    run->abort("interrupted (Ctrl-C)");
    EXPECT_EQ(finished, 1);
    EXPECT_EQ(check("heartbeat.interval").verdict, Verdict::Fail);
    EXPECT_NE(check("heartbeat.interval").seen.find("interrupted"), std::string::npos);
}

} // namespace
