// Conversion of real payloads: the specification's examples, the tolerant decoder, generated enums.
#include <gtest/gtest.h>
#include <rapidjson/pointer.h>

#include "ocpp/validation/registry.hpp"
#include "tests/support/json_fixtures.hpp"
#include "tests/v16/message_table.hpp"
#include "tests/v16/schema_instances.hpp"
#include "tests/v16/schemas.hpp"

namespace ocpp::test {
namespace {

using v16::DecodeError;

const rapidjson::Document& spec_examples() {
    static const rapidjson::Document doc = read_json_fixture("tests/fixtures/v16/spec_examples.json");
    return doc;
}

// Decodes a payload given as text with the codec of `key`.
RoundTrip decode(const std::string& key, std::string_view payload) {
    const auto* codec = find_codec(key);
    if (codec == nullptr) {
        throw std::runtime_error("no codec for " + key);
    }
    return codec->round_trip(parse_json(payload));
}

TEST(SpecExamples, CoverEveryActionAndDirection) {
    for (const auto& key : message_keys()) {
        ASSERT_TRUE(spec_examples().HasMember(key.c_str())) << key;
        EXPECT_GE(spec_examples()[key.c_str()].Size(), 1u) << key;
    }
    EXPECT_EQ(spec_examples().MemberCount(), message_keys().size());
}

TEST(SpecExamples, ValidateDecodeAndReEncodeToTheSameValue) {
    int checked = 0;
    for (const auto& m : spec_examples().GetObject()) {
        const std::string key = m.name.GetString();
        const auto* codec = find_codec(key);
        ASSERT_NE(codec, nullptr) << key;
        for (const auto& payload : m.value.GetArray()) {
            SCOPED_TRACE(key + " " + to_text(payload));
            std::vector<validation::Finding> findings;
            EXPECT_TRUE(schema_for(key).validate(payload, findings));
            for (const auto& f : findings) {
                ADD_FAILURE() << "finding at '" << f.pointer << "' (" << f.rule << "): " << f.message;
            }
            const RoundTrip rt = codec->round_trip(payload);
            ASSERT_TRUE(rt.json) << "decode failed at '" << rt.error->pointer << "': " << rt.error->message;
            std::string where;
            // Date-times come back normalised to UTC 'Z', so they are compared as instants.
            EXPECT_TRUE(json_equal(payload, parse_json(*rt.json), DateCompare::TimePoint, where))
                << "differs at '" << where << "'; re-encoded: " << *rt.json;
            ++checked;
        }
    }
    EXPECT_GE(checked, 78);
}

TEST(SpecExamples, OffsetDateTimesAreReEncodedAsUtc) {
    const RoundTrip rt = decode("StopTransaction.req", R"({"meterStop": 1254000, "transactionId": 12345,
        "timestamp": "2013-02-01T22:15:00+01:00"})");
    ASSERT_TRUE(rt.json);
    EXPECT_NE(rt.json->find(R"("timestamp":"2013-02-01T21:15:00Z")"), std::string::npos) << *rt.json;
}

TEST(DateRange, NeverExpiringTagSaturatesAndAnAncientOneIsRefusedWithTheReason) {
    const RoundTrip far =
        decode("Authorize.conf", R"({"idTagInfo": {"status": "Accepted", "expiryDate": "9999-12-31T23:59:59Z"}})");
    ASSERT_TRUE(far.json) << far.error->message;
    EXPECT_NE(far.json->find(R"("expiryDate":"2262-04-11T23:47:16Z")"), std::string::npos) << *far.json;

    const RoundTrip old =
        decode("Authorize.conf", R"({"idTagInfo": {"status": "Accepted", "expiryDate": "0001-01-01T00:00:00Z"}})");
    ASSERT_FALSE(old.json) << *old.json;
    EXPECT_EQ(old.error->pointer, "/idTagInfo/expiryDate");
    EXPECT_EQ(old.error->rule, "format");
    EXPECT_NE(old.error->message.find("1677-09-22"), std::string::npos) << old.error->message;
}

TEST(TolerantConversion, UnknownMembersAndOverlongStringsStillDecode) {
    // Both break the schema, and the validator says so; the decoder keeps the data and ignores the extra member.
    const std::string vendor = "VendorX-International"; // 21 characters, CiString20
    const auto payload = parse_json(R"({"chargePointVendor": ")" + vendor +
                                    R"(", "chargePointModel": "SingleSocketCharger", "reason": "PowerUp"})");
    std::vector<validation::Finding> findings;
    EXPECT_FALSE(schema_for("BootNotification.req").validate(payload, findings));
    EXPECT_EQ(findings.size(), 2u);

    v16::BootNotificationReq req;
    v16::Decoder d;
    ASSERT_TRUE(read_value(payload, req, d)) << d.error()->message;
    EXPECT_EQ(req.chargePointVendor, vendor);
    EXPECT_EQ(req.chargePointModel, "SingleSocketCharger");
    // Members come out in the schema's property order.
    EXPECT_EQ(v16::to_json_string(req),
              R"({"chargePointModel":"SingleSocketCharger","chargePointVendor":"VendorX-International"})");
}

