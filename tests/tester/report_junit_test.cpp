#include <regex>

#include <gtest/gtest.h>

#include "sample_report.hpp"
#include "tester/report/junit.hpp"

using namespace tester;
using tester::test::kSecret;
using tester::test::sample_report;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST(ReportJunit, OneTestcasePerCheckWithFailureAndSkipped) {
    const std::string xml = to_junit(sample_report(false));
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
    EXPECT_EQ(count(xml, "<testcase "), 5u);
    EXPECT_EQ(count(xml, "</testcase>"), 5u);
    EXPECT_EQ(count(xml, "<failure "), 1u);
    EXPECT_EQ(count(xml, "<skipped "), 1u);
    EXPECT_NE(xml.find("<testsuite name=\"ocpp-tester.CB-1\" tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"1\""),
              std::string::npos);
    EXPECT_NE(xml.find("classname=\"ocpp-tester.CB-1\" name=\"ocpp.boot-payload: BootNotification is schema-valid\""),
              std::string::npos);
    // The failure's message is the hint, escaped; the warning goes to system-out.
    EXPECT_NE(xml.find("<failure message=\"Set the vendor name ]]&gt; in the charger&apos;s OCPP settings\""),
              std::string::npos);
    EXPECT_NE(xml.find("<system-out>WARNING: Check the cable lock of connector 1"), std::string::npos);
    EXPECT_EQ(xml.find("claimCode"), std::string::npos);
}

TEST(ReportJunit, PassedReportHasNoFailureAndCarriesTheCode) {
    const std::string xml = to_junit(sample_report(true));
    EXPECT_EQ(count(xml, "<failure"), 0u);
    EXPECT_NE(xml.find("<property name=\"claimCode\" value=\"7KQF-3M9X-TR\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<property name=\"passed\" value=\"true\"/>"), std::string::npos);
}

TEST(ReportJunit, EscapesHostileTextAndNeverShowsAPassword) {
    const std::string xml = to_junit(sample_report(false));
    EXPECT_EQ(xml.find(kSecret), std::string::npos);
    EXPECT_EQ(xml.find("]]>"), std::string::npos);
    EXPECT_EQ(xml.find("<script>"), std::string::npos);
    EXPECT_EQ(xml.find("<b>"), std::string::npos);
    EXPECT_NE(xml.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot;"),
              std::string::npos);
    // Every element is balanced: a crude well-formedness check without an XML parser.
    const std::regex tag("<(/?)([A-Za-z-]+)[^>]*?(/?)>");
    std::vector<std::string> stack;
    for (std::sregex_iterator it(xml.begin(), xml.end(), tag), end; it != end; ++it) {
        const auto& m = *it;
        if (m[2] == "xml") {
            continue;
        }
        if (m[1] == "/") {
            ASSERT_FALSE(stack.empty());
            EXPECT_EQ(stack.back(), m[2].str());
            stack.pop_back();
        } else if (m[3] != "/") {
            stack.push_back(m[2]);
        }
    }
    EXPECT_TRUE(stack.empty());
}

TEST(ReportJunit, XmlEscape) {
    EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    EXPECT_EQ(xml_escape("line1\nline2", true), "line1&#10;line2");
    EXPECT_EQ(xml_escape("line1\nline2"), "line1\nline2");
    EXPECT_EQ(xml_escape(std::string("bell\x07") + "\x1b"), "bell\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xFF"), "\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xEF\xBF\xBF"), "\xEF\xBF\xBD");
}
