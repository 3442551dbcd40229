#pragma once
// Numbers as people read them in reports and status lines.
#include <string>

namespace ocpp::text {

// `v` with exactly `decimals` digits after the point: fixed(7.25) is "7.3", fixed(2, 2) is "2.00".
std::string fixed(double v, int decimals = 1);

} // namespace ocpp::text
