// /api/v1/reservations (reservations.hpp): input checks, and the outcomes of reservations/ mapped to HTTP answers.
#include "centralsystem/api/reservations.hpp"

#include <chrono>

#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/reservations/reservations.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

constexpr std::int64_t kMaxListed = 500;
const char* const kStatuses[] = {"pending", "active", "rejected", "failed", "cancelled", "expired", "used"};

std::variant<ReserveRequest, Problem> parse_reservation(const rapidjson::Value& body,
                                                        std::chrono::system_clock::time_point now) {
    ObjectReader r(body, "");
    std::optional<std::string> charger, tag, expiry;
    std::optional<int> connector;
    if (!r.text("chargeBoxId", charger, true, 48) || !r.integer("connectorId", connector, true, 0, 100) ||
        !r.text("idTag", tag, true, 20) || !r.text("expiryDate", expiry, true, 40) || !r.no_unknown_members()) {
        return *r.problem();
    }
    if (auto problem = chargebox_id_problem("chargeBoxId", *charger)) {
        return Problem{422, "chargeBoxId", *problem};
    }
    if (tag->empty()) {
        return Problem{422, "idTag", "idTag must not be empty"};
    }
    auto when = ocpp::parse_datetime(*expiry);
    if (!when) {
        return Problem{422, "expiryDate", "expiryDate must be an RFC 3339 date-time, not \"" + *expiry + "\""};
    }
    if (when->time <= now) {
        return Problem{422, "expiryDate", "expiryDate must lie in the future"};
    }
    if (when->time > now + kMaxReservationAhead) {
        return Problem{422, "expiryDate", "expiryDate may lie at most 24 hours ahead"};
    }
    ReserveRequest out;
    out.chargebox_id = *charger;
    out.connector_id = *connector;
    out.id_tag = *tag;
    out.expiry = std::chrono::time_point_cast<std::chrono::seconds>(when->time);
    return out;
}

HttpResponse reservation_json(int status, const db::ReservationRow& row) {
    return json_response(status, json_object([&](Writer& w) {
                             w.Key("reservation");
                             write_reservation(w, row);
                         }));
}

// The HTTP answer for how a reserve or cancel request ended.
HttpResponse answer_of(CentralSystem& cs, const ReserveResult& r, int done_status) {
    const std::string which = r.row ? "reservation " + std::to_string(r.row->id) : std::string("the reservation");
    switch (r.outcome) {
    case ReserveOutcome::Done:
        return reservation_json(done_status, *r.row);
    case ReserveOutcome::Refused:
        return json_error(409, "the charger answered " + r.row->answer + " (" + which + " is kept as rejected)",
                          "connectorId");
    case ReserveOutcome::NoSuchCharger:
        return json_error(422, "chargeBoxId: no such charger", "chargeBoxId");
    case ReserveOutcome::NotInOperation:
        return json_error(409, "the charger is planned, not in operation: nobody charges there yet", "chargeBoxId");
    case ReserveOutcome::Offline:
        return json_error(409, "the charger is not connected; nothing was sent or changed", "chargeBoxId");
    case ReserveOutcome::NoSuchIdTag:
        return json_error(422, "idTag: no such id tag in the registry", "idTag");
    case ReserveOutcome::TagNotAccepted:
        return json_error(422, "idTag: the id tag is blocked, expired or invalid", "idTag");
    case ReserveOutcome::ConnectorTaken:
        return json_error(409, which + " holds this connector until " + r.row->expiry_date, "connectorId");
    case ReserveOutcome::TooMany:
        return json_error(409, std::to_string(kMaxOpenReservations) + " reservations are open already");
    case ReserveOutcome::NoConnectorZero:
        return json_error(422, "connectorId 0: " + r.detail, "connectorId");
    case ReserveOutcome::NotFound:
        return json_error(404, "no reservation with this id", "reservationId");
    case ReserveOutcome::NotOpen:
        return json_error(409, which + " has ended already (" + r.row->status + ")", "reservationId");
    case ReserveOutcome::Failed:
        return json_error(502, "the charger gave no usable answer: " + r.detail);
    case ReserveOutcome::StoreFailed:
        return store_failed(cs, ocpp::Error{r.detail});
    }
    return json_error(500, "unexpected outcome");
}

} // namespace

void write_reservation(Writer& w, const db::ReservationRow& r) {
    w.StartObject();
    w.Key("id");
    w.Int64(r.id);
    member(w, "chargeBoxId", r.chargebox_id);
    w.Key("connectorId");
    w.Int(r.connector_id);
    member(w, "idTag", r.id_tag);
    member_or_null(w, "parentIdTag",
                   r.parent_id_tag.empty() ? std::nullopt : std::optional<std::string>(r.parent_id_tag));
    member(w, "expiryDate", r.expiry_date);
    member(w, "status", r.status);
    w.Key("open");
    w.Bool(db::reservation_open(r.status));
    member(w, "answer", r.answer);
    member(w, "createdAt", r.created_at);
    member_or_null(w, "endedAt", r.ended_at.empty() ? std::nullopt : std::optional<std::string>(r.ended_at));
    w.Key("transactionId");
    if (r.transaction_id) {
        w.Int64(*r.transaction_id);
    } else {
        w.Null();
    }
    w.EndObject();
}

void create_reservation(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_reservation(doc, cs.loop().clock().wall_now());
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    cs.reservations().reserve(std::get<ReserveRequest>(parsed),
                              [&cs, respond](ReserveResult r) { respond(answer_of(cs, r, 201)); });
}

void list_reservations(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    const std::string charger = query_param(req.query, "chargeBoxId");
    if (!charger.empty()) {
        if (auto problem = chargebox_id_problem("chargeBoxId", charger)) {
            return respond(json_error(400, *problem, "chargeBoxId"));
        }
    }
    const std::string status = query_param(req.query, "status");
    bool known = status.empty();
    for (const char* s : kStatuses) {
        known = known || status == s;
    }
    if (!known) {
        return respond(json_error(
            400, "status takes pending, active, rejected, failed, cancelled, expired or used, not \"" + status + "\"",
            "status"));
    }
    cs.store<std::vector<db::ReservationRow>>(
        [charger, status](store::Connection& db) { return db::list_reservations(db, charger, status, kMaxListed); },
        [&cs, respond](ocpp::Result<std::vector<db::ReservationRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("reservations");
                                      w.StartArray();
                                      for (const auto& row : *r) {
                                          write_reservation(w, row);
                                      }
                                      w.EndArray();
                                  })));
        });
}

void get_reservation(CentralSystem& cs, const std::string& id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(
            json_error(400, "reservationId is a whole number from 1 on, not \"" + id + "\"", "reservationId"));
    }
    cs.store<std::optional<db::ReservationRow>>(
        [n](store::Connection& db) { return db::find_reservation(db, n); },
        [&cs, respond](ocpp::Result<std::optional<db::ReservationRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no reservation with this id", "reservationId"));
            }
            respond(reservation_json(200, **r));
        });
}

void cancel_reservation(CentralSystem& cs, const std::string& id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(
            json_error(400, "reservationId is a whole number from 1 on, not \"" + id + "\"", "reservationId"));
    }
    cs.reservations().cancel(n, [&cs, respond](ReserveResult r) { respond(answer_of(cs, r, 200)); });
}

} // namespace cs::api
