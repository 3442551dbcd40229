#pragma once
// The handlers of the whitepaper's status reports (security_status.cpp).
#include <string>

#include "centralsystem/protocol/context.hpp"

namespace cs {

// LogStatusNotification and SignedFirmwareStatusNotification: stored against their requestId, failures notified.
void add_security_status_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id);

} // namespace cs