struct BadPayload {
    const char* key;
    const char* payload;
    const char* pointer;
    const char* rule;
};

class DecoderRefuses : public testing::TestWithParam<BadPayload> {};

TEST_P(DecoderRefuses, WithPointerAndRule) {
    const auto& p = GetParam();
    const RoundTrip rt = decode(p.key, p.payload);
    ASSERT_FALSE(rt.json) << "decoded to " << *rt.json;
    ASSERT_TRUE(rt.error);
    EXPECT_EQ(rt.error->pointer, p.pointer);
    EXPECT_EQ(rt.error->rule, p.rule);
    EXPECT_FALSE(rt.error->message.empty());
}

// The decoder points at the missing member itself (the validator points at the object that lacks it).
INSTANTIATE_TEST_SUITE_P(
    Cases, DecoderRefuses,
    testing::Values(
        BadPayload{"StartTransaction.req",
                   R"({"connectorId": "1", "idTag": "B4A63CDF", "meterStart": 0, "timestamp": "2013-02-01T21:00:00Z"})",
                   "/connectorId", "type"},
        BadPayload{"BootNotification.conf", R"({"status": "Accepted", "currentTime": "2013-02-01T20:53:32Z",
                   "interval": 300.5})",
                   "/interval", "type"},
        BadPayload{"GetConfiguration.conf", R"({"configurationKey": [{"key": "A", "readonly": true},
                   {"key": "B", "readonly": "false"}]})",
                   "/configurationKey/1/readonly", "type"},
        BadPayload{"Authorize.conf", R"({"idTagInfo": {"expiryDate": "2013-02-01T20:53:32Z"}})", "/idTagInfo/status",
                   "required"},
        BadPayload{"BootNotification.req", R"({"chargePointModel": "M"})", "/chargePointVendor", "required"},
        BadPayload{"MeterValues.req", R"({"connectorId": 1, "meterValue": [{"timestamp": "2013-02-01T21:00:00Z",
                   "sampledValue": [{"value": "1", "measurand": "Energy.Active.Import"}]}]})",
                   "/meterValue/0/sampledValue/0/measurand", "enum"},
        BadPayload{"BootNotification.conf", R"({"status": "accepted", "currentTime": "2013-02-01T20:53:32Z",
                   "interval": 300})",
                   "/status", "enum"},
        BadPayload{"StatusNotification.req", R"({"connectorId": 1, "errorCode": "NoError", "status": "Available",
                   "timestamp": "yesterday"})",
                   "/timestamp", "format"},
        // The first array item converts, the second does not: the pointer names the second only.
        BadPayload{"MeterValues.req", R"({"connectorId": 1, "meterValue": [
                   {"timestamp": "2013-02-01T21:00:00Z", "sampledValue": [{"value": "1"}]},
                   {"timestamp": "2013-02-01T25:00:00Z", "sampledValue": [{"value": "2"}]}]})",
                   "/meterValue/1/timestamp", "format"},
        BadPayload{"Authorize.req", R"([])", "", "type"},
        BadPayload{"Heartbeat.conf", R"({"currentTime": 1359751712})", "/currentTime", "type"}));

TEST(TolerantConversion, IntegersMayBeWrittenWithAZeroFraction) {
    const RoundTrip ok = decode("BootNotification.conf",
                                R"({"status": "Accepted", "currentTime": "2013-02-01T20:53:32Z", "interval": 300.0})");
    ASSERT_TRUE(ok.json);
    EXPECT_NE(ok.json->find(R"("interval":300)"), std::string::npos) << *ok.json;
}

TEST(TolerantConversion, DecoderStopsAtTheFirstProblemInFieldOrder) {
    const RoundTrip rt = decode("StartTransaction.req", R"({"connectorId": "1", "idTag": 7, "meterStart": 0,
        "timestamp": "soon"})");
    ASSERT_TRUE(rt.error);
    EXPECT_EQ(rt.error->pointer, "/connectorId");
}

