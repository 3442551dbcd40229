#pragma once
// The central-system role's answers to calls from a charger that no step waits for: what a small central system
// answers (BootNotification Accepted, Heartbeat with the time, transaction ids from a counter, ...), so that a
// charger keeps working while the scenario waits for what it checks.
#include <string>

#include "ocpp/peer/outcome.hpp"
#include "simulator/scenario/values.hpp"

namespace scen {

// Answers `action` the default way (NotImplemented for an action without a default).
void answer_by_default(const std::string& action, ocpp::RawReply& reply, Context& ctx);

} // namespace scen
