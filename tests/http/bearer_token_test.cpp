// Bearer tokens: exact match, constant-time compare, case-insensitive scheme.
#include <gtest/gtest.h>

#include "ocpp/http/bearer_token.hpp"

namespace ocpp::http {
namespace {

const std::string kToken = "0123456789abcdef";

TEST(BearerToken, MatchesOnlyTheExactToken) {
    EXPECT_TRUE(bearer_token_matches("Bearer 0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer 0123456789abcdeF", kToken)); // case matters in the token
    EXPECT_FALSE(bearer_token_matches("Bearer 0123456789abcde", kToken));  // a prefix is not enough
    EXPECT_FALSE(bearer_token_matches("Bearer 0123456789abcdef0", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer x0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer 0123456789abcdef ", kToken)); // trailing space is part of it
}

TEST(BearerToken, RefusesOtherShapes) {
    EXPECT_FALSE(bearer_token_matches("Basic 0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer ", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer    ", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("Bearer\t0123456789abcdef", kToken)); // the separator is 1*SP
    EXPECT_FALSE(bearer_token_matches("Bearers 0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches("Bear 0123456789abcdef", kToken));
    EXPECT_FALSE(bearer_token_matches(" Bearer 0123456789abcdef", kToken));
}

TEST(BearerToken, NoConfiguredTokenNeverMatches) {
    EXPECT_FALSE(bearer_token_matches("Bearer ", ""));
    EXPECT_FALSE(bearer_token_matches("Bearer x", ""));
    EXPECT_FALSE(bearer_token_matches("", ""));
}

TEST(BearerToken, TheSchemeIsCaseInsensitive) { // RFC 9110 11.1
    EXPECT_TRUE(bearer_token_matches("bearer 0123456789abcdef", kToken));
    EXPECT_TRUE(bearer_token_matches("BEARER 0123456789abcdef", kToken));
    EXPECT_TRUE(bearer_token_matches("bEaReR 0123456789abcdef", kToken));
    EXPECT_TRUE(bearer_token_matches("Bearer   0123456789abcdef", kToken)); // 1*SP
    EXPECT_FALSE(bearer_token_matches("bearer 0123456789ABCDEF", kToken));  // the token stays case-sensitive
}

TEST(BearerToken, TokenOfTheHeader) {
    EXPECT_EQ(bearer_token_of("Bearer abc"), "abc");
    EXPECT_EQ(bearer_token_of("bearer   abc def"), "abc def");
    EXPECT_EQ(bearer_token_of("Basic abc"), "");
    EXPECT_EQ(bearer_token_of("Bearer"), "");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equals("", ""));
    EXPECT_TRUE(constant_time_equals("abc", "abc"));
    EXPECT_FALSE(constant_time_equals("abc", "abd"));
    EXPECT_FALSE(constant_time_equals("abc", "ab"));
    EXPECT_FALSE(constant_time_equals("ab", "abc"));
    EXPECT_FALSE(constant_time_equals("abc", ""));
    EXPECT_FALSE(constant_time_equals("", "abc"));
    EXPECT_FALSE(constant_time_equals("abcabc", "abc")); // the wrapped comparison does not make a repeat equal
    EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), "a"));
}

} // namespace
} // namespace ocpp::http
