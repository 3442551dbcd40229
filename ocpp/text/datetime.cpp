#include "ocpp/text/datetime.hpp"

#include "ocpp/text/datetime_read.hpp"

namespace ocpp {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse below).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
}

bool is_leap(long long y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(long long y, unsigned m) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at pos; false when any is not a digit.
bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
    if (pos + n > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + static_cast<unsigned>(c - '0');
    }
    return true;
}

char* put2(char* out, unsigned v) {
    *out++ = static_cast<char>('0' + v / 10);
    *out++ = static_cast<char>('0' + v % 10);
    return out;
}

} // namespace

DateTime latest_datetime() {
    using namespace std::chrono;
    return DateTime{system_clock::time_point{duration_cast<seconds>(system_clock::duration::max())}};
}

bool is_latest_datetime(const DateTime& dt) {
    return dt == latest_datetime();
}

std::optional<DateTime> parse_datetime(std::string_view text) {
    auto parsed = read_datetime(text);
    return parsed ? std::optional<DateTime>(*parsed) : std::nullopt;
}

Result<DateTime> read_datetime(std::string_view s) {
    const auto not_rfc3339 = [] {
        return Error{"is not an RFC 3339 date-time (e.g. 2026-01-31T12:00:00Z)", ErrorKind::Invalid};
    };
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
        !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
        !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
        return not_rfc3339();
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60) {
        return not_rfc3339();
    }
    std::size_t pos = 19;
    long long nanos = 0;
    if (s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        long long scale = 100000000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            nanos += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) {
            return not_rfc3339();
        }
    }
    if (pos >= s.size()) {
        return not_rfc3339(); // RFC 3339 requires an offset
    }
    long long offset_s = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        unsigned oh = 0, om = 0;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
            oh > 23 || om > 59) {
            return not_rfc3339();
        }
        offset_s = (oh * 3600LL + om * 60LL) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return not_rfc3339();
    }
    if (pos != s.size()) {
        return not_rfc3339();
    }
    const long long secs = days_from_civil(year, month, day) * 86400LL + hour * 3600LL + minute * 60LL + second -
                           offset_s; // a leap second (:60) folds into the next second
    using namespace std::chrono;
    // The clock counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11. Outside, the conversion would wrap.
    static_assert(duration_cast<seconds>(system_clock::duration::min()).count() < -9223286400LL,
                  "1677-09-22 must be within the clock's range");
    constexpr long long kLast = duration_cast<seconds>(system_clock::duration::max()).count();
    if (secs >= kLast) {
        return latest_datetime(); // "never": a far-future expiry or validity end
    }
    if (secs < days_from_civil(1677, 9, 22) * 86400LL) {
        return Error{"is before 1677-09-22, the earliest date-time this program can hold", ErrorKind::Invalid};
    }
    return DateTime{
        system_clock::time_point{duration_cast<system_clock::duration>(seconds{secs} + nanoseconds{nanos})}};
}

std::size_t format_datetime_into(char* buffer, const DateTime& dt) {
    using namespace std::chrono;
    const long long ms_total = duration_cast<milliseconds>(dt.time.time_since_epoch()).count();
    long long secs = ms_total / 1000;
    long long ms = ms_total % 1000;
    if (ms < 0) {
        ms += 1000;
        secs -= 1;
    }
    long long days = secs / 86400;
    long long rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    long long y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    const auto yy = static_cast<unsigned>(y);
    char* out = buffer;
    *out++ = static_cast<char>('0' + yy / 1000 % 10);
    *out++ = static_cast<char>('0' + yy / 100 % 10);
    out = put2(out, yy % 100);
    *out++ = '-';
    out = put2(out, m);
    *out++ = '-';
    out = put2(out, d);
    *out++ = 'T';
    out = put2(out, static_cast<unsigned>(rem / 3600));
    *out++ = ':';
    out = put2(out, static_cast<unsigned>(rem / 60 % 60));
    *out++ = ':';
    out = put2(out, static_cast<unsigned>(rem % 60));
    if (ms != 0) {
        *out++ = '.';
        *out++ = static_cast<char>('0' + ms / 100);
        out = put2(out, static_cast<unsigned>(ms % 100));
    }
    *out++ = 'Z';
    return static_cast<std::size_t>(out - buffer);
}

void append_datetime(std::string& out, const DateTime& dt) {
    char buffer[kDateTimeMaxChars];
    out.append(buffer, format_datetime_into(buffer, dt));
}

std::string format_datetime(const DateTime& dt) {
    std::string out;
    out.reserve(24);
    append_datetime(out, dt);
    return out;
}

} // namespace ocpp
