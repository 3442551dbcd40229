// OCPP-J framing: parsing every frame type, every way a text can fail to be a frame, serialising, ids, error codes.
#include <set>

#include <gtest/gtest.h>

#include "ocpp/rpc/frame.hpp"

namespace ocpp::rpc {
namespace {

Frame parse_ok(std::string_view text) {
    Frame f;
    FrameError e;
    EXPECT_TRUE(parse_frame(text, f, e)) << text << ": " << e.message;
    return f;
}

FrameError parse_bad(std::string_view text) {
    Frame f;
    FrameError e;
    EXPECT_FALSE(parse_frame(text, f, e)) << text;
    return e;
}

std::string str(const rapidjson::Value& v) {
    return std::string(v.GetString(), v.GetStringLength());
}

TEST(ParseFrame, Call) {
    const Frame f =
        parse_ok(R"([2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"M1"}])");
    EXPECT_EQ(f.type, MessageType::Call);
    EXPECT_EQ(f.id, "19223201");
    EXPECT_EQ(f.action, "BootNotification");
    ASSERT_NE(f.payload, nullptr);
    ASSERT_TRUE(f.payload->IsObject());
    EXPECT_EQ(str((*f.payload)["chargePointVendor"]), "VendorX");
    EXPECT_EQ(f.payload->MemberCount(), 2u);
}

TEST(ParseFrame, CallWithWhitespaceAndUnicodeEscapes) {
    const Frame f = parse_ok(" \r\n[ 2 ,\t\"\\u0061b\\u0063\" ,\n \"Data\\u0054ransfer\" , "
                             "{ \"data\" : \"caf\\u00e9 \\ud83d\\ude00\" } ]\n ");
    EXPECT_EQ(f.type, MessageType::Call);
    EXPECT_EQ(f.id, "abc");
    EXPECT_EQ(f.action, "DataTransfer");
    EXPECT_EQ(str((*f.payload)["data"]), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(ParseFrame, CallResult) {
    const Frame f = parse_ok(R"([3, "19223201", {"status": "Accepted", "interval": 300}])");
    EXPECT_EQ(f.type, MessageType::CallResult);
    EXPECT_EQ(f.id, "19223201");
    EXPECT_TRUE(f.action.empty());
    ASSERT_NE(f.payload, nullptr);
    EXPECT_EQ((*f.payload)["interval"].GetInt(), 300);
    EXPECT_EQ(parse_ok(R"([3,"x",{}])").payload->MemberCount(), 0u);
}

TEST(ParseFrame, CallError) {
    const Frame f = parse_ok(R"([4,"162376037","NotSupported","SetDisplayMessage is not supported",{"hint":1}])");
    EXPECT_EQ(f.type, MessageType::CallError);
    EXPECT_EQ(f.id, "162376037");
    EXPECT_EQ(f.error_code, "NotSupported");
    EXPECT_EQ(f.error_description, "SetDisplayMessage is not supported");
    ASSERT_NE(f.payload, nullptr);
    EXPECT_EQ((*f.payload)["hint"].GetInt(), 1);
    // A code this version does not know is kept as received.
    EXPECT_EQ(parse_ok(R"([4,"1","MessageTypeNotSupported","",{}])").error_code, "MessageTypeNotSupported");
}

TEST(ParseFrame, MovedFrameKeepsItsPayload) {
    Frame f = parse_ok(R"([2,"a","Authorize",{"idTag":"B4A63CDF"}])");
    Frame moved = std::move(f);
    ASSERT_NE(moved.payload, nullptr);
    EXPECT_EQ(str((*moved.payload)["idTag"]), "B4A63CDF");
}

// A payload far larger than the document's first block (MeterValues with many samples) is parsed whole, survives
// moving the frame, and parsing another text into the same frame replaces it.
TEST(ParseFrame, LargePayloadAndReparse) {
    std::string values;
    for (int i = 0; i < 500; ++i) {
        values += std::string(i ? "," : "") + R"({"value":")" + std::to_string(i) +
                  R"(","measurand":"Energy.Active.Import.Register"})";
    }
    const std::string text =
        R"([2,"big","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-11-25T10:00:00Z","sampledValue":[)" +
        values + "]}]}]";
    Frame f = parse_ok(text);
    Frame moved = std::move(f);
    ASSERT_NE(moved.payload, nullptr);
    const auto& samples = (*moved.payload)["meterValue"][0]["sampledValue"];
    ASSERT_EQ(samples.Size(), 500u);
    EXPECT_EQ(str(samples[0]["value"]), "0");
    EXPECT_EQ(str(samples[499]["value"]), "499");
    EXPECT_EQ(str(samples[499]["measurand"]), "Energy.Active.Import.Register");