TEST(TolerantConversion, EscapedKeysAreEscapedInThePointer) {
    v16::Decoder d;
    {
        v16::Decoder::Scope a(d, "a/b");
        v16::Decoder::Scope b(d, "c~d");
        v16::Decoder::Scope c(d, std::size_t{3});
        d.fail("type", "x");
    }
    ASSERT_TRUE(d.error());
    EXPECT_EQ(d.error()->pointer, "/a~1b/c~0d/3");
}

// Decoder vs the invalid fixture: what converts safely (unknown members, long strings, imprecise numbers, numbers out
// of range such as a negative connectorId) is accepted; wrong types, missing members, unknown enum values and bad
// date-times are refused at the same place.
TEST(TolerantConversion, InvalidExamplesConvertExactlyWhenItIsSafe) {
    const auto invalid = read_json_fixture("tests/fixtures/v16/invalid_examples.json");
    for (const auto& ex : invalid.GetArray()) {
        const std::string key = ex["key"].GetString();
        const std::string pointer = ex["pointer"].GetString();
        const std::string code = ex["errorCode"].GetString();
        SCOPED_TRACE(key + " " + pointer + ": " + ex["why"].GetString());
        const rapidjson::Value* node = schema_at(schema_json(key), pointer);
        const RoundTrip rt = find_codec(key)->round_trip(ex["payload"]);
        const bool is_string = ex["payload"].IsObject() && rapidjson::Pointer(pointer.c_str()).Get(ex["payload"]) &&
                               rapidjson::Pointer(pointer.c_str()).Get(ex["payload"])->IsString();
        const bool too_long_or_imprecise =
            code == "PropertyConstraintViolation" && node &&
            (node->HasMember("maxLength") || node->HasMember("multipleOf") || node->HasMember("minimum"));
        const bool bad_uri = code == "TypeConstraintViolation" && is_string && node && node->HasMember("format") &&
                             std::string((*node)["format"].GetString()) == "uri";
        if (code == "FormationViolation" || too_long_or_imprecise || bad_uri) {
            EXPECT_TRUE(rt.json) << rt.error->pointer << ": " << rt.error->message;
        } else if (code == "OccurenceConstraintViolation") {
            ASSERT_TRUE(rt.error);
            EXPECT_EQ(rt.error->rule, "required");
            EXPECT_EQ(rt.error->pointer.rfind(pointer + "/", 0), 0u) << rt.error->pointer;
        } else {
            ASSERT_TRUE(rt.error);
            EXPECT_EQ(rt.error->pointer, pointer);
            const char* expected =
                code == "TypeConstraintViolation" ? (node && node->HasMember("format") ? "format" : "type") : "enum";
            EXPECT_EQ(rt.error->rule, expected);
        }
    }
}

TEST(Enums, ToStringAndFromStringUseTheSpecificationSpelling) {
    using namespace v16;
    EXPECT_STREQ(to_string(Measurand::Energy_Active_Import_Register), "Energy.Active.Import.Register");
    EXPECT_STREQ(to_string(Phase::L1_N), "L1-N");
    EXPECT_STREQ(to_string(UnitOfMeasure::Celcius), "Celcius"); // the specification's misspelling, kept
    EXPECT_STREQ(to_string(UnitOfMeasure::Celsius), "Celsius");
    EXPECT_STREQ(to_string(ReadingContext::Sample_Periodic), "Sample.Periodic");
    EXPECT_STREQ(to_string(ChargePointStatus::SuspendedEVSE), "SuspendedEVSE");

    Measurand m{};
    ASSERT_TRUE(from_string("Energy.Active.Import.Register", m));
    EXPECT_EQ(m, Measurand::Energy_Active_Import_Register);
    Phase p{};
    ASSERT_TRUE(from_string("L3-L1", p));
    EXPECT_EQ(p, Phase::L3_L1);
    UnitOfMeasure u{};
    ASSERT_TRUE(from_string("Celcius", u));
    EXPECT_EQ(u, UnitOfMeasure::Celcius);
    ASSERT_TRUE(from_string("Celsius", u));
    EXPECT_EQ(u, UnitOfMeasure::Celsius);
}

TEST(Enums, FromStringRefusesNearMissesAndLeavesTheOutputAlone) {
    using namespace v16;
    UnitOfMeasure u = UnitOfMeasure::V;
    EXPECT_FALSE(from_string("kwh", u)); // case sensitive
    EXPECT_FALSE(from_string("", u));
    EXPECT_FALSE(from_string("kWh ", u));
    EXPECT_EQ(u, UnitOfMeasure::V);
    Measurand m{};
    EXPECT_FALSE(from_string("Energy_Active_Import_Register", m)); // the C++ name is not the wire name
    Phase p{};
    EXPECT_FALSE(from_string("L1_N", p));
}

} // namespace
} // namespace ocpp::test
