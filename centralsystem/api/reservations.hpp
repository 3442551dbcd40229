#pragma once
// /api/v1/reservations: reserve a connector (or a whole charger, connector 0) for an id tag until a time, list and
// read reservations, cancel one (reservations/reservations.hpp does the work with the charger).
#include <string>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/reservations.hpp"

namespace cs::api {

// POST: {"chargeBoxId", "connectorId", "idTag", "expiryDate"}; 201 with the active reservation.
void create_reservation(CentralSystem& cs, const HttpRequest& req, Respond respond);
// GET, filtered by the query parameters chargeBoxId and status, newest first (at most 500).
void list_reservations(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_reservation(CentralSystem& cs, const std::string& id, Respond respond);
// DELETE /api/v1/reservations/{reservationId}: CancelReservation, then the reservation is cancelled.
void cancel_reservation(CentralSystem& cs, const std::string& id, Respond respond);
// A reservation as the API shows it.
void write_reservation(Writer& w, const db::ReservationRow& r);

} // namespace cs::api
