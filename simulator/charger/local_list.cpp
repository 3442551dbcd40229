// The LocalAuthListManagement profile: SendLocalList, GetLocalListVersion.
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_local_list() {}

} // namespace sim