    FrameError e;
    ASSERT_TRUE(parse_frame(R"([3,"small",{"status":"Accepted"}])", moved, e)) << e.message;
    EXPECT_EQ(moved.type, MessageType::CallResult);
    EXPECT_EQ(moved.id, "small");
    EXPECT_EQ(str((*moved.payload)["status"]), "Accepted");
}

TEST(ParseFrameError, BrokenCallJsonRecoversTheCallId) {
    const FrameError e = parse_bad(R"([2,"abc","Heartbeat",{)");
    EXPECT_EQ(e.code, ErrorCode::FormationViolation);
    EXPECT_NE(e.message.find("not valid JSON"), std::string::npos) << e.message;
    ASSERT_TRUE(e.call_id);
    EXPECT_EQ(*e.call_id, "abc");
    EXPECT_EQ(parse_bad(" [ 2 ,\n \"id-7\" , \"Heartbeat\", {\"a\": }]").call_id, std::optional<std::string>("id-7"));
}

TEST(ParseFrameError, NoCallIdWithoutARecognisableCall) {
    for (const char* text :
         {"garbage", "", "[", R"([3,"abc",{)", R"([4,"abc","GenericError",)", R"([2,abc,)", R"([2,"",)",
          R"([2,"a\"b","Heartbeat",{)", R"([2,"0123456789012345678901234567890123456","Heartbeat",{)"}) {
        const FrameError e = parse_bad(text);
        EXPECT_EQ(e.code, ErrorCode::FormationViolation) << text;
        EXPECT_FALSE(e.call_id) << text << " recovered " << e.call_id.value_or("");
    }
}

TEST(ParseFrameError, ErrorDoesNotKeepAnEarlierCallId) {
    Frame f;
    FrameError e;
    EXPECT_FALSE(parse_frame(R"([2,"abc","Heartbeat",{)", f, e));
    EXPECT_TRUE(e.call_id);
    EXPECT_FALSE(parse_frame("garbage", f, e));
    EXPECT_FALSE(e.call_id);
}

struct BadFrame {
    const char* text;
    const char* message_part; // a piece of the expected message
    const char* call_id;      // nullptr: none
};

class ParseFrameFails : public testing::TestWithParam<BadFrame> {};

TEST_P(ParseFrameFails, WithFormationViolation) {
    const auto& p = GetParam();
    const FrameError e = parse_bad(p.text);
    EXPECT_EQ(e.code, ErrorCode::FormationViolation);
    EXPECT_NE(e.message.find(p.message_part), std::string::npos) << "message: " << e.message;
    if (p.call_id) {
        EXPECT_EQ(e.call_id, std::optional<std::string>(p.call_id));
    } else {
        EXPECT_FALSE(e.call_id) << *e.call_id;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFrameFails,
    testing::Values(BadFrame{R"({"a":1})", "an object, not an OCPP-J array", nullptr},
                    BadFrame{R"("[2]")", "a string", nullptr}, BadFrame{"42", "a number", nullptr},
                    BadFrame{"null", "null", nullptr}, BadFrame{"[]", "message type 2, 3 or 4", nullptr},
                    BadFrame{R"(["2","a","Heartbeat",{}])", "message type 2, 3 or 4", nullptr},
                    // An unknown message type keeps its id, so that the sender gets a CALLERROR it can match.
                    BadFrame{R"([5,"a","Heartbeat",{}])", "unknown message type 5", "a"},
                    BadFrame{R"([1,"a",{}])", "unknown message type 1", "a"},
                    BadFrame{R"([9,"id-9","Heartbeat",{}])", "OCPP-J 1.6 knows 2 (CALL)", "id-9"},
                    BadFrame{R"([9])", "unknown message type 9", nullptr},
                    BadFrame{R"([9,7])", "unknown message type 9", nullptr},
                    BadFrame{R"([9,""])", "unknown message type 9", nullptr}, BadFrame{"[2]", "message id", nullptr},
                    BadFrame{R"([2,19223201,"Heartbeat",{}])", "message id", nullptr},
                    BadFrame{R"([2,"","Heartbeat",{}])", "1 to 36 characters", nullptr},
                    // Too long, but a CALL: the id still comes back so the sender can match the CALLERROR.
                    BadFrame{R"([2,"0123456789012345678901234567890123456","Heartbeat",{}])", "it has 37",
                             "0123456789012345678901234567890123456"},
                    BadFrame{R"([3,"0123456789012345678901234567890123456",{}])", "it has 37", nullptr},
                    BadFrame{R"([2,"a","Heartbeat"])", "this one has 3", "a"},
                    BadFrame{R"([2,"a","Heartbeat",{},{}])", "this one has 5", "a"},
                    BadFrame{R"([2,"a",7,{}])", "action", "a"}, BadFrame{R"([2,"a","",{}])", "action", "a"},
                    BadFrame{R"([2,"a","Heartbeat",[]])", "must be an object, not an array", "a"},
                    BadFrame{R"([2,"a","Heartbeat",null])", "must be an object, not null", "a"},
                    BadFrame{R"([2,"a","Heartbeat","{}"])", "must be an object, not a string", "a"},
                    BadFrame{R"([3,"a"])", "this one has 2", nullptr},
                    BadFrame{R"([3,"a",{},{}])", "this one has 4", nullptr},
                    BadFrame{R"([3,"a",[]])", "must be an object, not an array", nullptr},
                    BadFrame{R"([4,"a","GenericError",""])", "this one has 4", nullptr},
                    BadFrame{R"([4,"a","GenericError","",{},{}])", "this one has 6", nullptr},
                    BadFrame{R"([4,"a",1,"",{}])", "string code", nullptr},
                    BadFrame{R"([4,"a","GenericError",null,{}])", "string description", nullptr},
                    BadFrame{R"([4,"a","GenericError","",null])", "object of details", nullptr}));

TEST(ParseFrame, DeepNestingNeitherCrashesNorFails) {
    const std::size_t depth = 100000;
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    const Frame f = parse_ok(R"([2,"a","DataTransfer",{"x":)" + deep + "}]");
    EXPECT_TRUE((*f.payload)["x"].IsArray());
    EXPECT_FALSE(parse_bad(std::string(depth, '[')).call_id);
}

TEST(ParseFrame, TheIdOfABrokenMessageOfAnUnknownTypeIsRecoveredButNeverThatOfAnAnswer) {
    EXPECT_EQ(parse_bad(R"([9,"id-9","Heartbeat",{)").call_id, std::optional<std::string>("id-9"));
    EXPECT_EQ(parse_bad(R"( [ 17 , "x" ,)").call_id, std::optional<std::string>("x"));
    EXPECT_FALSE(parse_bad(R"([3,"a",{)").call_id);
    EXPECT_FALSE(parse_bad(R"([4,"a","GenericError",)").call_id);
    EXPECT_FALSE(parse_bad(R"([,"a",{)").call_id);
}

TEST(ParseFrame, IdOfExactly36CharactersIsAccepted) {
    const std::string id(36, 'x');
    EXPECT_EQ(parse_ok(R"([2,")" + id + R"(","Heartbeat",{}])").id, id);
    EXPECT_EQ(parse_bad(R"([2,")" + id + R"(","Heartbeat",{)").call_id, std::optional<std::string>(id));
}

TEST(SerializeFrame, CallFromADom) {
    rapidjson::Document payload;
    payload.Parse(R"({"vendorId":"a\"b\\c","data":"caf\u00e9\n"})");
    // Passed as const Value&: a Document or a non-const Value would select the writer-callback template instead.
    const rapidjson::Value& dom = payload;
    const std::string text = serialize_call("19223201", "DataTransfer", dom);
    EXPECT_EQ(text, "[2,\"19223201\",\"DataTransfer\",{\"vendorId\":\"a\\\"b\\\\c\",\"data\":\"caf\xC3\xA9\\n\"}]");
    const Frame f = parse_ok(text);
    EXPECT_EQ(f.type, MessageType::Call);
    EXPECT_EQ(f.action, "DataTransfer");
    EXPECT_EQ(str((*f.payload)["vendorId"]), "a\"b\\c");
    const rapidjson::Value empty(rapidjson::kObjectType);
    EXPECT_EQ(serialize_call("1", "Heartbeat", empty), R"([2,"1","Heartbeat",{}])");
}

TEST(SerializeFrame, ResultFromAWriterCallback) {
    const std::string text = serialize_result("19223201", [](JsonWriter& w) {
        w.StartObject();
        w.Key("currentTime");
        w.String("2013-02-01T20:53:32.486Z");
        w.EndObject();
    });
    EXPECT_EQ(text, R"([3,"19223201",{"currentTime":"2013-02-01T20:53:32.486Z"}])");
    const Frame f = parse_ok(text);
    EXPECT_EQ(f.type, MessageType::CallResult);
    EXPECT_EQ(f.id, "19223201");
    EXPECT_EQ(str((*f.payload)["currentTime"]), "2013-02-01T20:53:32.486Z");
}

TEST(SerializeFrame, Error) {
    EXPECT_EQ(serialize_error("abc", ErrorCode::OccurenceConstraintViolation, "idTag is missing"),
              R"([4,"abc","OccurenceConstraintViolation","idTag is missing",{}])");
    rapidjson::Document details;
    details.Parse(R"({"pointer":"/idTag"})");
    const std::string text = serialize_error("abc", ErrorCode::TypeConstraintViolation, "say \"hi\"", &details);
    EXPECT_EQ(text, R"([4,"abc","TypeConstraintViolation","say \"hi\"",{"pointer":"/idTag"}])");
    const Frame f = parse_ok(text);
    EXPECT_EQ(f.type, MessageType::CallError);
    EXPECT_EQ(f.error_code, "TypeConstraintViolation");
    EXPECT_EQ(f.error_description, "say \"hi\"");
    EXPECT_EQ(str((*f.payload)["pointer"]), "/idTag");
    // Details must be an object on the wire, whatever is passed.
    rapidjson::Document array;
    array.Parse("[1]");
    EXPECT_EQ(serialize_error("abc", ErrorCode::GenericError, "", &array), R"([4,"abc","GenericError","",{}])");
}

TEST(ErrorCodes, RoundTripWithTheSpecificationSpelling) {
    const std::pair<ErrorCode, const char*> all[] = {
        {ErrorCode::NotImplemented, "NotImplemented"},
        {ErrorCode::NotSupported, "NotSupported"},
        {ErrorCode::InternalError, "InternalError"},
        {ErrorCode::ProtocolError, "ProtocolError"},
        {ErrorCode::SecurityError, "SecurityError"},
        {ErrorCode::FormationViolation, "FormationViolation"},
        {ErrorCode::PropertyConstraintViolation, "PropertyConstraintViolation"},
        {ErrorCode::OccurenceConstraintViolation, "OccurenceConstraintViolation"},
        {ErrorCode::TypeConstraintViolation, "TypeConstraintViolation"},
        {ErrorCode::GenericError, "GenericError"},
    };
    for (const auto& [code, text] : all) {
        EXPECT_EQ(to_string(code), text);
        EXPECT_EQ(parse_error_code(text), code) << text;
    }
    EXPECT_FALSE(parse_error_code("genericerror"));
    EXPECT_FALSE(parse_error_code("MessageTypeNotSupported")); // OCPP 2.0.1 only
    EXPECT_FALSE(parse_error_code(""));
}

TEST(MessageIds, UniqueAndAtMost36Characters) {
    MessageIdGenerator gen;
    std::set<std::string> seen;
    for (int i = 0; i < 100000; ++i) {
        std::string id = gen.next();
        ASSERT_FALSE(id.empty());
        ASSERT_LE(id.size(), kMaxMessageIdLength) << id;
        ASSERT_TRUE(seen.insert(std::move(id)).second) << "duplicate at draw " << i;
    }
}

TEST(MessageIds, TwoGeneratorsDiffer) {
    MessageIdGenerator a, b;
    EXPECT_NE(a.next(), b.next());
}

TEST(MessageIds, FixedPrefixIsDeterministicAndParses) {
    MessageIdGenerator gen(0xabc);
    EXPECT_EQ(gen.next(), "00000iK-1");
    const std::string id = gen.next();
    EXPECT_EQ(id, "00000iK-2");
    const rapidjson::Value empty(rapidjson::kObjectType);
    EXPECT_EQ(parse_ok(serialize_call(id, "Heartbeat", empty)).id, id);
}

TEST(MessageIds, CounterDigitsAndFullPrefix) {
    MessageIdGenerator gen(0xfedcba9876543210ULL);
    for (int i = 1; i < 10; ++i) {
        gen.next();
    }
    EXPECT_EQ(gen.next(), "unaixMG-10");
    for (int i = 11; i < 1000; ++i) {
        gen.next();
    }
    EXPECT_EQ(gen.next(), "unaixMG-1000");
}

TEST(MessageIds, KeptInlineForAConnectionsFirstTenMillionCalls) {
    // std::string's inline capacity is 15 here: an id that fits costs no allocation per call.
    MessageIdGenerator gen(~0ULL);
    EXPECT_EQ(gen.next().size(), 9U);
    EXPECT_LE(std::string().capacity(), 15U);
    MessageIdGenerator late(0);
    std::string id;
    for (int i = 0; i < 9999999; ++i) {
        id = late.next();
    }
    EXPECT_EQ(id, "0000000-9999999");
    EXPECT_LE(id.size(), std::string().capacity());
}

TEST(ParseFrameError, BrokenCallStillAnswersToItsIdAndAResultDoesNot) {
    Frame f;
    FrameError e;
    ASSERT_FALSE(parse_frame(R"([2,"id-7","Heartbeat",[]])", f, e));
    ASSERT_TRUE(e.call_id);
    EXPECT_EQ(*e.call_id, "id-7");
    ASSERT_FALSE(parse_frame(R"([3,"id-8",[]])", f, e));
    EXPECT_FALSE(e.call_id) << "a broken CALLRESULT gets no CALLERROR";
    const std::string long_id(37, 'x');
    ASSERT_FALSE(parse_frame("[2,\"" + long_id + "\",\"Heartbeat\",{}]", f, e));
    ASSERT_TRUE(e.call_id);
    EXPECT_EQ(*e.call_id, long_id);
}

TEST(ParseFrame, DeepPayloadWithALongStringKeepsItsStructure) {
    std::string payload;
    for (int i = 0; i < 300; ++i) {
        payload += "{\"a\":";
    }
    payload += "\"" + std::string(5000, 'v') + "\"";
    for (int i = 0; i < 300; ++i) {
        payload += "}";
    }
    Frame f;
    FrameError e;
    ASSERT_TRUE(parse_frame("[2,\"1\",\"DataTransfer\"," + payload + "]", f, e)) << e.message;
    const rapidjson::Value* v = f.payload;
    for (int i = 0; i < 300; ++i) {
        ASSERT_TRUE(v->IsObject());
        v = &(*v)["a"];
    }
    ASSERT_TRUE(v->IsString());
    EXPECT_EQ(v->GetStringLength(), 5000u);
}

} // namespace
} // namespace ocpp::rpc
