// The scenario run's HTML page escapes every name it shows, quotes of both kinds included.
#include <gtest/gtest.h>

#include "simulator/scenario/html_report.hpp"

namespace scen {
namespace {

TEST(ScenarioHtmlReport, EscapesNamesAndQuotes) {
    ChargerResult r;
    r.scenario = "it's <b>\"boot\"</b> & more";
    r.file = "a'b.yaml";
    r.charger = "CP'1";
    const std::string page = to_html_report({r});
    EXPECT_EQ(page.find("<b>\"boot\""), std::string::npos);
    EXPECT_EQ(page.find("CP'1"), std::string::npos);
    EXPECT_NE(page.find("it&#39;s &lt;b&gt;&quot;boot&quot;&lt;/b&gt; &amp; more"), std::string::npos);
    EXPECT_NE(page.find("CP&#39;1"), std::string::npos);
    EXPECT_NE(page.find("a&#39;b.yaml"), std::string::npos);
}

} // namespace
} // namespace scen
