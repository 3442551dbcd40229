#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "sample_report.hpp"
#include "tester/report/json.hpp"

using namespace tester;
using tester::test::kHostile;
using tester::test::kSecret;
using tester::test::sample_report;

namespace {

rapidjson::Document parse_report(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str());
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
}

} // namespace

TEST(ReportJson, WritesEveryField) {
    const auto doc = parse_report(to_json(sample_report(true)));
    EXPECT_STREQ(doc["testId"].GetString(), "t-0001");
    EXPECT_STREQ(doc["started"].GetString(), "2026-01-01T00:00:00.123Z");
    EXPECT_STREQ(doc["finished"].GetString(), "2026-01-01T00:00:45.000Z");
    EXPECT_STREQ(doc["url"].GetString(), "ws://10.0.0.5:8180/ocpp/CB-1");
    EXPECT_TRUE(doc["passed"].GetBool());
    const auto& charger = doc["charger"];
    EXPECT_STREQ(charger["chargeBoxId"].GetString(), "CB-1");
    EXPECT_STREQ(charger["vendor"].GetString(), kHostile);
    EXPECT_EQ(charger["connectors"].GetInt(), 2);
    EXPECT_EQ(charger["connectorsReported"].Size(), 3u);
    EXPECT_EQ(charger["securityProfile"].GetInt(), 1);
    ASSERT_EQ(doc["checks"].Size(), 5u);
    const auto& tcp = doc["checks"][0];
    EXPECT_STREQ(tcp["id"].GetString(), "connection.tcp");
    EXPECT_STREQ(tcp["verdict"].GetString(), "pass");
    EXPECT_STREQ(tcp["timings"][1]["name"].GetString(), "upgrade");
    EXPECT_DOUBLE_EQ(tcp["timings"][1]["ms"].GetDouble(), 12.5);
    EXPECT_STREQ(doc["checks"][1]["octt"].GetString(), "TC_088");
    EXPECT_STREQ(doc["checks"][2]["verdict"].GetString(), "warn");
    EXPECT_STREQ(doc["claim"]["code"].GetString(), "7KQF-3M9X-TR");
    EXPECT_STREQ(doc["claim"]["expiresAt"].GetString(), "2026-01-08T00:00:00.000Z");
    EXPECT_EQ(doc["frameCount"].GetInt(), 2);
    EXPECT_FALSE(doc.HasMember("frames"));
}

TEST(ReportJson, FailedReportHasNoClaimAndUnfinishedTimesAreNull) {
    auto report = sample_report(false);
    auto doc = parse_report(to_json(report));
    EXPECT_FALSE(doc["passed"].GetBool());
    EXPECT_TRUE(doc["claim"].IsNull());
    EXPECT_STREQ(doc["checks"][3]["verdict"].GetString(), "fail");
    EXPECT_EQ(doc["checks"][3]["details"].Size(), 2u);

    report.finished = {};
    doc = parse_report(to_json(report));
    EXPECT_TRUE(doc["finished"].IsNull());
}

TEST(ReportJson, NeverWritesAPasswordAndRepairsBrokenUtf8) {
    const std::string text = to_json(sample_report(true), JsonOptions{true});
    EXPECT_EQ(text.find(kSecret), std::string::npos);
    EXPECT_NE(text.find("\"AuthorizationKey\",\"value\":\"***\""), std::string::npos);
    const auto doc = parse_report(text); // validates the encoding
    EXPECT_STREQ(doc["charger"]["firmware"].GetString(), "1.2.3\xEF\xBF\xBD");
}

