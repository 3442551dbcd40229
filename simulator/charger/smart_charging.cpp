// The SmartCharging profile: SetChargingProfile, ClearChargingProfile, GetCompositeSchedule.
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_smart_charging() {}

} // namespace sim
