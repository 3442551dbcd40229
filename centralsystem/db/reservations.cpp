// Reservations in the store (reservations.hpp).
#include "centralsystem/db/reservations.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kReservationColumns = "id, chargebox_id, connector_id, id_tag, parent_id_tag, expiry_date, "
                                                 "expires_at, status, answer, created_at, ended_at, transaction_id";
constexpr std::string_view kOpen = "status IN ('pending', 'active')";
constexpr std::int64_t kMaxReservationId = 2147483647;

ReservationRow read_row(const store::Statement& q) {
    ReservationRow r;
    r.id = q.int64(0);
    r.chargebox_id = q.text(1);
    r.connector_id = static_cast<int>(q.int64(2));
    r.id_tag = q.text(3);
    r.parent_id_tag = q.text(4);
    r.expiry_date = q.text(5);
    r.expires_at = q.int64(6);
    r.status = q.text(7);
    r.answer = q.text(8);
    r.created_at = q.text(9);
    r.ended_at = q.text(10);
    if (!q.is_null(11)) {
        r.transaction_id = q.int64(11);
    }
    return r;
}

std::string select(std::string_view where) {
    return "SELECT " + std::string(kReservationColumns) + " FROM reservations WHERE " + std::string(where);
}

Result<std::int64_t> count(Connection& db, const std::string& sql, std::string_view arg = {}) {
    auto n = arg.empty() ? db.first([](const store::Statement& q) { return q.int64(0); }, sql)
                         : db.first([](const store::Statement& q) { return q.int64(0); }, sql, arg);
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

} // namespace

bool reservation_open(std::string_view status) {
    return status == "pending" || status == "active";
}

store::Migration reservations_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE reservations (
            id {id},
            chargebox_id TEXT NOT NULL, connector_id {int64} NOT NULL,
            id_tag TEXT NOT NULL, parent_id_tag TEXT NOT NULL DEFAULT '',
            expiry_date TEXT NOT NULL, expires_at {int64} NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', answer TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, ended_at TEXT NOT NULL DEFAULT '', transaction_id {int64});
        CREATE INDEX reservations_by_charger ON reservations(chargebox_id, status);
        CREATE INDEX reservations_by_status ON reservations(status, expires_at);
    )sql");
}

Result<void> migrate_reservations(Connection& db) {
    return db.migrate("centralsystem-reservations", {reservations_migration()});
}

Result<Reserved> create_reservation(Connection& db, ReservationRow row, std::int64_t max_open) {
    Reserved out;
    auto charger = find_charger(db, row.chargebox_id);
    if (!charger) {
        return charger.error();
    }
    if (!*charger) {
        out.refusal = ReserveRefusal::NoSuchCharger;
        return out;
    }
    auto tag = find_id_tag(db, row.id_tag);
    if (!tag) {
        return tag.error();
    }
    if (!*tag) {
        out.refusal = ReserveRefusal::NoSuchIdTag;
        return out;
    }
    if (authorization_status(*tag, row.created_at) != "Accepted") {
        out.refusal = ReserveRefusal::TagNotAccepted; // the charger would refuse the driver anyway
        return out;
    }
    row.id_tag = (*tag)->id_tag; // as registered
    row.parent_id_tag = (*tag)->parent_id_tag.value_or("");
    // One open reservation per connector; one on connector 0 holds the whole charger against another on 0.
    auto in_way = db.first(
        read_row, select(std::string(kOpen) + " AND chargebox_id = ?1 AND connector_id = ?2 ORDER BY id LIMIT 1"),
        row.chargebox_id, static_cast<std::int64_t>(row.connector_id));
    if (!in_way) {
        return in_way.error();
    }
    if (*in_way) {
        out.refusal = ReserveRefusal::ConnectorTaken;
        out.row = std::move(*in_way);
        return out;
    }
    auto open = count(db, "SELECT COUNT(*) FROM reservations WHERE " + std::string(kOpen));
    if (!open) {
        return open.error();
    }
    if (*open >= max_open) {
        out.refusal = ReserveRefusal::TooMany;
        return out;
    }
    // The id is the reservationId, an OCPP integer: refuse before a row is stored that could never be sent.
    auto last = count(db, "SELECT COALESCE(MAX(id), 0) FROM reservations");
    if (!last) {
        return last.error();
    }
    if (*last >= kMaxReservationId) {
        return ocpp::make_error("the reservation ids are used up: the next would not fit a reservationId");
    }
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO reservations(chargebox_id, connector_id, id_tag, parent_id_tag, expiry_date, "
                       "expires_at, status, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7) RETURNING id",
                       row.chargebox_id, static_cast<std::int64_t>(row.connector_id), row.id_tag, row.parent_id_tag,
                       row.expiry_date, row.expires_at, row.created_at);
    if (!id) {
        return id.error();
    }
    if (!*id || **id > kMaxReservationId) {
        // A sequence ahead of the rows: take the row back so that no open reservation stays behind.
        if (*id) {
            if (auto d = db.run("DELETE FROM reservations WHERE id = ?1", **id); !d) {
                return d.error();
            }
        }
        return ocpp::make_error("the reservation got no id that fits a reservationId");
    }
    row.id = **id;
    row.status = "pending";
    out.row = std::move(row);
    return out;
}

