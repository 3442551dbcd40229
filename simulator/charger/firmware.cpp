// The FirmwareManagement profile: UpdateFirmware, GetDiagnostics.
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_firmware() {}

} // namespace sim
