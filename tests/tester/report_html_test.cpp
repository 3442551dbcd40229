#include <gtest/gtest.h>

#include "sample_report.hpp"
#include "tester/report/html.hpp"

using namespace tester;
using tester::test::kSecret;
using tester::test::sample_report;

TEST(ReportHtml, PassedShowsTheCodeAndEveryCheck) {
    const std::string html = to_html(sample_report(true));
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
    EXPECT_NE(html.find("PASSED"), std::string::npos);
    EXPECT_NE(html.find("<div class=\"code\">7KQF-3M9X-TR</div>"), std::string::npos);
    EXPECT_NE(html.find("valid until 2026-01-08T00:00:00.000Z"), std::string::npos);
    for (const char* id :
         {"connection.tcp", "websocket.subprotocol", "ocpp.status", "ocpp.boot-payload", "charging.remote-start"}) {
        EXPECT_NE(html.find(id), std::string::npos) << id;
    }
    EXPECT_NE(html.find("class=\"badge warn\">warn<"), std::string::npos);
    EXPECT_NE(html.find("class=\"badge skipped\">skipped<"), std::string::npos);
    EXPECT_NE(html.find("SN-42"), std::string::npos);
}

TEST(ReportHtml, FailedShowsTheHintAndNoCode) {
    auto report = sample_report(false);
    report.claim_code = "7KQF-3M9X-TR"; // even if one slipped in, a failed report does not show it
    const std::string html = to_html(report);
    EXPECT_NE(html.find("FAILED"), std::string::npos);
    EXPECT_NE(html.find("class=\"check fail\""), std::string::npos);
    EXPECT_NE(html.find("How to fix:</strong> Set the vendor name ]]&gt; in the charger&#39;s OCPP settings"),
              std::string::npos);
    EXPECT_EQ(html.find("7KQF-3M9X-TR"), std::string::npos);
}

TEST(ReportHtml, SelfContainedEscapedAndWithoutPasswords) {
    const std::string html = to_html(sample_report(false));
    EXPECT_EQ(html.find(kSecret), std::string::npos);
    EXPECT_NE(html.find("<td>***</td>"), std::string::npos);
    // One <script>-free page: the hostile strings appear only escaped.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("</script"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
    // No external assets.
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("\xFF"), std::string::npos);
}

TEST(ReportHtml, InProgress) {
    auto report = sample_report(true);
    report.finished = {};
    report.checks[4].verdict = Verdict::Running;
    const std::string html = to_html(report);
    EXPECT_NE(html.find("IN PROGRESS"), std::string::npos);
    EXPECT_NE(html.find("1 not finished"), std::string::npos);
}

TEST(ReportHtml, Escape) {
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}