Result<std::int64_t> set_reservation_answer(Connection& db, std::int64_t id, std::string_view status,
                                            std::string_view answer) {
    return db.execute("UPDATE reservations SET status = ?2, answer = ?3 WHERE id = ?1 AND " + std::string(kOpen), id,
                      status, answer);
}

Result<bool> end_reservation(Connection& db, std::int64_t id, std::string_view status, std::string_view at,
                             std::string_view answer) {
    auto n =
        count(db, "SELECT COUNT(*) FROM reservations WHERE id = " + std::to_string(id) + " AND " + std::string(kOpen));
    if (!n) {
        return n.error();
    }
    if (*n == 0) {
        return false;
    }
    if (auto r = db.run("UPDATE reservations SET status = ?2, ended_at = ?3, answer = CASE WHEN ?4 = '' THEN answer "
                        "ELSE ?4 END WHERE id = ?1",
                        id, status, at, answer);
        !r) {
        return r.error();
    }
    return true;
}

Result<std::optional<std::int64_t>> expire_reservations(Connection& db, std::int64_t now_unix, std::string_view at) {
    if (auto r = db.run("UPDATE reservations SET status = 'expired', ended_at = ?2 WHERE " + std::string(kOpen) +
                            " AND expires_at <= ?1",
                        now_unix, at);
        !r) {
        return r.error();
    }
    return db.first([](const store::Statement& q) { return q.int64(0); },
                    "SELECT expires_at FROM reservations WHERE " + std::string(kOpen) + " ORDER BY expires_at LIMIT 1");
}

Result<std::optional<ReservationRow>> find_reservation(Connection& db, std::int64_t id) {
    return db.first(read_row, select("id = ?1"), id);
}

Result<std::vector<ReservationRow>> list_reservations(Connection& db, std::string_view chargebox_id,
                                                      std::string_view status, std::int64_t limit) {
    return db.all(read_row,
                  select("(?1 = '' OR chargebox_id = ?1) AND (?2 = '' OR status = ?2) ORDER BY id DESC LIMIT ?3"),
                  chargebox_id, status, limit);
}

Result<std::vector<ReservationRow>> open_reservations(Connection& db, std::string_view chargebox_id) {
    return db.all(read_row, select(std::string(kOpen) + " AND chargebox_id = ?1 ORDER BY connector_id"), chargebox_id);
}

Result<ReservationUse> use_reservation(Connection& db, std::string_view chargebox_id, int connector,
                                       std::int64_t reservation_id, std::int64_t tx, std::string_view at,
                                       const std::optional<IdTag>& tag, std::string_view now) {
    auto found = find_reservation(db, reservation_id);
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return ReservationUse::Unknown;
    }
    const ReservationRow& r = **found;
    if (r.chargebox_id != chargebox_id) {
        return ReservationUse::OtherCharger;
    }
    if (r.connector_id != 0 && r.connector_id != connector) {
        return ReservationUse::OtherConnector;
    }
    if (!reservation_open(r.status)) {
        return ReservationUse::NotOpen;
    }
    // Only the reserved driver (or one of the same parentIdTag), and only while the tag is good, ends it.
    const bool accepted = authorization_status(tag, now) == "Accepted";
    const bool same_tag = tag && tag->id_tag == r.id_tag;
    const bool same_parent = tag && tag->parent_id_tag && !tag->parent_id_tag->empty() && !r.parent_id_tag.empty() &&
                             *tag->parent_id_tag == r.parent_id_tag;
    if (!accepted || !(same_tag || same_parent)) {
        return ReservationUse::OtherTag;
    }
    if (auto u = db.run("UPDATE reservations SET status = 'used', ended_at = ?2, transaction_id = ?3 WHERE id = ?1",
                        reservation_id, at, tx);
        !u) {
        return u.error();
    }
    return ReservationUse::Used;
}

} // namespace cs::db
