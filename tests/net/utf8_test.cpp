// The UTF-8 check every transport applies to outgoing text frames.
#include <gtest/gtest.h>

#include <string>

#include "ocpp/net/detail/utf8.hpp"

namespace ocpp::net::detail {
namespace {

TEST(ValidUtf8, AcceptsWellFormedText) {
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("[2,\"1\",\"Heartbeat\",{}]"));
    EXPECT_TRUE(valid_utf8("caf\xc3\xa9"));           // U+00E9
    EXPECT_TRUE(valid_utf8("\xe2\x82\xac 12.50"));    // U+20AC
    EXPECT_TRUE(valid_utf8("\xf0\x9f\x94\x8c plug")); // U+1F50C
    EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF, the last code point
    EXPECT_TRUE(valid_utf8(std::string(40, 'a') + "\xc3\xa9" + std::string(40, 'b') + "\xc3\xa9"));
}

TEST(ValidUtf8, RefusesMalformedText) {
    EXPECT_FALSE(valid_utf8("\x80"));                            // a lone continuation byte
    EXPECT_FALSE(valid_utf8("caf\xc3"));                         // truncated
    EXPECT_FALSE(valid_utf8("\xc3(x"));                          // a lead byte without its continuation
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));                        // overlong '/'
    EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));                    // overlong '/' in three bytes
    EXPECT_FALSE(valid_utf8("\xf0\x80\x80\xaf"));                // overlong '/' in four bytes
    EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));                    // U+D800, a surrogate
    EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));                // U+110000
    EXPECT_FALSE(valid_utf8("\xff\xfe"));                        // never in UTF-8
    EXPECT_FALSE(valid_utf8(std::string(40, 'a') + "\xe2\x82")); // truncated after a long ASCII run
}

} // namespace
} // namespace ocpp::net::detail
