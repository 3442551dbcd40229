#pragma once
// The security events of the OCPP 1.6 security whitepaper and which of them are critical (the whitepaper's list:
// critical events are the ones a charge point must push to the central system). An unknown type is stored as sent
// and treated as not critical: the list is open, vendors add their own.
#include <string_view>

namespace cs::security {

// True for a type on the whitepaper's list.
bool is_known_event(std::string_view type);
// True for a type the whitepaper marks critical (raised as a high-severity notification).
bool is_critical_event(std::string_view type);

} // namespace cs::security
