#pragma once
// Reading a dateTime with the reason for a refusal, and the clock's range: the 64-bit nanosecond clock holds
// 1677-09-22 to 2262-04-11, and a peer may send any year from 0000 to 9999.
#include <string_view>

#include "ocpp/text/datetime.hpp"
#include "ocpp/util/result.hpp"

namespace ocpp {

// The latest time the clock holds (2262-04-11T23:47:16Z, whole seconds): a later date saturates to it.
DateTime latest_datetime();
// True for a date that was saturated, such as an expiryDate of 9999-12-31T23:59:59Z ("never expires").
bool is_latest_datetime(const DateTime& dt);

// Parses like parse_datetime(). An Invalid error says why: the text is not RFC 3339, or the date is before
// 1677-09-22 (no protocol meaning; it would wrap). A date after 2262-04-11 becomes latest_datetime(), because
// backends send 9999-12-31 for "never expires" and wrapping would make it the past.
Result<DateTime> read_datetime(std::string_view text);

} // namespace ocpp
