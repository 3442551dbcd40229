// The Reservation profile: ReserveNow, CancelReservation.
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_reservation() {}

} // namespace sim
