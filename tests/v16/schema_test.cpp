// The schema validator: what it compiles, what it reports (pointer + rule), and the invalid examples fixture.
#include <set>

#include <gtest/gtest.h>

#include "ocpp/validation/registry.hpp"
#include "tests/support/json_fixtures.hpp"
#include "tests/v16/schemas.hpp"

namespace ocpp::test {
namespace {

using validation::Finding;
using validation::Registry;
using validation::Schema;

Schema compile(std::string_view text) {
    auto s = Schema::compile(text);
    if (!s) {
        throw std::runtime_error("schema does not compile: " + s.error().message);
    }
    return std::move(s).value();
}

std::vector<Finding> findings_of(const Schema& s, std::string_view payload, std::size_t limit = 64) {
    std::vector<Finding> out;
    const bool ok = s.validate(parse_json(payload), out, limit);
    EXPECT_EQ(ok, out.empty() && limit > 0) << payload;
    return out;
}

std::set<std::pair<std::string, std::string>> pointers_and_rules(const std::vector<Finding>& findings) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& f : findings) {
        out.emplace(f.pointer, f.rule);
    }
    return out;
}

TEST(SchemaCompile, RefusesUnsupportedKeywordsNamingThem) {
    for (const char* keyword : {"$ref", "oneOf", "pattern", "anyOf", "patternProperties"}) {
        const std::string text =
            std::string(R"({"type": "object", "properties": {"a": {"type": "string", ")") + keyword + R"(": "x"}}})";
        auto s = Schema::compile(text);
        ASSERT_FALSE(s) << keyword;
        EXPECT_NE(s.error().message.find(std::string("\"") + keyword + "\""), std::string::npos) << s.error().message;
        EXPECT_NE(s.error().message.find("properties/a"), std::string::npos) << s.error().message;
    }
}

TEST(SchemaCompile, RefusesMalformedSchemas) {
    EXPECT_FALSE(Schema::compile(R"({"type": "object")"));
    EXPECT_FALSE(Schema::compile(R"([])"));
    EXPECT_FALSE(Schema::compile(R"({"type": "string", "maxLength": "twenty"})"));
    EXPECT_FALSE(Schema::compile(R"({"type": "strnig"})"));
    EXPECT_FALSE(Schema::compile(R"({"type": "object", "required": "a"})"));
    EXPECT_FALSE(Schema::compile(R"({"type": "object", "additionalProperties": {"type": "string"}})"));
}

TEST(SchemaCompile, RegistryNamesTheBrokenFile) {
    const std::vector<EmbeddedFile> files{{"Good.req.json", R"({"type": "object"})"},
                                          {"Broken.conf.json", R"({"type": "object", "oneOf": []})"}};
    auto r = Registry::compile(files);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("Broken.conf.json"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("oneOf"), std::string::npos) << r.error().message;
}

TEST(SchemaRegistry, FindsByActionAndDirection) {
    EXPECT_EQ(registry().size(), 78u); // 28 actions of 1.6 and 11 of the security whitepaper, both ways
    EXPECT_TRUE(registry().knows("Heartbeat"));
    EXPECT_FALSE(registry().knows("heartbeat"));
    EXPECT_TRUE(registry().knows("SignCertificate"));        // the security whitepaper
    EXPECT_FALSE(registry().knows("Get15118EVCertificate")); // OCPP 2.0.1, not 1.6
    EXPECT_NE(registry().find("Heartbeat", validation::Direction::Response), nullptr);
    EXPECT_NE(registry().find("Heartbeat", validation::Direction::Request),
              registry().find("Heartbeat", validation::Direction::Response));
}

TEST(SchemaValidate, CollectsEveryProblemAtOnce) {
    // Too long, an unknown member, a required member missing: three findings from one call.
    const auto findings = findings_of(
        schema_for("BootNotification.req"),
        R"({"chargePointVendor": "VendorX-International", "chargePointSerialNumber": "S1", "reason": "PowerUp"})");
    EXPECT_EQ(findings.size(), 3u);
    EXPECT_EQ(pointers_and_rules(findings),
              (std::set<std::pair<std::string, std::string>>{
                  {"", "required"}, {"/chargePointVendor", "maxLength"}, {"/reason", "additionalProperties"}}));
    for (const auto& f : findings) {
        EXPECT_FALSE(f.message.empty());
    }
}

TEST(SchemaValidate, RespectsItsLimit) {
    const auto& s = schema_for("BootNotification.req");
    const std::string payload = R"({"chargePointVendor": 1, "chargePointModel": 2, "firmwareVersion": 3, "x": 4})";
    EXPECT_EQ(findings_of(s, payload).size(), 4u);
    EXPECT_EQ(findings_of(s, payload, 2).size(), 2u);
    EXPECT_EQ(findings_of(s, payload, 1).size(), 1u);

    // The limit counts what `out` already holds.
    std::vector<Finding> out{Finding{"/earlier", "type", "from an earlier call"}};
    EXPECT_FALSE(s.validate(parse_json(payload), out, 3));
    EXPECT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].pointer, "/earlier");

    // Even with no room for findings the verdict is right.
    std::vector<Finding> none;
    EXPECT_FALSE(s.validate(parse_json(payload), none, 0));
    EXPECT_TRUE(none.empty());
}

