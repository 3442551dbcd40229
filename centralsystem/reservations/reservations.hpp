#pragma once
// Reservations made by the central system: ReserveNow with a unique reservationId (the stored row's id) and the
// charger's answer stored, CancelReservation, and expiry: open reservations whose expiryDate has passed end by
// themselves (a sweep on the loop, woken at the earliest open expiry). A session that starts with the reservationId
// ends it as used (protocol/transactions.cpp, db::use_reservation). Everything here runs on the central system's loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "centralsystem/db/database.hpp"
#include "centralsystem/db/reservations.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/protocol/links.hpp"

namespace cs {

// Bounds: a reservation ends at most this far ahead, and at most this many are open at once.
inline constexpr std::chrono::hours kMaxReservationAhead{24};
inline constexpr std::int64_t kMaxOpenReservations = 10000;

struct ReserveRequest {
    std::string chargebox_id;
    int connector_id = 0;
    std::string id_tag;
    std::chrono::system_clock::time_point expiry;
};

// How a reserve or cancel request ended, for the API to map (api/reservations.cpp).
enum class ReserveOutcome {
    Done,            // reserved (active) or cancelled
    Refused,         // the charger answered other than Accepted (row.answer); the row stays as history
    NoSuchCharger,   // field chargeBoxId
    NotInOperation,  // the charger is planned
    Offline,         // the charger is not connected: nothing stored
    NoSuchIdTag,     // field idTag
    TagNotAccepted,  // field idTag: blocked, expired or invalid
    ConnectorTaken,  // an open reservation holds the connector (row: that one)
    TooMany,         // kMaxOpenReservations are open
    NoConnectorZero, // connector 0 asked, the charger does not declare ReserveConnectorZeroSupported
    NotFound,        // cancel: no such reservation
    NotOpen,         // cancel: it has ended already
    Failed,          // no usable answer from the charger (row.answer says why)
    StoreFailed,     // the database failed (detail)
};

struct ReserveResult {
    ReserveOutcome outcome = ReserveOutcome::Done;
    std::optional<db::ReservationRow> row;
    std::string detail; // words for Failed, StoreFailed, NoConnectorZero
};

class Reservations {
public:
    using Done = std::function<void(ReserveResult)>;
    Reservations(ocpp::Executor& loop, Database& db, ChargerLinks& links, const HandshakeGate& gate,
                 const ocpp::Logger& log)
        : loop_(loop)
        , db_(db)
        , links_(links)
        , gate_(gate)
        , log_(log) {}
    Reservations(const Reservations&) = delete;
    Reservations& operator=(const Reservations&) = delete;
    ~Reservations() { *alive_ = false; }

    // Sweeps now and arms the expiry timer for the earliest open reservation (call on the loop once it runs, and after
    // each new reservation): open reservations past their time end as expired.
    void start();
    // In a cluster other nodes make reservations too (and a node that made one may die): the sweep then looks at
    // least once a minute even when none was open at its last look.
    void keep_sweeping() { keep_sweeping_ = true; }
    // Stores a pending reservation, sends ReserveNow and stores the answer; done runs once, on the loop.
    void reserve(const ReserveRequest& req, Done done);
    // Sends CancelReservation for an open reservation and ends it as cancelled once the charger answered.
    void cancel(std::int64_t id, Done done);

private:
    void send_reserve(db::ReservationRow row, std::shared_ptr<ocpp::Peer> peer, Done done);
    void answered(db::ReservationRow row, std::string status, std::string answer, ReserveOutcome outcome, Done done);
    void sweep();
    std::string now_text() const;

    ocpp::Executor& loop_;
    Database& db_;
    ChargerLinks& links_;
    const HandshakeGate& gate_;
    const ocpp::Logger& log_;
    std::unique_ptr<ocpp::Timer> timer_;
    bool keep_sweeping_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace cs
