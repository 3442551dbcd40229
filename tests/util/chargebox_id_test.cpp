#include "ocpp/text/chargebox_id.hpp"

#include <string>

#include <gtest/gtest.h>

using ocpp::check_chargebox_id;
using Kind = ocpp::ChargeboxIdProblem::Kind;

namespace {

std::string message_of(std::string_view id) {
    const auto p = check_chargebox_id(id);
    return p ? p->message : "";
}

} // namespace

TEST(ChargeboxIdRule, EveryAllowedCharacterPasses) {
    const std::string allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.";
    for (char c : allowed) {
        EXPECT_EQ(check_chargebox_id(std::string("CB") + c), std::nullopt) << c;
        EXPECT_TRUE(ocpp::chargebox_id_char(c)) << c;
    }
    EXPECT_EQ(check_chargebox_id("CB-0001_a.b*c+d|e@f=g:h"), std::nullopt);
}

TEST(ChargeboxIdRule, EveryOtherByteIsRefusedWithItsPosition) {
    const std::string allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.";
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        if (allowed.find(c) != std::string::npos) {
            continue;
        }
        const auto p = check_chargebox_id(std::string("AB") + c + "CD");
        ASSERT_TRUE(p.has_value()) << b;
        EXPECT_EQ(p->kind, Kind::Character) << b;
        EXPECT_EQ(p->position, 3u) << b;
        EXPECT_EQ(p->message.rfind("character 3 is ", 0), 0u) << p->message;
        for (char m : p->message) {
            EXPECT_TRUE(m >= 0x20 && m < 0x7F) << "unprintable in the message for byte " << b;
        }
    }
}

TEST(ChargeboxIdRule, NamesTheCharacterInPrintableForm) {
    EXPECT_NE(message_of("a/b").find("character 2 is \"/\" (the ID is the last segment of the URL path)"),
              std::string::npos);
    EXPECT_NE(message_of("\nevil").find("character 1 is U+000A (line feed)"), std::string::npos);
    EXPECT_NE(message_of("a\rb").find("U+000D (carriage return)"), std::string::npos);
    EXPECT_NE(message_of("a\tb").find("U+0009 (tab)"), std::string::npos);
    EXPECT_NE(message_of(std::string("a\0b", 3)).find("U+0000 (null)"), std::string::npos);
    EXPECT_NE(message_of("a\x7f").find("U+007F (delete)"), std::string::npos);
    EXPECT_NE(message_of("a b").find("character 2 is \" \" (a space)"), std::string::npos);
    EXPECT_NE(message_of("a%b").find("\"%\""), std::string::npos);
    EXPECT_NE(message_of("a#b").find("may hold only a-z A-Z 0-9 * - _ = : + | @ ."), std::string::npos);
}

TEST(ChargeboxIdRule, CountsUtf8AsCharacters) {
    // "é" is two bytes, one character: the next character's position counts it once.
    EXPECT_NE(message_of("CB\xC3\xA9").find("character 3 is U+00E9 (not ASCII)"), std::string::npos);
    EXPECT_NE(message_of("\xE2\x82\xAC").find("character 1 is U+20AC (not ASCII)"), std::string::npos);
    EXPECT_NE(message_of("a\xF0\x9F\x94\x8C").find("character 2 is U+1F50C (not ASCII)"), std::string::npos);
    EXPECT_NE(message_of("a\xC2\x85").find("U+0085 (a control character)"), std::string::npos);
    // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
    EXPECT_NE(message_of("a\x80").find("the byte 0x80 (not UTF-8)"), std::string::npos);
    EXPECT_NE(message_of("a\xC3").find("the byte 0xC3 (not UTF-8)"), std::string::npos);
    EXPECT_NE(message_of("a\xC0\xAF").find("the byte 0xC0 (not UTF-8)"), std::string::npos);
    EXPECT_NE(message_of("a\xED\xA0\x80").find("the byte 0xED (not UTF-8)"), std::string::npos);
    EXPECT_NE(message_of("\xFF").find("the byte 0xFF"), std::string::npos);
}

TEST(ChargeboxIdRule, LengthBoundaries) {
    EXPECT_EQ(check_chargebox_id("a"), std::nullopt);
    EXPECT_EQ(check_chargebox_id(std::string(48, 'a')), std::nullopt);
    const auto long49 = check_chargebox_id(std::string(49, 'a'));
    ASSERT_TRUE(long49.has_value());
    EXPECT_EQ(long49->kind, Kind::TooLong);
    EXPECT_EQ(long49->message.rfind("49 characters long; a Chargebox ID has at most 48", 0), 0u);
    EXPECT_EQ(check_chargebox_id(std::string(4000, 'a'))->kind, Kind::TooLong);
    const auto empty = check_chargebox_id("");
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->kind, Kind::Empty);
    EXPECT_EQ(empty->message.rfind("empty; a Chargebox ID has 1 to 48 characters", 0), 0u);
}

TEST(ChargeboxIdRule, DotSegmentsAreRefused) {
    for (const char* id : {".", ".."}) {
        const auto p = check_chargebox_id(id);
        ASSERT_TRUE(p.has_value()) << id;
        EXPECT_EQ(p->kind, Kind::DotSegment);
        EXPECT_NE(p->message.find("not a URL path segment"), std::string::npos);
    }
    EXPECT_EQ(check_chargebox_id("..."), std::nullopt);
    EXPECT_EQ(check_chargebox_id(".a"), std::nullopt);
    EXPECT_EQ(check_chargebox_id("a.."), std::nullopt);
}
