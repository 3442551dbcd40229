#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include "peer_fixture.hpp"
#include "tests/support/paths.hpp"

using namespace ocpp;
using ocpp::testing::PeerPair;

namespace {
// The frame the central system answered with, parsed.
rapidjson::Document last_frame(const std::vector<std::string>& sent) {
    rapidjson::Document d;
    d.Parse(sent.empty() ? "null" : sent.back().c_str());
    return d;
}

void accept_everything(Peer& p, const validation::Registry& schemas) {
    for (const auto& action : schemas.actions()) {
        p.on_raw(action, [](const rapidjson::Value&, RawReply r) {
            rapidjson::Document empty(rapidjson::kObjectType);
            r.ok(empty);
        });
    }
}
} // namespace

TEST_F(PeerPair, UnknownActionGetsNotImplementedAndUnhandledOneNotSupported) {
    cp->send_raw(R"([2,"1","FlyToTheMoon",{}])");
    settle();
    auto f = last_frame(cs_sent);
    EXPECT_STREQ(f[2].GetString(), "NotImplemented");
    cp->send_raw(R"([2,"2","ReserveNow",{}])");
    settle();
    f = last_frame(cs_sent);
    EXPECT_STREQ(f[1].GetString(), "2");
    EXPECT_STREQ(f[2].GetString(), "NotSupported");
}

TEST_F(PeerPair, ALaterHandlerOfAnActionReplacesTheEarlierAndAMisspeltOneIsNeverKept) {
    int first = 0, second = 0, misspelt = 0;
    cs->on<v16::HeartbeatReq>([&](const v16::HeartbeatReq&, Reply<v16::HeartbeatConf> r) {
        ++first;
        r(v16::HeartbeatConf{DateTime::from_unix_ms(0)});
    });
    cs->on_raw("Heartbeet", [&](const rapidjson::Value&, RawReply) { ++misspelt; });
    cs->on<v16::HeartbeatReq>([&](const v16::HeartbeatReq&, Reply<v16::HeartbeatConf> r) {
        ++second;
        r(v16::HeartbeatConf{DateTime::from_unix_ms(0)});
    });
    cs->on<v16::StatusNotificationReq>([](const v16::StatusNotificationReq&, Reply<v16::StatusNotificationConf> r) {
        r(v16::StatusNotificationConf{});
    });
    cp->send_raw(R"([2,"1","Heartbeat",{}])");
    settle();
    EXPECT_EQ(last_frame(cs_sent)[0].GetInt(), 3);
    EXPECT_EQ(first, 0);
    EXPECT_EQ(second, 1);
    cp->send_raw(R"([2,"2","Heartbeet",{}])");
    settle();
    const auto f = last_frame(cs_sent);
    EXPECT_STREQ(f[2].GetString(), "NotImplemented");
    EXPECT_EQ(misspelt, 0);
    cp->send_raw(R"([2,"3","StatusNotification",{"connectorId":0,"errorCode":"NoError","status":"Available"}])");
    settle();
    EXPECT_EQ(last_frame(cs_sent)[0].GetInt(), 3) << "the handler after the replaced one is found too";
}

TEST_F(PeerPair, EveryInvalidPayloadGetsTheCallErrorOfItsRuleInStrictMode) {
    PeerConfig lax;
    lax.validate_outgoing = false;
    connect(PeerConfig{}, lax);
    accept_everything(*cs, schemas);
    std::ifstream in(std::string(ocppkit::test::source_dir()) + "/tests/fixtures/v16/invalid_examples.json");
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document cases;
    cases.Parse(text.str().c_str());
    ASSERT_TRUE(cases.IsArray());
    int n = 0;
    for (const auto& c : cases.GetArray()) {
        std::string key = c["key"].GetString();
        if (key.size() < 4 || key.compare(key.size() - 4, 4, ".req") != 0) {
            continue; // answers are checked by the caller, below
        }
        const std::string action = key.substr(0, key.size() - 4);
        const std::string id = "m" + std::to_string(++n);
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        c["payload"].Accept(w);
        cp->send_raw("[2,\"" + id + "\",\"" + action + "\"," + buf.GetString() + "]");
        settle();
        auto f = last_frame(cs_sent);
        ASSERT_EQ(f[0].GetInt(), 4) << key << ": " << c["why"].GetString();
        EXPECT_STREQ(f[1].GetString(), id.c_str());
        EXPECT_STREQ(f[2].GetString(), c["errorCode"].GetString()) << key << ": " << c["why"].GetString();
        const std::string pointer = c["pointer"].GetString();
        EXPECT_NE(std::string(f[3].GetString()).find(pointer.empty() ? "payload" : pointer), std::string::npos)
            << "description should name " << pointer << ": " << f[3].GetString();
    }
    EXPECT_GT(n, 20);
}

