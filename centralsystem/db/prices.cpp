// Price sets and the dashboard's queries.
#include <cstdint>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

namespace {

constexpr const char* kPriceColumns = "p.id, p.chargebox_id, p.connector_id, p.currency, p.per_kwh, p.per_session, "
                                      "p.per_minute, p.valid_from, p.valid_to, p.created_at";

PriceSet read_price(const store::Statement& q) {
    PriceSet p;
    p.id = q.int64(0);
    p.chargebox_id = q.text(1);
    p.connector_id = q.opt_int(2);
    p.currency = q.text(3);
    p.per_kwh = q.real(4);
    p.per_session = q.real(5);
    p.per_minute = q.real(6);
    p.valid_from = q.text(7);
    p.valid_to = q.opt_text(8);
    p.created_at = q.text(9);
    return p;
}

// Sessions that count (not blocked): id, chargebox_id, connector_id, id_tag, meter_start, start_ts, meter_stop,
// stop_ts, stop_reason and the latest energy register reading in Wh (or NULL).
constexpr const char* kSessionSelect =
    "SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, t.meter_stop, t.stop_ts, "
    "t.stop_reason, (SELECT CASE m.unit WHEN 'kWh' THEN m.value * 1000 ELSE m.value END FROM meter_values m "
    "WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND m.phase = '' "
    "ORDER BY rtrim(m.ts, 'Z') DESC, m.rowid DESC LIMIT 1) FROM transactions t JOIN chargers c ON c.chargebox_id = "
    "t.chargebox_id WHERE (?1 = '' OR c.provider = ?1) AND t.blocked = 0 AND ";

Transaction read_session(const store::Statement& q) {
    Transaction t = read_transaction(q);
    if (!q.is_null(9)) {
        t.meter_last = static_cast<std::int64_t>(q.real(9));
    }
    return t;
}

} // namespace

Result<Conflict> insert_price_set(Connection& db, PriceSet& p) {
    auto found = find_charger(db, p.chargebox_id);
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return Conflict{ConflictKind::NoSuchCharger, "id", "no charger with this Chargebox ID"};
    }
    if (p.connector_id) {
        bool known = false;
        for (const auto& cp : (*found)->charge_points) {
            known = known || cp.connector_id == *p.connector_id;
        }
        if (!known) {
            return Conflict{ConflictKind::NoSuchConnector, "connectorId",
                            "the charger has no charge point with connectorId " + std::to_string(*p.connector_id)};
        }
    }
    // A set that would take over sessions that have run (valid from before them) is refused: they keep their price.
    auto before = list_price_sets(db, p.chargebox_id);
    if (!before) {
        return before.error();
    }
    std::vector<PriceSet> after = *before;
    after.push_back(p);
    after.back().id = INT64_MAX; // the newest
    auto repriced = repricing_conflict(db, p.chargebox_id, *before, after);
    if (!repriced || *repriced) {
        return repriced;
    }
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO price_sets(chargebox_id, connector_id, currency, per_kwh, per_session, "
                       "per_minute, valid_from, valid_to, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                       "RETURNING id",
                       p.chargebox_id, p.connector_id, p.currency, p.per_kwh, p.per_session, p.per_minute, p.valid_from,
                       p.valid_to, p.created_at);
    if (!id) {
        return id.error();
    }
    p.id = id->value_or(0);
    return Conflict{};
}

Result<std::vector<PriceSet>> list_price_sets(Connection& db, std::string_view chargebox_id) {
    return db.all(read_price,
                  "SELECT " + std::string(kPriceColumns) +
                      " FROM price_sets p WHERE p.chargebox_id = ?1 ORDER BY p.valid_from, p.id",
                  chargebox_id);
}

Result<DashboardData> dashboard_data(Connection& db, std::string_view provider, std::string_view day) {
    DashboardData out;
    auto chargers = list_chargers(db, "", provider, -1);
    if (!chargers) {
        return chargers.error();
    }
    out.chargers = std::move(*chargers);
    auto open = db.all(read_session, std::string(kSessionSelect) + "t.stop_ts IS NULL", provider);
    if (!open) {
        return open.error();
    }
    out.open = std::move(*open);
    // Stored times are RFC 3339 UTC, so one day is a text range: "2026-01-31" <= ts < "2026-01-31U".
    auto today =
        db.all(read_session, std::string(kSessionSelect) + "t.stop_ts >= ?2 AND t.stop_ts < ?2 || 'U'", provider, day);
    if (!today) {
        return today.error();
    }
    out.today = std::move(*today);
    auto prices = db.all(read_price,
                         "SELECT " + std::string(kPriceColumns) +
                             " FROM price_sets p JOIN chargers c ON c.chargebox_id = p.chargebox_id "
                             "WHERE ?1 = '' OR c.provider = ?1",
                         provider);
    if (!prices) {
        return prices.error();
    }
    out.prices = std::move(*prices);
    return out;
}

} // namespace cs::db