TEST(ReportJson, RoundTrips) {
    const Report original = sample_report(false);
    auto back = report_from_json(to_json(original, JsonOptions{true}));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->test_id, original.test_id);
    EXPECT_EQ(back->started, original.started);
    EXPECT_EQ(back->finished, original.finished);
    EXPECT_EQ(back->url, original.url);
    EXPECT_EQ(back->charger.vendor, original.charger.vendor);
    EXPECT_EQ(back->charger.connectors, original.charger.connectors);
    EXPECT_EQ(back->charger.connectors_reported, original.charger.connectors_reported);
    EXPECT_EQ(back->charger.configuration.size(), 2u);
    EXPECT_EQ(back->charger.configuration[1].second, "***");
    ASSERT_EQ(back->checks.size(), original.checks.size());
    for (std::size_t i = 0; i < original.checks.size(); ++i) {
        const Check& a = original.checks[i];
        const Check& b = back->checks[i];
        EXPECT_EQ(a.id, b.id);
        EXPECT_EQ(a.title, b.title);
        EXPECT_EQ(a.verdict, b.verdict);
        EXPECT_EQ(a.seen, b.seen);
        EXPECT_EQ(a.hint, b.hint);
        EXPECT_EQ(a.octt, b.octt);
        EXPECT_EQ(a.details, b.details);
        ASSERT_EQ(a.timings.size(), b.timings.size());
        for (std::size_t k = 0; k < a.timings.size(); ++k) {
            EXPECT_EQ(a.timings[k].name, b.timings[k].name);
            EXPECT_DOUBLE_EQ(a.timings[k].ms, b.timings[k].ms);
        }
    }
    EXPECT_FALSE(back->claim_code);
    const auto frames = back->capture.list(), original_frames = original.capture.list();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].text, original_frames[1].text);
    EXPECT_FALSE(frames[1].from_charger);
    EXPECT_EQ(frames[0].at, original_frames[0].at);
    // The same JSON again: a fixed point.
    EXPECT_EQ(to_json(*back, JsonOptions{true}), to_json(original, JsonOptions{true}));

    auto passed = report_from_json(to_json(sample_report(true)));
    ASSERT_TRUE(passed);
    EXPECT_EQ(passed->claim_code, std::optional<std::string>("7KQF-3M9X-TR"));
    EXPECT_EQ(passed->claim_expires, sample_report(true).claim_expires);
    EXPECT_TRUE(passed->passed());
}

TEST(ReportJson, ReadingNamesWhatIsWrong) {
    EXPECT_NE(report_from_json("{").error().message.find("not JSON"), std::string::npos);
    EXPECT_NE(report_from_json("[]").error().message.find("not a JSON object"), std::string::npos);
    EXPECT_NE(report_from_json(R"({"charger":{},"checks":[]})").error().message.find("testId"), std::string::npos);
    const auto bad_verdict = report_from_json(R"({"testId":"x","charger":{},"checks":[{"id":"a","verdict":"great"}]})");
    ASSERT_FALSE(bad_verdict);
    EXPECT_NE(bad_verdict.error().message.find("checks[0].verdict"), std::string::npos);
    const auto bad_time = report_from_json(R"({"testId":"x","started":"yesterday","charger":{},"checks":[]})");
    ASSERT_FALSE(bad_time);
    EXPECT_NE(bad_time.error().message.find("started"), std::string::npos);
}

TEST(ReportJson, Helpers) {
    EXPECT_EQ(sanitize_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
    EXPECT_EQ(sanitize_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
    EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    EXPECT_EQ(sanitize_utf8("\xF0\x9F\x94\x8C"), "\xF0\x9F\x94\x8C");                 // U+1F50C
    EXPECT_EQ(sanitize_utf8("a\xE2\x82"), "a\xEF\xBF\xBD\xEF\xBF\xBD");               // truncated
    EXPECT_EQ(format_time_ms(ocpp::DateTime::from_unix_ms(1767225600000)), "2026-01-01T00:00:00.000Z");
    EXPECT_EQ(format_time_ms(ocpp::DateTime::from_unix_ms(1767225600007)), "2026-01-01T00:00:00.007Z");
    EXPECT_TRUE(is_secret_key("AuthorizationKey"));
    EXPECT_TRUE(is_secret_key("BackendPassword"));
    EXPECT_FALSE(is_secret_key("HeartbeatInterval"));
    EXPECT_EQ(verdict_from_string("skipped"), Verdict::Skipped);
    EXPECT_FALSE(verdict_from_string("PASS"));
}
