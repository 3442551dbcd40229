#pragma once
// Reservations in the store (migration track "centralsystem-reservations"): one row per ReserveNow the central system
// sent, whose id is the reservationId it carried, with what the charger answered and how the reservation ended.
// At most one open (pending or active) reservation per charger and connector.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

struct ReservationRow {
    std::int64_t id = 0; // the reservationId sent to the charger
    std::string chargebox_id;
    int connector_id = 0; // 0: any connector of the charger
    std::string id_tag, parent_id_tag;
    std::string expiry_date;     // RFC 3339, UTC
    std::int64_t expires_at = 0; // the same, Unix seconds
    // pending (asked), active (Accepted), rejected (the charger's answer in `answer`), failed (no answer),
    // cancelled, expired, used (a session started with it)
    std::string status = "pending";
    std::string answer, created_at, ended_at;
    std::optional<std::int64_t> transaction_id;
};

// Whether a status is still open (the reservation may be honoured).
bool reservation_open(std::string_view status);

store::Migration reservations_migration();
Result<void> migrate_reservations(Connection& db);

// Why a new reservation was not stored.
enum class ReserveRefusal { None, NoSuchCharger, NoSuchIdTag, TagNotAccepted, ConnectorTaken, TooMany };
struct Reserved {
    ReserveRefusal refusal = ReserveRefusal::None;
    std::optional<ReservationRow> row; // the stored row (refusal None); the open one in the way (ConnectorTaken)
};
// Stores a pending reservation unless the charger or id tag is unknown, the tag is not Accepted at row.created_at
// (blocked, expired, invalid), the connector (or the charger, for 0) has an open one, or `max_open` reservations are
// open altogether.
Result<Reserved> create_reservation(Connection& db, ReservationRow row, std::int64_t max_open);
// Records the charger's answer (status active, rejected or failed) of an open reservation; how many rows changed
// (0: it ended meanwhile, e.g. a cancel overtook the answer).
Result<std::int64_t> set_reservation_answer(Connection& db, std::int64_t id, std::string_view status,
                                            std::string_view answer);
// Ends an open reservation (cancelled, expired), noting `answer` when not empty; false when it was not open.
Result<bool> end_reservation(Connection& db, std::int64_t id, std::string_view status, std::string_view at,
                             std::string_view answer = {});
// Ends the open reservations due at `now_unix` (expired); when the next open one is due (Unix seconds; nullopt: none
// is open).
Result<std::optional<std::int64_t>> expire_reservations(Connection& db, std::int64_t now_unix, std::string_view at);
Result<std::optional<ReservationRow>> find_reservation(Connection& db, std::int64_t id);
// Newest first, at most `limit`; empty filters match all.
Result<std::vector<ReservationRow>> list_reservations(Connection& db, std::string_view chargebox_id,
                                                      std::string_view status, std::int64_t limit);
// The open reservations of one charger (for its views).
Result<std::vector<ReservationRow>> open_reservations(Connection& db, std::string_view chargebox_id);

// What a StartTransaction's reservationId named.
enum class ReservationUse { Used, Unknown, OtherCharger, OtherConnector, NotOpen, OtherTag };
// Ends the reservation `reservation_id` as used by transaction `tx` when it is an open one of this charger on this
// connector (or on connector 0) and the session's id tag `tag` is Accepted at `now` and is the reserved one (or
// shares its parentIdTag); otherwise changes nothing and says why.
Result<ReservationUse> use_reservation(Connection& db, std::string_view chargebox_id, int connector,
                                       std::int64_t reservation_id, std::int64_t tx, std::string_view at,
                                       const std::optional<IdTag>& tag, std::string_view now);

} // namespace cs::db
