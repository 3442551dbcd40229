#include <gtest/gtest.h>

#include "peer_fixture.hpp"

using namespace std::chrono_literals;
using namespace ocpp;
using namespace ocpp::v16;
using ocpp::testing::PeerPair;

namespace {
BootNotificationReq boot() {
    BootNotificationReq req;
    req.chargePointVendor = "ACME";
    req.chargePointModel = "Wallbox 22";
    return req;
}
} // namespace

TEST_F(PeerPair, TypedCallIsAnsweredByTheHandlerOfItsAction) {
    cs->on<BootNotificationReq>([&](const BootNotificationReq& req, Reply<BootNotificationConf> reply) {
        EXPECT_EQ(req.chargePointVendor, "ACME");
        reply(BootNotificationConf{DateTime::from_unix_ms(1767225600000), 300, RegistrationStatus::Accepted});
    });
    std::optional<CallOutcome<BootNotificationConf>> got;
    cp->call(boot(), [&](CallOutcome<BootNotificationConf> o) { got = std::move(o); });
    settle();
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->ok()) << got->error_description;
    EXPECT_EQ(got->conf->status, RegistrationStatus::Accepted);
    EXPECT_EQ(got->conf->interval, 300);
    EXPECT_EQ(cs_sent.back().substr(0, 4), "[3,\"");
    EXPECT_NE(cs_sent.back().find("\"currentTime\":\"2026-01-01T00:00:00Z\""), std::string::npos);
}

TEST_F(PeerPair, OnlyOneCallIsInFlightAndTheRestFollowInOrder) {
    std::vector<RawReply> held;
    cs->on_raw("Heartbeat", [&](const rapidjson::Value&, RawReply r) { held.push_back(r); });
    std::vector<int> done;
    for (int i = 0; i < 3; ++i) {
        cp->call(HeartbeatReq{}, [&, i](CallOutcome<HeartbeatConf> o) {
            EXPECT_TRUE(o.ok());
            done.push_back(i);
        });
    }
    settle();
    EXPECT_EQ(cs_received.size(), 1u) << "the second CALL left before the first was answered";
    rapidjson::Document answer;
    answer.Parse(R"({"currentTime":"2026-01-01T00:00:00Z"})");
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(held.size(), static_cast<std::size_t>(i + 1));
        held.back().ok(answer);
        settle();
    }
    EXPECT_EQ(done, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(cp->stats().calls_sent, 3u);
}

TEST_F(PeerPair, UnansweredCallTimesOutOnTheInjectedClockAndTheNextOneGoesOut) {
    std::vector<RawReply> held;
    cs->on_raw("Heartbeat", [&](const rapidjson::Value&, RawReply r) { held.push_back(r); });
    std::vector<CallStatus> statuses;
    cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { statuses.push_back(o.status); });
    cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { statuses.push_back(o.status); });
    ex.advance(29s);
    EXPECT_TRUE(statuses.empty());
    ex.advance(1s);
    ASSERT_EQ(statuses, (std::vector<CallStatus>{CallStatus::Timeout}));
    EXPECT_EQ(cs_received.size(), 2u);
    // The late answer to the first call matches nothing; the second call is still waiting for its own.
    rapidjson::Document answer;
    answer.Parse(R"({"currentTime":"2026-01-01T00:00:00Z"})");
    held.front().ok(answer);
    settle();
    EXPECT_EQ(cp->stats().unmatched_received, 1u);
    held.back().ok(answer);
    settle();
    EXPECT_EQ(statuses, (std::vector<CallStatus>{CallStatus::Timeout, CallStatus::Ok}));
}

TEST_F(PeerPair, PerCallTimeoutOverridesTheDefault) {
    cs->on_raw("Heartbeat",
               [keep = std::vector<RawReply>()](const rapidjson::Value&, RawReply r) mutable { keep.push_back(r); });
    std::optional<CallStatus> status;
    cp->call(
        HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { status = o.status; }, 5s);
    ex.advance(5s);
    EXPECT_EQ(status, CallStatus::Timeout);
}

TEST_F(PeerPair, ClosingFailsEveryWaitingCall) {
    cs->on_raw("Heartbeat",
               [keep = std::vector<RawReply>()](const rapidjson::Value&, RawReply r) mutable { keep.push_back(r); });
    std::vector<CallStatus> statuses;
    for (int i = 0; i < 2; ++i) {
        cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { statuses.push_back(o.status); });
    }
    settle();
    bool closed = false;
    cp->set_close_handler([&](const net::CloseInfo&) { closed = true; });
    cs->close(1000, "bye");
    settle();
    EXPECT_TRUE(closed);
    EXPECT_EQ(statuses, (std::vector<CallStatus>{CallStatus::Closed, CallStatus::Closed}));
    cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { statuses.push_back(o.status); });
    EXPECT_EQ(statuses.back(), CallStatus::Closed);
}

