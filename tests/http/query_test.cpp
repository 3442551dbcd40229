// Query strings: pairs in order, '+' and percent-decoding, broken escapes kept as sent.
#include <gtest/gtest.h>

#include "ocpp/http/query.hpp"

namespace ocpp::http {
namespace {

TEST(QueryParam, FindsAndDecodes) {
    EXPECT_EQ(query_param("q=CB&provider=acme", "provider"), "acme");
    EXPECT_EQ(query_param("q=CB+1%2B2", "q"), "CB 1+2");
    EXPECT_EQ(query_param("q=%C3%A9", "q"), "\xC3\xA9");
    EXPECT_EQ(query_param("q=a=b", "q"), "a=b");
    EXPECT_EQ(query_param("q=1&q=2", "q"), "1");       // the first one
    EXPECT_EQ(query_param("l%69mit=5", "limit"), "5"); // names are decoded too
}

TEST(QueryParam, AbsentOrEmptyIsEmpty) {
    EXPECT_EQ(query_param("", "q"), "");
    EXPECT_EQ(query_param("a=1", "q"), "");
    EXPECT_EQ(query_param("q", "q"), "");
    EXPECT_EQ(query_param("q=", "q"), "");
    EXPECT_EQ(query_param("qq=1", "q"), "");
}

TEST(QueryParam, BrokenEscapesStayAsSent) {
    EXPECT_EQ(query_param("limit=%ZZ", "limit"), "%ZZ");
    EXPECT_EQ(query_param("limit=5%", "limit"), "5%");
    EXPECT_EQ(query_param("limit=%4", "limit"), "%4");
    EXPECT_EQ(query_param("q=a+%G1", "q"), "a %G1");
}

TEST(ParseQuery, ListsPairsInOrder) {
    const auto params = parse_query("a=1&&b&c=%ZZ&=x&");
    ASSERT_EQ(params.size(), 4u);
    EXPECT_EQ(params[0].name, "a");
    EXPECT_EQ(params[0].value, "1");
    EXPECT_TRUE(params[0].well_formed);
    EXPECT_EQ(params[1].name, "b");
    EXPECT_EQ(params[1].value, "");
    EXPECT_EQ(params[2].name, "c");
    EXPECT_EQ(params[2].value, "%ZZ");
    EXPECT_FALSE(params[2].well_formed);
    EXPECT_EQ(params[3].name, "");
    EXPECT_EQ(params[3].value, "x");
    EXPECT_TRUE(parse_query("").empty());
    EXPECT_TRUE(parse_query("&&").empty());
}

} // namespace
} // namespace ocpp::http
