// Log lines stay one line of printable text whatever a peer sends (hostile input: log forging).
#include "ocpp/log/log_text.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"

namespace {

TEST(HostileLogText, EscapesLineBreaksAndControls) {
    EXPECT_EQ(ocpp::escape_log_text("CB-A\nfake log line", 1024), "CB-A\\nfake log line");
    EXPECT_EQ(ocpp::escape_log_text("a\rb\tc", 1024), "a\\rb\\tc");
    EXPECT_EQ(ocpp::escape_log_text(std::string("nul\0bell\x07"
                                                "esc\x1b[31m del\x7f",
                                                22),
                                    1024),
              "nul\\x00bell\\x07esc\\x1b[31m del\\x7f");
}

TEST(HostileLogText, KeepsUtf8TextButEscapesUnsafeCodePoints) {
    EXPECT_EQ(ocpp::escape_log_text("Ladesäule 東京", 1024), "Ladesäule 東京");
    // C1 controls (U+0085 is "next line"), line and paragraph separators, bidirectional overrides.
    EXPECT_EQ(ocpp::escape_log_text("a\xc2\x85"
                                    "b\xe2\x80\xa8"
                                    "c\xe2\x80\xae"
                                    "d",
                                    1024),
              "a\\u0085b\\u2028c\\u202ed");
}

TEST(HostileLogText, EscapesBytesThatAreNotUtf8) {
    EXPECT_EQ(ocpp::escape_log_text("\x85", 1024), "\\x85");                   // stray continuation byte
    EXPECT_EQ(ocpp::escape_log_text("\xc0\x8a", 1024), "\\xc0\\x8a");          // overlong "\n"
    EXPECT_EQ(ocpp::escape_log_text("\xed\xa0\x80", 1024), "\\xed\\xa0\\x80"); // surrogate
    EXPECT_EQ(ocpp::escape_log_text("ab\xe2\x80", 1024), "ab\\xe2\\x80");      // cut short
}

TEST(HostileLogText, CapsTheLengthWithAMarker) {
    const std::string long_text(5000, 'x');
    const auto out = ocpp::escape_log_text(long_text, 100);
    EXPECT_EQ(out, std::string(100, 'x') + "…(4,900 bytes more)");
    // An escape is never cut in half.
    EXPECT_EQ(ocpp::escape_log_text("ab\n", 3), "ab…(1 bytes more)");
}

TEST(HostileLogText, QuotesAValue) {
    EXPECT_EQ(ocpp::log_quote("CB-A"), "\"CB-A\"");
    EXPECT_EQ(ocpp::log_quote("say \"hi\" \\o/\n"), "\"say \\\"hi\\\" \\\\o/\\n\"");
    EXPECT_EQ(ocpp::log_quote(std::string(70, 'v')), "\"" + std::string(64, 'v') + "\"…(6 bytes more)");
}

TEST(HostileLogText, GroupsThousands) {
    EXPECT_EQ(ocpp::group_thousands(0), "0");
    EXPECT_EQ(ocpp::group_thousands(999), "999");
    EXPECT_EQ(ocpp::group_thousands(18211), "18,211");
    EXPECT_EQ(ocpp::group_thousands(1234567), "1,234,567");
}

TEST(HostileLogText, EverySinkGetsOneSafeLine) {
    std::vector<std::string> lines;
    ocpp::Logger log(ocpp::LogLevel::Info, [&](ocpp::LogLevel, std::string_view c, std::string_view m) {
        lines.push_back(std::string(c) + ": " + std::string(m));
    });
    log.warn("peer CB-A\nx", "refused \"CB-A\nfake log line\"");
    log.info("api", std::string(3000, 'y'));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "peer CB-A\\nx: refused \"CB-A\\nfake log line\"");
    EXPECT_EQ(lines[1], "api: " + std::string(ocpp::kMaxLogMessageBytes, 'y') + "…(1,976 bytes more)");
    for (const auto& line : lines) {
        for (char c : line) {
            EXPECT_GE(static_cast<unsigned char>(c), 0x20);
        }
    }
}

} // namespace