TEST_F(PeerPair, CallsBeyondTheQueueBoundAreRefusedWithoutSending) {
    PeerConfig small;
    small.max_queued_calls = 2;
    connect(PeerConfig{}, small);
    cs->on_raw("Heartbeat",
               [keep = std::vector<RawReply>()](const rapidjson::Value&, RawReply r) mutable { keep.push_back(r); });
    std::vector<CallStatus> statuses;
    for (int i = 0; i < 4; ++i) {
        cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { statuses.push_back(o.status); });
    }
    settle();
    // One in flight, two queued, the fourth refused at once.
    EXPECT_EQ(statuses, (std::vector<CallStatus>{CallStatus::QueueFull}));
    EXPECT_EQ(cp->calls_waiting(), 3u);
}

TEST_F(PeerPair, IncomingCallsAreAnsweredInOrderEvenWhenSentBackToBack) {
    std::vector<RawReply> held;
    cs->on_raw("Heartbeat", [&](const rapidjson::Value&, RawReply r) { held.push_back(r); });
    cp->send_raw(R"([2,"a","Heartbeat",{}])");
    cp->send_raw(R"([2,"b","Heartbeat",{}])");
    settle();
    ASSERT_EQ(held.size(), 1u) << "the second CALL must wait until the first is answered";
    rapidjson::Document answer;
    answer.Parse(R"({"currentTime":"2026-01-01T00:00:00Z"})");
    held[0].ok(answer);
    settle();
    ASSERT_EQ(held.size(), 2u);
    EXPECT_EQ(held[1].message_id(), "b");
}

TEST_F(PeerPair, AHandlerThatDropsItsReplyStillAnswersWithInternalError) {
    cs->on_raw("Heartbeat", [](const rapidjson::Value&, RawReply) {});
    std::optional<CallOutcome<HeartbeatConf>> got;
    cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { got = std::move(o); });
    settle();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, CallStatus::CallError);
    EXPECT_EQ(got->error_code, "InternalError");
}

TEST_F(PeerPair, OurOwnInvalidRequestIsNotSent) {
    auto req = boot();
    req.chargePointVendor = std::string(21, 'x'); // CiString20
    std::optional<CallOutcome<BootNotificationConf>> got;
    cp->call(req, [&](CallOutcome<BootNotificationConf> o) { got = std::move(o); });
    settle();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, CallStatus::InvalidRequest);
    ASSERT_FALSE(got->findings.empty());
    EXPECT_EQ(got->findings[0].pointer, "/chargePointVendor");
    EXPECT_TRUE(cs_received.empty());
}

TEST_F(PeerPair, AnInvalidAnswerIsReportedInStrictModeAndAcceptedInTolerantMode) {
    cs->on_raw("Heartbeat", [](const rapidjson::Value&, RawReply r) {
        rapidjson::Document bad;
        bad.Parse(R"({"currentTime":"2026-01-01T00:00:00Z","extra":1})");
        r.ok(bad);
    });
    PeerConfig no_check;
    no_check.validate_outgoing = false;
    for (auto mode : {validation::Mode::Strict, validation::Mode::Tolerant}) {
        PeerConfig cp_cfg;
        cp_cfg.mode = mode;
        connect(no_check, cp_cfg);
        cs->on_raw("Heartbeat", [](const rapidjson::Value&, RawReply r) {
            rapidjson::Document bad;
            bad.Parse(R"({"currentTime":"2026-01-01T00:00:00Z","extra":1})");
            r.ok(bad);
        });
        std::optional<CallOutcome<HeartbeatConf>> got;
        cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { got = std::move(o); });
        settle();
        ASSERT_TRUE(got);
        EXPECT_EQ(got->status, mode == validation::Mode::Strict ? CallStatus::InvalidResponse : CallStatus::Ok);
        ASSERT_EQ(got->findings.size(), 1u);
        EXPECT_EQ(got->findings[0].pointer, "/extra");
        EXPECT_EQ(cp->stats().deviations, 1u);
    }
}

TEST_F(PeerPair, APeerGoneBeforeItsSessionLeavesNoHandlerBehind) {
    net::HandshakeInfo info;
    info.chargebox_id = "CB-2";
    auto [cs_session, cp_session] = net::make_memory_pair(ex, info);
    auto gone = Peer::create(cs_session, schemas, PeerConfig{}, log);
    auto charger = Peer::create(cp_session, schemas, PeerConfig{}, log);
    gone.reset(); // its session lives on (held here), and messages still arrive on it
    std::optional<CallOutcome<HeartbeatConf>> got;
    charger->call(
        HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { got = std::move(o); }, 5s);
    settle();
    EXPECT_FALSE(got) << "nobody answers, nothing crashes";
    cs_session->close(1000, "bye");
    settle();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, CallStatus::Closed);
}

TEST_F(PeerPair, AHandlerMayDropTheLastReferenceToItsPeerAndStillAnswer) {
    cs->on_raw("Heartbeat", [this](const rapidjson::Value&, RawReply r) {
        cs.reset(); // the handler's call holds the Peer until it returns
        r.error(rpc::ErrorCode::GenericError, "going away");
    });
    std::optional<CallOutcome<HeartbeatConf>> got;
    cp->call(HeartbeatReq{}, [&](CallOutcome<HeartbeatConf> o) { got = std::move(o); });
    settle();
    EXPECT_EQ(cs, nullptr);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, CallStatus::CallError);
    EXPECT_EQ(got->error_code, "GenericError");
}