TEST(SchemaValidate, CountsUtf8CharactersForMaxLength) {
    const Schema s = compile(R"({"type": "string", "maxLength": 20})");
    std::string twenty, twenty_one;
    for (int i = 0; i < 20; ++i) {
        twenty += "\xE2\x82\xAC"; // EURO SIGN, 3 bytes
    }
    twenty_one = twenty + "\xC3\xA9";
    EXPECT_TRUE(findings_of(s, "\"" + twenty + "\"").empty());
    EXPECT_TRUE(findings_of(s, R"("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9)"
                               R"(\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9")")
                    .empty());
    const auto f = findings_of(s, "\"" + twenty_one + "\"");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule, "maxLength");
    EXPECT_NE(f[0].message.find("21"), std::string::npos) << f[0].message;
}

TEST(SchemaValidate, Numbers) {
    const Schema limit = compile(R"({"type": "number", "multipleOf": 0.1})");
    for (const char* ok : {"13.8", "10.5", "7.5", "0.3", "11000", "-0.7", "0"}) {
        EXPECT_TRUE(findings_of(limit, ok).empty()) << ok;
    }
    for (const char* bad : {"16.05", "0.15", "1e-9"}) {
        const auto f = findings_of(limit, bad);
        ASSERT_EQ(f.size(), 1u) << bad;
        EXPECT_EQ(f[0].rule, "multipleOf");
    }
    const Schema integer = compile(R"({"type": "integer"})");
    EXPECT_TRUE(findings_of(integer, "5").empty());
    EXPECT_TRUE(findings_of(integer, "5.0").empty()); // draft-04: a zero fraction is still an integer
    EXPECT_TRUE(findings_of(integer, "-9007199254740993").empty());
    EXPECT_EQ(findings_of(integer, "5.5").at(0).rule, "type");
    EXPECT_EQ(findings_of(integer, "\"5\"").at(0).rule, "type");
    EXPECT_TRUE(findings_of(compile(R"({"type": "number"})"), "5").empty());

    const Schema range = compile(R"({"type": "integer", "minimum": 0, "maximum": 10})");
    EXPECT_TRUE(findings_of(range, "0").empty());
    EXPECT_TRUE(findings_of(range, "10").empty());
    EXPECT_EQ(findings_of(range, "-1").at(0).rule, "minimum");
    EXPECT_EQ(findings_of(range, "11").at(0).rule, "maximum");
    const Schema open = compile(
        R"({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMinimum": true, "exclusiveMaximum": true})");
    EXPECT_EQ(findings_of(open, "0").at(0).rule, "minimum");
    EXPECT_EQ(findings_of(open, "1").at(0).rule, "maximum");
    EXPECT_TRUE(findings_of(open, "0.5").empty());
}

TEST(SchemaValidate, ArraysObjectsAndPointers) {
    const Schema s = compile(R"({"type": "object", "additionalProperties": false, "properties": {
        "list": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "enum": ["A", "B"]}},
        "when": {"type": "string", "format": "date-time"}}})");
    EXPECT_TRUE(findings_of(s, R"({"list": ["A", "B"], "when": "2013-02-01T22:15:00+01:00"})").empty());
    EXPECT_EQ(pointers_and_rules(findings_of(s, R"({"list": []})")),
              (std::set<std::pair<std::string, std::string>>{{"/list", "minItems"}}));
    EXPECT_EQ(pointers_and_rules(findings_of(s, R"({"list": ["A", "C", "a"]})")),
              (std::set<std::pair<std::string, std::string>>{
                  {"/list", "maxItems"}, {"/list/1", "enum"}, {"/list/2", "enum"}}));
    EXPECT_EQ(pointers_and_rules(findings_of(s, R"({"when": "2013-02-01 20:53", "a/b": 1, "c~d": 2})")),
              (std::set<std::pair<std::string, std::string>>{
                  {"/when", "format"}, {"/a~1b", "additionalProperties"}, {"/c~0d", "additionalProperties"}}));
    EXPECT_EQ(pointers_and_rules(findings_of(s, R"([])")),
              (std::set<std::pair<std::string, std::string>>{{"", "type"}}));
}

