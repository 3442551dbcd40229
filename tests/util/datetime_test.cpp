#include "ocpp/text/datetime.hpp"

#include <gtest/gtest.h>

#include "ocpp/text/datetime_read.hpp"

using ocpp::format_datetime;
using ocpp::parse_datetime;

TEST(DateTime, ParsesUtcAndFormatsBack) {
    auto dt = parse_datetime("2026-01-31T12:34:56Z");
    ASSERT_TRUE(dt);
    EXPECT_EQ(format_datetime(*dt), "2026-01-31T12:34:56Z");
    EXPECT_EQ(dt->unix_ms(), 1769862896000LL);
}

TEST(DateTime, KeepsMillisecondsAndTruncatesFinerFractions) {
    EXPECT_EQ(format_datetime(*parse_datetime("2026-01-31T12:34:56.5Z")), "2026-01-31T12:34:56.500Z");
    EXPECT_EQ(format_datetime(*parse_datetime("2026-01-31T12:34:56.123456789Z")), "2026-01-31T12:34:56.123Z");
}

TEST(DateTime, AppliesOffsets) {
    EXPECT_EQ(format_datetime(*parse_datetime("2026-01-01T00:30:00+01:00")), "2025-12-31T23:30:00Z");
    EXPECT_EQ(format_datetime(*parse_datetime("2025-12-31T23:30:00-05:30")), "2026-01-01T05:00:00Z");
    EXPECT_EQ(format_datetime(*parse_datetime("2024-02-29t10:00:00z")), "2024-02-29T10:00:00Z");
}

TEST(DateTime, RejectsWhatIsNotRfc3339) {
    for (const char* bad :
         {"", "2026-01-31", "2026-01-31T12:34:56", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
          "2026-01-31 12:34:56Z", "2026-01-31T24:00:00Z", "2026-01-31T12:34:56.Z", "2026-01-31T12:34:56+0100",
          "2026-01-31T12:34:56Zjunk", "26-01-31T12:34:56Z", "2026-01-31T12:60:00Z", "2026-01-31T12:00:00+24:00"}) {
        EXPECT_FALSE(parse_datetime(bad)) << bad;
    }
}

TEST(DateTime, RoundTripsAcrossCenturiesAndLeapYears) {
    for (const char* s : {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2100-03-01T00:00:00Z",
                          "1969-12-31T23:59:59.001Z", "2038-01-19T03:14:08Z"}) {
        auto dt = parse_datetime(s);
        ASSERT_TRUE(dt) << s;
        EXPECT_EQ(format_datetime(*dt), s);
    }
}

TEST(DateTime, FormatsIntoABufferLikeTheString) {
    for (const char* s : {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2199-12-31T23:59:59.999Z"}) {
        auto dt = parse_datetime(s);
        ASSERT_TRUE(dt) << s;
        char buffer[ocpp::kDateTimeMaxChars];
        const std::size_t n = ocpp::format_datetime_into(buffer, *dt);
        ASSERT_LE(n, ocpp::kDateTimeMaxChars) << s;
        EXPECT_EQ(std::string(buffer, n), s);
        EXPECT_EQ(std::string(buffer, n), format_datetime(*dt));
    }
}

TEST(DateTime, FarFutureDatesSaturateToTheLatestTimeInsteadOfWrapping) {
    // Backends send 9999-12-31 for "never expires"; the 64-bit nanosecond clock ends in 2262.
    for (const char* far : {"9999-12-31T23:59:59Z", "2262-04-11T23:47:17Z", "3000-01-01T00:00:00.5+05:00"}) {
        auto dt = ocpp::read_datetime(far);
        ASSERT_TRUE(dt) << far;
        EXPECT_TRUE(ocpp::is_latest_datetime(*dt)) << far;
        EXPECT_LT(*parse_datetime("2262-04-11T23:47:15Z"), *dt) << far;
        EXPECT_EQ(format_datetime(*dt), "2262-04-11T23:47:16Z") << far;
    }
    auto last_exact = parse_datetime("2262-04-11T23:47:15Z");
    ASSERT_TRUE(last_exact);
    EXPECT_FALSE(ocpp::is_latest_datetime(*last_exact));
    EXPECT_EQ(format_datetime(*last_exact), "2262-04-11T23:47:15Z");
    EXPECT_LT(ocpp::DateTime::now(), ocpp::latest_datetime());
}

TEST(DateTime, DatesBeforeTheClockStartsAreRefusedWithTheReason) {
    for (const char* early : {"0000-01-01T00:00:00Z", "1500-06-01T12:00:00Z", "1677-09-21T23:59:59Z"}) {
        auto dt = ocpp::read_datetime(early);
        ASSERT_FALSE(dt) << early << " became " << format_datetime(*dt);
        EXPECT_EQ(dt.error().kind, ocpp::ErrorKind::Invalid);
        EXPECT_NE(dt.error().message.find("1677-09-22"), std::string::npos) << dt.error().message;
        EXPECT_FALSE(parse_datetime(early)) << early;
    }
    EXPECT_TRUE(parse_datetime("1677-09-22T00:00:00Z"));
    auto first = parse_datetime("1678-01-01T00:00:00Z");
    ASSERT_TRUE(first);
    EXPECT_EQ(format_datetime(*first), "1678-01-01T00:00:00Z");
    auto malformed = ocpp::read_datetime("2026-01-31");
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error().kind, ocpp::ErrorKind::Invalid);
    EXPECT_NE(malformed.error().message.find("RFC 3339"), std::string::npos);
}
