#pragma once
// OCPP dateTime: RFC 3339 with optional fractional seconds and any UTC offset on input; UTC with 'Z' on output.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocpp {

struct DateTime {
    std::chrono::system_clock::time_point time{};

    static DateTime now() { return DateTime{std::chrono::system_clock::now()}; }
    static DateTime from_unix_ms(long long ms) {
        return DateTime{std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}}};
    }
    long long unix_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    }
    friend bool operator==(const DateTime& a, const DateTime& b) { return a.time == b.time; }
    friend bool operator!=(const DateTime& a, const DateTime& b) { return a.time != b.time; }
    friend bool operator<(const DateTime& a, const DateTime& b) { return a.time < b.time; }
    template <class Rep, class Period>
    friend DateTime operator+(const DateTime& a, std::chrono::duration<Rep, Period> d) {
        return DateTime{a.time + std::chrono::duration_cast<std::chrono::system_clock::duration>(d)};
    }
};

// Parses "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123456+01:00", ...; nullopt when not RFC 3339 (a missing
// offset, a 13th month or a 61st second are errors). Fractions beyond nanoseconds are truncated.
std::optional<DateTime> parse_datetime(std::string_view text);
// Formats as UTC: "2026-01-31T11:00:00Z", with ".123" milliseconds when the time has a sub-second part.
std::string format_datetime(const DateTime& dt);
// Appends the formatted time to out (no allocation when out has room).
void append_datetime(std::string& out, const DateTime& dt);
// The longest text format_datetime_into() writes ("2026-01-31T11:00:00.123Z").
constexpr std::size_t kDateTimeMaxChars = 24;
// Writes the formatted time to buffer (room for kDateTimeMaxChars) and returns its length; allocates nothing.
std::size_t format_datetime_into(char* buffer, const DateTime& dt);

} // namespace ocpp
