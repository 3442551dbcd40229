// SecurityEventNotification: the security events of the whitepaper's list, sent as they happen.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;

void Charger::security_event(std::string_view type, std::string tech_info) {
    if (!spec_.profiles.security) {
        return;
    }
    SecurityEventNotificationReq req;
    req.type = std::string(type);
    req.timestamp = wall_now();
    if (!tech_info.empty()) {
        req.techInfo = tech_info.substr(0, 255);
    }
    call(req);
}

} // namespace sim
