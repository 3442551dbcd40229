// Structs, conversions and schemas agree: for every action and direction, a maximal and a minimal instance built
// from the schema are valid, decode into the generated struct, and encode back to the very same JSON.
#include <set>

#include <gtest/gtest.h>
#include <rapidjson/pointer.h>

#include "ocpp/validation/registry.hpp"
#include "tests/support/json_fixtures.hpp"
#include "tests/v16/message_table.hpp"
#include "tests/v16/schema_instances.hpp"
#include "tests/v16/schemas.hpp"

namespace ocpp::test {
namespace {

#define OCPPKIT_TEST_COUNT(Action, cp, cs) +1
constexpr int kActions = 0 OCPP_V16_FOR_EACH_ACTION(OCPPKIT_TEST_COUNT);
#undef OCPPKIT_TEST_COUNT

TEST(V16Catalogue, ThirtyNineActionsSeventyEightSchemas) {
    EXPECT_EQ(kActions, 39); // 28 of OCPP 1.6, 11 of the security whitepaper
    EXPECT_EQ(message_codecs().size(), 78u);
    EXPECT_EQ(registry().size(), 78u);
    EXPECT_EQ(v16::embedded_schemas().size(), 78u);
    EXPECT_EQ(registry().actions().size(), 39u);
}

TEST(V16Catalogue, EveryGeneratedMessageHasBothSchemas) {
    std::set<std::string> schema_names;
    for (const auto& f : v16::embedded_schemas()) {
        schema_names.emplace(f.name);
    }
    for (const auto& key : message_keys()) {
        EXPECT_TRUE(schema_names.count(key + ".json")) << key;
        EXPECT_NE(find_schema(key), nullptr) << key;
    }
}

TEST(V16Catalogue, InitiatorsFollowTheSpecification) {
#define OCPPKIT_TEST_INITIATOR(Action, cp, cs) {#Action, {cp, cs}},
    const std::map<std::string, std::pair<bool, bool>> initiators{OCPP_V16_FOR_EACH_ACTION(OCPPKIT_TEST_INITIATOR)};
#undef OCPPKIT_TEST_INITIATOR
    EXPECT_EQ(initiators.at("BootNotification"), std::make_pair(true, false));
    EXPECT_EQ(initiators.at("StopTransaction"), std::make_pair(true, false));
    EXPECT_EQ(initiators.at("RemoteStartTransaction"), std::make_pair(false, true));
    EXPECT_EQ(initiators.at("TriggerMessage"), std::make_pair(false, true));
    EXPECT_EQ(initiators.at("DataTransfer"), std::make_pair(true, true));
    for (const auto& [action, who] : initiators) {
        EXPECT_TRUE(who.first || who.second) << action << " is sent by nobody";
    }
}

class SchemaRoundTrip : public testing::TestWithParam<std::string> {
protected:
    // The instance is valid, converts, and converts back to exactly itself.
    void check(const rapidjson::Document& instance) {
        const std::string& key = GetParam();
        const auto* codec = find_codec(key);
        const auto* schema = find_schema(key);
        ASSERT_NE(codec, nullptr);
        ASSERT_NE(schema, nullptr);
        SCOPED_TRACE(to_text(instance));

        std::vector<validation::Finding> findings;
        EXPECT_TRUE(schema->validate(instance, findings));
        for (const auto& f : findings) {
            ADD_FAILURE() << "finding at '" << f.pointer << "' (" << f.rule << "): " << f.message;
        }

        const RoundTrip rt = codec->round_trip(instance);
        ASSERT_TRUE(rt.json) << "decode failed at '" << rt.error->pointer << "' (" << rt.error->rule
                             << "): " << rt.error->message;
        const rapidjson::Document back = parse_json(*rt.json);
        std::string where;
        EXPECT_TRUE(json_equal(instance, back, DateCompare::Exact, where))
            << "differs at '" << where << "'; re-encoded: " << *rt.json;
    }
};

TEST_P(SchemaRoundTrip, MaximalInstance) {
    const auto instance = build_instance(GetParam(), InstanceBuilder::Kind::Maximal);
    check(instance);
}

TEST_P(SchemaRoundTrip, MinimalInstance) {
    const auto instance = build_instance(GetParam(), InstanceBuilder::Kind::Minimal);
    check(instance);
}

TEST_P(SchemaRoundTrip, OptionalFieldsAreOmittedNotNulled) {
    // A minimal struct encodes no optional member at all: no "null", no empty string in its place.
    const auto instance = build_instance(GetParam(), InstanceBuilder::Kind::Minimal);
    const RoundTrip rt = find_codec(GetParam())->round_trip(instance);
    ASSERT_TRUE(rt.json);
    EXPECT_EQ(rt.json->find("null"), std::string::npos) << *rt.json;
    EXPECT_EQ(parse_json(*rt.json).MemberCount(), instance.MemberCount());
}

// Collects the pointer of every enum-typed value in `instance`, with the schema node that lists its values.
void enum_slots(const rapidjson::Value& schema, const rapidjson::Value& instance, const std::string& path,
                std::vector<std::pair<std::string, const rapidjson::Value*>>& out) {
    if (schema.HasMember("enum")) {
        out.emplace_back(path, &schema["enum"]);
    } else if (instance.IsObject() && schema.HasMember("properties")) {
        for (const auto& m : instance.GetObject()) {
            enum_slots(schema["properties"][m.name.GetString()], m.value, path + "/" + m.name.GetString(), out);
        }
    } else if (instance.IsArray()) {
        for (rapidjson::SizeType i = 0; i < instance.Size(); ++i) {
            enum_slots(schema["items"], instance[i], path + "/" + std::to_string(i), out);
        }
    }
}

TEST_P(SchemaRoundTrip, EveryEnumValueConvertsBothWays) {
    // The generated from_string()/to_string() must know every value the schema lists, spelled as listed.
    auto instance = build_instance(GetParam(), InstanceBuilder::Kind::Maximal);
    std::vector<std::pair<std::string, const rapidjson::Value*>> slots;
    enum_slots(schema_json(GetParam()), instance, "", slots);
    for (const auto& [pointer, values] : slots) {
        for (const auto& value : values->GetArray()) {
            rapidjson::Value copy(value, instance.GetAllocator());
            rapidjson::Pointer(pointer.c_str()).Set(instance, copy);
            const RoundTrip rt = find_codec(GetParam())->round_trip(instance);
            ASSERT_TRUE(rt.json) << pointer << " = " << value.GetString() << ": " << rt.error->message;
            std::string where;
            EXPECT_TRUE(json_equal(instance, parse_json(*rt.json), DateCompare::Exact, where))
                << pointer << " = " << value.GetString() << " differs at " << where;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(V16, SchemaRoundTrip, testing::ValuesIn(message_keys()),
                         [](const testing::TestParamInfo<std::string>& p) { return param_name(p.param); });

// The builder itself: its maximal strings really are maxLength characters and more bytes than that.
TEST(InstanceBuilder, MaximalStringsAreMaxLengthCharactersOfMultibyteText) {
    const auto instance = build_instance("BootNotification.req", InstanceBuilder::Kind::Maximal);
    const std::string_view vendor(instance["chargePointVendor"].GetString(),
                                  instance["chargePointVendor"].GetStringLength());
    EXPECT_EQ(utf8_chars(vendor), 20u);
    EXPECT_GT(vendor.size(), 20u);
    EXPECT_EQ(instance.MemberCount(), schema_json("BootNotification.req")["properties"].MemberCount());
}

TEST(InstanceBuilder, MaximalInstanceUsesBothEndsOfEnumsAndTwoArrayItems) {
    const auto instance = build_instance("MeterValues.req", InstanceBuilder::Kind::Maximal);
    const auto& sampled = instance["meterValue"][0]["sampledValue"];
    ASSERT_EQ(sampled.Size(), 2u);
    std::set<std::string> measurands{sampled[0]["measurand"].GetString(), sampled[1]["measurand"].GetString()};
    EXPECT_EQ(measurands, (std::set<std::string>{"Energy.Active.Export.Register", "RPM"}));
    EXPECT_STREQ(instance["meterValue"][1]["timestamp"].GetString(), kCanonicalDateTime);
}

} // namespace
} // namespace ocpp::test