TEST_F(PeerPair, TolerantModeProcessesWhatIsSafeAndRecordsTheDeviation) {
    PeerConfig tolerant;
    tolerant.mode = validation::Mode::Tolerant;
    connect(tolerant, PeerConfig{});
    std::vector<Deviation> deviations;
    cs->set_deviation_observer([&](const Deviation& d) { deviations.push_back(d); });
    std::string vendor;
    cs->on<v16::BootNotificationReq>([&](const v16::BootNotificationReq& req, Reply<v16::BootNotificationConf> r) {
        vendor = req.chargePointVendor;
        r(v16::BootNotificationConf{DateTime::from_unix_ms(0), 60, v16::RegistrationStatus::Accepted});
    });
    // An unknown property and a vendor name longer than CiString20: safe to process.
    cp->send_raw(R"([2,"1","BootNotification",{"chargePointVendor":"A vendor name that is too long",)"
                 R"("chargePointModel":"M","firmwareVersionX":"1.0"}])");
    settle();
    EXPECT_EQ(vendor, "A vendor name that is too long");
    EXPECT_EQ(last_frame(cs_sent)[0].GetInt(), 3);
    ASSERT_EQ(deviations.size(), 1u);
    ASSERT_EQ(deviations[0].findings.size(), 2u);
    EXPECT_EQ(deviations[0].findings[0].pointer, "/chargePointVendor");
    EXPECT_EQ(deviations[0].findings[0].rule, "maxLength");
    EXPECT_EQ(deviations[0].findings[1].pointer, "/firmwareVersionX");
    EXPECT_EQ(deviations[0].findings[1].rule, "additionalProperties");
    // A missing required field cannot be processed, tolerant or not.
    cp->send_raw(R"([2,"2","BootNotification",{"chargePointVendor":"V"}])");
    settle();
    auto f = last_frame(cs_sent);
    EXPECT_EQ(f[0].GetInt(), 4);
    EXPECT_STREQ(f[2].GetString(), "OccurenceConstraintViolation");
    EXPECT_NE(std::string(f[3].GetString()).find("/chargePointModel"), std::string::npos) << f[3].GetString();
}

// A negative connectorId (connectors are numbered from 0) breaks the schemas' minimum: a deviation that is still
// processed in tolerant mode, a PropertyConstraintViolation in strict mode.
TEST_F(PeerPair, ANegativeConnectorIdIsARecordedDeviationInTolerantMode) {
    PeerConfig tolerant;
    tolerant.mode = validation::Mode::Tolerant;
    connect(tolerant, PeerConfig{});
    std::vector<Deviation> deviations;
    cs->set_deviation_observer([&](const Deviation& d) { deviations.push_back(d); });
    std::optional<int> seen;
    cs->on<v16::StatusNotificationReq>(
        [&](const v16::StatusNotificationReq& req, Reply<v16::StatusNotificationConf> r) {
            seen = req.connectorId;
            r(v16::StatusNotificationConf{});
        });
    cp->send_raw(R"([2,"n1","StatusNotification",{"connectorId":-5,"errorCode":"NoError","status":"Available"}])");
    settle();
    EXPECT_EQ(last_frame(cs_sent)[0].GetInt(), 3);
    EXPECT_EQ(seen, -5);
    ASSERT_EQ(deviations.size(), 1u);
    ASSERT_EQ(deviations[0].findings.size(), 1u);
    EXPECT_EQ(deviations[0].findings[0].pointer, "/connectorId");
    EXPECT_EQ(deviations[0].findings[0].rule, "minimum");
}