TEST(SchemaValidate, PointersDeeperThanTheInlinePath) {
    // Twelve nested objects, deeper than the path the validator keeps inline, with findings on the way down and at
    // the bottom; then a valid payload of the same depth, checked with the same schema.
    std::string schema = R"({"type": "string", "maxLength": 3})";
    std::string payload = R"("toolong")";
    std::string pointer;
    for (int i = 0; i < 12; ++i) {
        const std::string key = "k" + std::to_string(11 - i);
        schema = R"({"type": "object", "required": ["x"], "properties": {")" + key + R"(": )" + schema + "}}";
        payload = R"({")" + key + R"(": )" + payload + "}";
        pointer = "/" + key + pointer;
    }
    const Schema s = compile(schema);
    const auto found = findings_of(s, payload);
    ASSERT_EQ(found.size(), 13u);
    EXPECT_EQ(found.front().pointer, "");
    EXPECT_EQ(found.front().rule, "required");
    EXPECT_EQ(found[11].pointer, pointer.substr(0, pointer.rfind('/')));
    EXPECT_EQ(found.back().pointer, pointer);
    EXPECT_EQ(found.back().rule, "maxLength");
    std::string good = R"("ok")";
    for (int i = 0; i < 12; ++i) {
        good = R"({"x": 1, "k)" + std::to_string(11 - i) + R"(": )" + good + "}";
    }
    EXPECT_TRUE(findings_of(s, good).empty());
}

TEST(SchemaValidate, UriFormatWantsAnAbsoluteUri) {
    const Schema s = compile(R"({"type": "string", "format": "uri"})");
    for (const char* ok : {R"("https://example.com/fw.bin")", R"("ftp://user@host/dir/")", R"("urn:isbn:123")"}) {
        EXPECT_TRUE(findings_of(s, ok).empty()) << ok;
    }
    for (const char* bad : {R"("diagnostics upload folder")", R"("/relative/path")", R"("")", R"("https://a b")"}) {
        const auto f = findings_of(s, bad);
        ASSERT_EQ(f.size(), 1u) << bad;
        EXPECT_EQ(f[0].rule, "format");
    }
}

// Which schema rules may stand behind each CALLERROR code of the invalid examples fixture.
const std::map<std::string, std::set<std::string>> kRulesOfCode{
    {"OccurenceConstraintViolation", {"required", "minItems", "maxItems"}},
    {"TypeConstraintViolation", {"type", "format"}},
    {"PropertyConstraintViolation", {"enum", "maxLength", "minLength", "minimum", "maximum", "multipleOf"}},
    {"FormationViolation", {"additionalProperties"}},
};

// Missing required property: the object that lacks it; unknown property: the property itself.
TEST(InvalidExamples, EachIsReportedAtItsPointerWithAMatchingRule) {
    const auto invalid = read_json_fixture("tests/fixtures/v16/invalid_examples.json");
    ASSERT_GE(invalid.Size(), 40u);
    std::set<std::string> codes_seen;
    for (const auto& ex : invalid.GetArray()) {
        const std::string key = ex["key"].GetString();
        const std::string pointer = ex["pointer"].GetString();
        const std::string code = ex["errorCode"].GetString();
        SCOPED_TRACE(key + " '" + pointer + "' " + code + ": " + ex["why"].GetString());
        ASSERT_TRUE(kRulesOfCode.count(code));
        codes_seen.insert(code);
        std::vector<Finding> findings;
        EXPECT_FALSE(schema_for(key).validate(ex["payload"], findings));
        ASSERT_EQ(findings.size(), 1u) << "each example breaks one rule";
        EXPECT_EQ(findings[0].pointer, pointer);
        EXPECT_TRUE(kRulesOfCode.at(code).count(findings[0].rule)) << "rule " << findings[0].rule;
    }
    EXPECT_EQ(codes_seen.size(), kRulesOfCode.size());
}

} // namespace
} // namespace ocpp::test
