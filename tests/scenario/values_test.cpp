// Templates (${...}, now(), counter()), JSON paths and matchers of the scenario language.
#include <gtest/gtest.h>

#include "simulator/scenario/values.hpp"

namespace {

using namespace scen;

rapidjson::Document json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    EXPECT_FALSE(d.HasParseError()) << text;
    return d;
}

Context context() {
    Context ctx;
    ctx.now_override = std::chrono::system_clock::time_point{std::chrono::seconds{1800000000}};
    ctx.set_string("id", "CP-7");
    ctx.set_int("tx", 42);
    ctx.set("boot", json(R"({"interval": 30, "status": "Accepted"})"));
    return ctx;
}

TEST(Template, WholeExpressionKeepsTheVariablesType) {
    auto ctx = context();
    rapidjson::Document d;
    ASSERT_TRUE(expand_json(R"({"transactionId": "${tx}", "interval": "${boot.interval}"})", ctx, d));
    EXPECT_EQ(to_json(d), R"({"transactionId":42,"interval":30})");
}

TEST(Template, ExpressionInsideTextBecomesText) {
    auto ctx = context();
    rapidjson::Document d;
    ASSERT_TRUE(expand_json(R"({"idTag": "TAG-${id}-${tx}"})", ctx, d));
    EXPECT_EQ(to_json(d), R"({"idTag":"TAG-CP-7-42"})");
}

TEST(Template, NowWithOffsetsAndCounters) {
    auto ctx = context();
    rapidjson::Document d;
    ASSERT_TRUE(
        expand_json(R"(["${now()}", "${now(-60)}", "${counter()}", "${counter()}", "${counter(meter)}"])", ctx, d));
    EXPECT_EQ(to_json(d), R"(["2027-01-15T08:00:00Z","2027-01-15T07:59:00Z",1,2,1])");
}

TEST(Template, UnknownVariableIsAnErrorNamingIt) {
    auto ctx = context();
    rapidjson::Document d;
    auto r = expand_json(R"({"a": "${nope}"})", ctx, d);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("${nope}: no such variable"), std::string::npos) << r.error().message;
    auto bad_now = expand_text("${now(soon)}", ctx);
    ASSERT_FALSE(bad_now);
    EXPECT_NE(bad_now.error().message.find("now(soon)"), std::string::npos);
}

TEST(Path, DotsIndexesAndRoot) {
    const auto d = json(R"({"meterValue": [{"sampledValue": [{"value": "12.5"}]}], "a": {"b": true}})");
    ASSERT_NE(find_path(d, "$.meterValue[0].sampledValue[0].value"), nullptr);
    EXPECT_STREQ(find_path(d, "meterValue[0].sampledValue[0].value")->GetString(), "12.5");
    EXPECT_TRUE(find_path(d, "a.b")->GetBool());
    EXPECT_EQ(find_path(d, "$"), &d);
    EXPECT_EQ(find_path(d, "meterValue[3]"), nullptr);
    EXPECT_EQ(find_path(d, "a.c"), nullptr);
    std::string error;
    EXPECT_EQ(find_path(d, "meterValue[x]", &error), nullptr);
    EXPECT_NE(error.find("bad index"), std::string::npos);
}