TEST_F(PeerPair, ANegativeConnectorIdIsAPropertyConstraintViolationInStrictMode) {
    bool seen = false;
    cs->on<v16::StatusNotificationReq>([&](const v16::StatusNotificationReq&, Reply<v16::StatusNotificationConf> r) {
        seen = true;
        r(v16::StatusNotificationConf{});
    });
    cp->send_raw(R"([2,"n1","StatusNotification",{"connectorId":-5,"errorCode":"NoError","status":"Available"}])");
    settle();
    auto f = last_frame(cs_sent);
    EXPECT_EQ(f[0].GetInt(), 4);
    EXPECT_STREQ(f[2].GetString(), "PropertyConstraintViolation");
    EXPECT_NE(std::string(f[3].GetString()).find("/connectorId"), std::string::npos) << f[3].GetString();
    EXPECT_FALSE(seen);
}

TEST_F(PeerPair, MalformedFramesAreAnsweredWhereAnIdCanBeRecoveredAndTheConnectionSurvives) {
    cs->on<v16::HeartbeatReq>([](const v16::HeartbeatReq&, Reply<v16::HeartbeatConf> r) {
        r(v16::HeartbeatConf{DateTime::from_unix_ms(0)});
    });
    cp->send_raw(R"([2,"abc","Heartbeat",{)");
    settle();
    auto f = last_frame(cs_sent);
    EXPECT_STREQ(f[1].GetString(), "abc");
    EXPECT_STREQ(f[2].GetString(), "FormationViolation");
    const auto sent_before = cs_sent.size();
    for (const char* junk : {"", "null", "{}", "[]", "[9,\"x\"]", "[3]", "\xff\xfe", "[2,\"x\",\"Heartbeat\"]"}) {
        cp->send_raw(junk);
    }
    settle();
    EXPECT_EQ(cs->stats().malformed_received, 9u);
    // Only a message of an unknown type with a readable id ([9,"x"]) and the last one (a CALL with a readable id) could
    // be answered.
    EXPECT_EQ(cs_sent.size(), sent_before + 2);
    std::optional<CallStatus> status;
    cp->call(v16::HeartbeatReq{}, [&](CallOutcome<v16::HeartbeatConf> o) { status = o.status; });
    settle();
    EXPECT_EQ(status, CallStatus::Ok);
}

TEST_F(PeerPair, AMessageOfAnUnknownTypeIsAnsweredWithAFormationViolationCarryingItsId) {
    cp->send_raw(R"([9,"id-9","Heartbeat",{}])");
    settle();
    auto f = last_frame(cs_sent);
    ASSERT_TRUE(f.IsArray());
    ASSERT_EQ(f.Size(), 5u);
    EXPECT_EQ(f[0].GetInt(), 4);
    EXPECT_STREQ(f[1].GetString(), "id-9");
    EXPECT_STREQ(f[2].GetString(), "FormationViolation"); // OCPP-J 1.6 has no MessageTypeNotSupported
    EXPECT_NE(std::string(f[3].GetString()).find("unknown message type 9"), std::string::npos) << f[3].GetString();
    EXPECT_EQ(cs->stats().malformed_received, 1u);
}

TEST_F(PeerPair, APeerThatFloodsCallsIsToldToWaitBeyondTheBound) {
    std::vector<RawReply> held;
    bool holding = true;
    cs->on_raw("Heartbeat", [&](const rapidjson::Value&, RawReply r) {
        if (holding) {
            held.push_back(r);
        }
    });
    for (int i = 0; i < 20; ++i) {
        cp->send_raw("[2,\"f" + std::to_string(i) + "\",\"Heartbeat\",{}]");
    }
    settle();
    // One being answered, 16 queued, 3 refused.
    EXPECT_EQ(cs->stats().errors_sent, 3u);
    EXPECT_STREQ(last_frame(cs_sent)[2].GetString(), "GenericError");
    // Dropping the held reply answers it (InternalError), which starts the next queued CALL: let the queue drain
    // here, not into the vector while it is destroyed.
    holding = false;
    held.clear();
    EXPECT_EQ(cs->stats().errors_sent, 3u + 17u);
}

TEST(CallStatusNames, EveryStatusHasAName) {
    EXPECT_STREQ(to_string(CallStatus::Ok), "ok");
    EXPECT_STREQ(to_string(CallStatus::CallError), "call-error");
    EXPECT_STREQ(to_string(CallStatus::Timeout), "timeout");
    EXPECT_STREQ(to_string(CallStatus::Closed), "closed");
    EXPECT_STREQ(to_string(CallStatus::QueueFull), "queue-full");
    EXPECT_STREQ(to_string(CallStatus::InvalidRequest), "invalid-request");
    EXPECT_STREQ(to_string(CallStatus::InvalidResponse), "invalid-response");
}
