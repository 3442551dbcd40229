// Remote commands through REST against the real binary, with a charger the test controls: one that never answers
// (504 naming the action and the seconds waited, from --call-timeout or ?timeout), one that answers with a CALLERROR
// (502 with the charger's code and description), one that is not connected or goes away before answering (409), and
// more commands than the charger's queue holds (503). After each, the connection still carries commands.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;
using Answer = ControlledCharger::Answer;
using Clock = std::chrono::steady_clock;

class Commands : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--auto-register", "--call-timeout", "1"});
    }
    // A charger connected and booted; its first GetConfiguration (asked of every planned charger) answered.
    std::unique_ptr<ControlledCharger> connect(const std::string& id) {
        auto c = std::make_unique<ControlledCharger>(port_, id, "controlled-password");
        EXPECT_TRUE(c->start()) << c->error();
        EXPECT_TRUE(wait_until([&] { return c->calls("GetConfiguration") == 1; }, 10s));
        c->answer("ClearCache", {Answer::Result, R"({"status":"Accepted"})", ""});
        // Nothing in flight any more once a command has come back.
        EXPECT_EQ(command(id, "ClearCache").status, 200);
        return c;
    }
    HttpReply command(const std::string& id, const std::string& action, const std::string& body = "{}",
                      const std::string& query = "") {
        return api("POST", "/api/v1/chargers/" + id + "/commands/" + action + query, body);
    }
};

TEST_F(Commands, AChargerThatNeverAnswersGets504NamingTheActionAndTheTimeout) {
    auto charger = connect("QUIET-1");
    charger->answer("Reset", {Answer::Silent, "", ""});

    // The central system's --call-timeout (1 s).
    auto start = Clock::now();
    auto r = command("QUIET-1", "Reset", R"({"type":"Soft"})");
    auto waited = Clock::now() - start;
    ASSERT_EQ(r.status, 504) << r.body;
    auto body = parse_json(r.body);
    EXPECT_STREQ(body["error"].GetString(), "the charger did not answer Reset within 1 s");
    EXPECT_STREQ(body["action"].GetString(), "Reset");
    EXPECT_EQ(body["timeoutSeconds"].GetInt(), 1);
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 10s);
    EXPECT_EQ(charger->calls("Reset"), 1) << "the call went out and was not answered";
    charger->answer_held(R"({"status":"Accepted"})"); // too late: the central system drops it

    // The request's own timeout wins.
    start = Clock::now();
    r = command("QUIET-1", "Reset", R"({"type":"Hard"})", "?timeout=2");
    waited = Clock::now() - start;
    ASSERT_EQ(r.status, 504) << r.body;
    body = parse_json(r.body);
    EXPECT_NE(std::string(body["error"].GetString()).find("within 2 s"), std::string::npos) << r.body;
    EXPECT_EQ(body["timeoutSeconds"].GetInt(), 2);
    EXPECT_GE(waited, 1900ms);
    EXPECT_EQ(charger->calls("Reset"), 2);
    charger->answer_held(R"({"status":"Accepted"})");

    // The connection stays and carries the next command (late answers change nothing); /metrics counts the
    // timeouts.
    EXPECT_EQ(command("QUIET-1", "ClearCache").status, 200);
    EXPECT_NE(api("GET", "/api/v1/chargers/QUIET-1").body.find("\"connected\":true"), std::string::npos);
    const std::string metrics = ocppkit::test::http(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find(R"(ocpp_calls_total{direction="sent",action="Reset",result="timeout"} 2)"),
              std::string::npos)
        << metrics;
}

TEST_F(Commands, ACallErrorGets502WithTheChargersCodeAndDescription) {
    auto charger = connect("ERR-1");
    charger->answer("UnlockConnector", {Answer::CallError, "GenericError", "the motor is stuck"});
    auto r = command("ERR-1", "UnlockConnector", R"({"connectorId":1})");
    ASSERT_EQ(r.status, 502) << r.body;
    auto body = parse_json(r.body);
    EXPECT_STREQ(body["error"].GetString(),
                 "the charger answered UnlockConnector with CALLERROR GenericError: the motor is stuck");
    EXPECT_STREQ(body["action"].GetString(), "UnlockConnector");
    EXPECT_STREQ(body["callError"]["errorCode"].GetString(), "GenericError");
    EXPECT_STREQ(body["callError"]["errorDescription"].GetString(), "the motor is stuck");
    EXPECT_FALSE(body.HasMember("timeoutSeconds"));

    // An action the charger does not implement: its NotImplemented, as sent.
    r = command("ERR-1", "GetLocalListVersion");
    ASSERT_EQ(r.status, 502) << r.body;
    body = parse_json(r.body);
    EXPECT_STREQ(body["callError"]["errorCode"].GetString(), "NotImplemented");
    EXPECT_STREQ(body["callError"]["errorDescription"].GetString(), "GetLocalListVersion is not implemented here");

    // An answer that breaks the confirmation's schema is a 502 too, without a callError.
    charger->answer("Reset", {Answer::Result, R"({"status":"Perhaps"})", ""});
    r = command("ERR-1", "Reset", R"({"type":"Soft"})");
    ASSERT_EQ(r.status, 502) << r.body;
    body = parse_json(r.body);
    EXPECT_NE(std::string(body["error"].GetString()).find("not a valid Reset confirmation"), std::string::npos);
    EXPECT_FALSE(body.HasMember("callError"));
    EXPECT_EQ(command("ERR-1", "ClearCache").status, 200);
}

