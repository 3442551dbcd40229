#include "ocpp/text/number.hpp"

#include <cstdio>

namespace ocpp::text {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace ocpp::text