// [field=value] picks the element of a list by a field, as MeterValues need (the sampledValue of one measurand).
TEST(Path, ElementOfAListByAField) {
    const auto d = json(R"({"meterValue": [{"sampledValue": [
        {"value": "1200.5", "measurand": "Energy.Active.Import.Register"},
        {"value": "7360", "measurand": "Power.Active.Import", "unit": "W"},
        {"value": "32", "measurand": "Current.Import", "phase": "L1"},
        {"value": "31", "measurand": "Current.Import", "phase": "L2"}, 5]}], "n": [{"a": {"b": 2}}, {"a": {"b": 3}}]})");
    EXPECT_STREQ(find_path(d, "meterValue[0].sampledValue[measurand=Power.Active.Import].value")->GetString(), "7360");
    EXPECT_STREQ(find_path(d, "meterValue[0].sampledValue[phase=L2].value")->GetString(), "31");
    EXPECT_STREQ(find_path(d, "meterValue[0].sampledValue[measurand=Current.Import].phase")->GetString(), "L1");
    EXPECT_EQ(find_path(d, "n[a.b=3].a.b")->GetInt(), 3); // a dotted field, a number as its text
    EXPECT_EQ(find_path(d, "meterValue[0].sampledValue[measurand=SoC]"), nullptr);
    EXPECT_EQ(find_path(d, "meterValue[measurand=SoC]"), nullptr);
    EXPECT_EQ(find_path(d, "n[0].a[b=2]"), nullptr); // not a list
    std::string error;
    EXPECT_EQ(find_path(d, "n[=2]", &error), nullptr);
    EXPECT_NE(error.find("[field=value]"), std::string::npos) << error;
    Matcher m;
    m.kind = Matcher::Kind::Range;
    m.path = "meterValue[0].sampledValue[measurand=Power.Active.Import].value";
    m.max = 7400;
    Context ctx;
    EXPECT_FALSE(check(m, d, ctx));
    m.max = 7000;
    EXPECT_TRUE(check(m, d, ctx));
}

Matcher matcher(Matcher::Kind kind, const std::string& path) {
    Matcher m;
    m.kind = kind;
    m.path = path;
    return m;
}

TEST(Matchers, EqualsRegexRangeExistsAbsent) {
    auto ctx = context();
    const auto d = json(R"({"status": "Accepted", "interval": 30, "value": "12.5", "transactionId": 42})");
    auto eq = matcher(Matcher::Kind::Equals, "status");
    eq.json = R"("Accepted")";
    EXPECT_EQ(check(eq, d, ctx), std::nullopt);
    eq.json = R"("Rejected")";
    EXPECT_EQ(check(eq, d, ctx), std::optional<std::string>("got \"Accepted\""));
    auto tx = matcher(Matcher::Kind::Equals, "transactionId");
    tx.json = R"("${tx}")";
    EXPECT_EQ(check(tx, d, ctx), std::nullopt);

    auto re = matcher(Matcher::Kind::Regex, "status");
    re.regex = "^(Accepted|Pending)$";
    EXPECT_EQ(check(re, d, ctx), std::nullopt);
    re.regex = "^Pending$";
    EXPECT_TRUE(check(re, d, ctx));
    re.regex = "([";
    EXPECT_NE(check(re, d, ctx)->find("does not compile"), std::string::npos);

    auto range = matcher(Matcher::Kind::Range, "interval");
    range.min = 1;
    range.max = 60;
    EXPECT_EQ(check(range, d, ctx), std::nullopt);
    range.max = 10;
    EXPECT_EQ(check(range, d, ctx), std::optional<std::string>("got 30"));
    auto numeric_text = matcher(Matcher::Kind::Range, "value");
    numeric_text.min = 12;
    EXPECT_EQ(check(numeric_text, d, ctx), std::nullopt);
    auto not_number = matcher(Matcher::Kind::Range, "status");
    EXPECT_NE(check(not_number, d, ctx)->find("not a number"), std::string::npos);

    EXPECT_EQ(check(matcher(Matcher::Kind::Exists, "interval"), d, ctx), std::nullopt);
    EXPECT_EQ(check(matcher(Matcher::Kind::Exists, "missing"), d, ctx), std::optional<std::string>("it is missing"));
    EXPECT_EQ(check(matcher(Matcher::Kind::Absent, "missing"), d, ctx), std::nullopt);
    EXPECT_TRUE(check(matcher(Matcher::Kind::Absent, "status"), d, ctx));
}

TEST(Matchers, DescribeSaysWhatIsExpected) {
    auto range = matcher(Matcher::Kind::Range, "interval");
    range.min = 1;
    EXPECT_EQ(describe(range), "interval in [1, inf]");
    auto eq = matcher(Matcher::Kind::Equals, "");
    eq.json = "{}";
    EXPECT_EQ(describe(eq), "the payload equals {}");
}

} // namespace