TEST_F(Commands, AChargerNotConnectedOrGoneBeforeAnsweringGets409) {
    create_charger("OFF1", "offline-password");
    auto r = command("OFF1", "Reset", R"({"type":"Soft"})");
    ASSERT_EQ(r.status, 409) << r.body;
    auto body = parse_json(r.body);
    EXPECT_STREQ(body["error"].GetString(), "the charger is not connected, so Reset was not sent");
    EXPECT_STREQ(body["field"].GetString(), "id");
    EXPECT_STREQ(body["action"].GetString(), "Reset");
    r = command("NOBODY", "Reset", R"({"type":"Soft"})");
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_STREQ(parse_json(r.body)["field"].GetString(), "id");

    // The charger closes its connection instead of answering.
    auto charger = connect("GONE-1");
    charger->answer("TriggerMessage", {Answer::Close, "", ""});
    r = command("GONE-1", "TriggerMessage", R"({"requestedMessage":"Heartbeat"})");
    ASSERT_EQ(r.status, 409) << r.body;
    body = parse_json(r.body);
    EXPECT_STREQ(body["error"].GetString(), "the charger disconnected before answering TriggerMessage");
    EXPECT_STREQ(body["action"].GetString(), "TriggerMessage");
    ASSERT_TRUE(wait_until(
        [&] { return api("GET", "/api/v1/chargers/GONE-1").body.find("\"connected\":false") != std::string::npos; },
        5s));
    EXPECT_EQ(command("GONE-1", "ClearCache").status, 409);
}

TEST_F(Commands, MoreCommandsThanTheQueueHoldsGet503AndTheRestEndWhenTheChargerGoes) {
    auto charger = connect("BUSY-1");
    charger->answer("Reset", {Answer::Silent, "", ""});
    // One call in flight and 64 waiting behind it (the peer's queue); the five beyond are refused at once, while
    // the others wait for an answer that never comes, until the charger goes.
    std::atomic<int> answered{0};
    std::vector<std::function<HttpReply()>> calls(70, [&] {
        auto r = command("BUSY-1", "Reset", R"({"type":"Soft"})", "?timeout=60");
        ++answered;
        return r;
    });
    std::vector<HttpReply> replies;
    std::thread sender([&] { replies = all_at_once(calls); });
    const bool five_refused = wait_until([&] { return answered == 5; }, 20s);
    EXPECT_EQ(charger->calls("Reset"), 1);
    charger->close();
    sender.join();
    ASSERT_TRUE(five_refused) << answered;
    int refused = 0, gone = 0;
    for (const auto& r : replies) {
        const auto body = parse_json(r.body);
        if (r.status == 503) {
            ++refused;
            EXPECT_STREQ(body["error"].GetString(),
                         "too many commands are waiting for this charger; Reset was not sent, try again");
            EXPECT_STREQ(body["action"].GetString(), "Reset");
        } else {
            EXPECT_EQ(r.status, 409) << r.body;
            gone += r.status == 409;
        }
    }
    EXPECT_EQ(refused, 5);
    EXPECT_EQ(gone, 65);
    EXPECT_EQ(charger->calls("Reset"), 1) << "one call at a time: the waiting ones were never sent";
}

} // namespace

namespace {

// The portal builds a form per action from this list: all 19 central-system actions, each with the request schema
// the central system validates with (so a form cannot ask for what the validator refuses).
TEST_F(Commands, TheCommandListHasEveryCentralSystemActionWithItsRequestSchema) {
    const auto r = api("GET", "/api/v1/commands");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = parse_json(r.body);
    ASSERT_TRUE(body["commands"].IsArray());
    ASSERT_EQ(body["commands"].Size(), 19u);
    std::vector<std::string> names;
    for (const auto& c : body["commands"].GetArray()) {
        names.emplace_back(c["action"].GetString());
        EXPECT_STREQ(c["schema"]["type"].GetString(), "object") << names.back();
        EXPECT_STREQ(c["schema"]["title"].GetString(), (names.back() + "Request").c_str());
    }
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(names.front(), "CancelReservation");
    EXPECT_EQ(names.back(), "UpdateFirmware");
    const auto& set = body["commands"][15]; // SetChargingProfile
    ASSERT_STREQ(set["action"].GetString(), "SetChargingProfile");
    EXPECT_TRUE(set["schema"]["properties"]["csChargingProfiles"]["properties"].HasMember("chargingSchedule"));
    EXPECT_EQ(raw("GET", "/api/v1/commands").status, 401);
}

} // namespace
