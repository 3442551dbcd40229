// Price sets and the dashboard's queries.
#include "centralsystem/store.hpp"
#include "centralsystem/store_util.hpp"

namespace cs::db {

using namespace detail;

namespace {

constexpr const char* kPriceColumns = "p.id, p.chargebox_id, p.connector_id, p.currency, p.per_kwh, p.per_session, "
                                      "p.per_minute, p.valid_from, p.valid_to, p.created_at";

PriceSet read_price(const store::Statement& q) {
    PriceSet p;
    p.id = q.int64(0);
    p.chargebox_id = q.text(1);
    p.connector_id = opt_int(q, 2);
    p.currency = q.text(3);
    p.per_kwh = q.real(4);
    p.per_session = q.real(5);
    p.per_minute = q.real(6);
    p.valid_from = q.text(7);
    p.valid_to = opt_text(q, 8);
    p.created_at = q.text(9);
    return p;
}

// Sessions: id, chargebox_id, connector_id, id_tag, meter_start, start_ts, meter_stop, stop_ts, stop_reason and
// the latest energy register reading in Wh (or NULL).
constexpr const char* kSessionSelect =
    "SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, t.meter_stop, t.stop_ts, "
    "t.stop_reason, (SELECT CASE m.unit WHEN 'kWh' THEN m.value * 1000 ELSE m.value END FROM meter_values m "
    "WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND m.phase = '' "
    "ORDER BY m.ts DESC, m.rowid DESC LIMIT 1) FROM transactions t JOIN chargers c ON c.chargebox_id = "
    "t.chargebox_id WHERE (?1 = '' OR c.provider = ?1) AND ";

template <class T, class Read> Result<std::vector<T>> collect(store::Statement& q, Read read) {
    std::vector<T> out;
    for (;;) {
        auto row = q.step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(read(q));
    }
}

Transaction read_session(const store::Statement& q) {
    Transaction t;
    t.id = q.int64(0);
    t.chargebox_id = q.text(1);
    t.connector_id = static_cast<int>(q.int64(2));
    t.id_tag = q.text(3);
    t.meter_start = q.int64(4);
    t.start_ts = q.text(5);
    if (!q.is_null(6)) {
        t.meter_stop = q.int64(6);
    }
    t.stop_ts = opt_text(q, 7);
    t.stop_reason = opt_text(q, 8);
    if (!q.is_null(9)) {
        t.meter_last = static_cast<std::int64_t>(q.real(9));
    }
    return t;
}

} // namespace

Result<Conflict> insert_price_set(Sqlite& db, PriceSet& p) {
    auto found = find_charger(db, p.chargebox_id);
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return Conflict{404, "id", "no charger with this Chargebox ID"};
    }
    if (p.connector_id) {
        bool known = false;
        for (const auto& cp : (*found)->charge_points) {
            known = known || cp.connector_id == *p.connector_id;
        }
        if (!known) {
            return Conflict{422, "connectorId",
                            "the charger has no charge point with connectorId " + std::to_string(*p.connector_id)};
        }
    }
    auto q = db.prepare("INSERT INTO price_sets(chargebox_id, connector_id, currency, per_kwh, per_session, "
                        "per_minute, valid_from, valid_to, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!q) {
        return q.error();
    }
    q->bind(1, std::string_view(p.chargebox_id));
    bind_opt_int(*q, 2, p.connector_id);
    q->bind(3, std::string_view(p.currency)).bind(4, p.per_kwh).bind(5, p.per_session).bind(6, p.per_minute);
    q->bind(7, std::string_view(p.valid_from));
    bind_opt_text(*q, 8, p.valid_to);
    q->bind(9, std::string_view(p.created_at));
    if (auto r = q->run(); !r) {
        return r.error();
    }
    p.id = db.last_insert_rowid();
    return Conflict{};
}

Result<std::vector<PriceSet>> list_price_sets(Sqlite& db, std::string_view chargebox_id) {
    auto q = db.prepare("SELECT " + std::string(kPriceColumns) +
                        " FROM price_sets p WHERE p.chargebox_id = ?1 ORDER BY p.valid_from, p.id");
    if (!q) {
        return q.error();
    }
    q->bind(1, chargebox_id);
    return collect<PriceSet>(*q, read_price);
}

Result<DashboardData> dashboard_data(Sqlite& db, std::string_view provider, std::string_view day) {
    DashboardData out;
    auto chargers = list_chargers(db, "", provider, -1);
    if (!chargers) {
        return chargers.error();
    }
    out.chargers = std::move(*chargers);
    auto open = db.prepare(std::string(kSessionSelect) + "t.stop_ts IS NULL");
    if (!open) {
        return open.error();
    }
    open->bind(1, provider);
    auto open_list = collect<Transaction>(*open, read_session);
    if (!open_list) {
        return open_list.error();
    }
    out.open = std::move(*open_list);
    // Stored times are RFC 3339 UTC, so one day is a text range: "2026-01-31" <= ts < "2026-01-31U".
    auto today = db.prepare(std::string(kSessionSelect) + "t.stop_ts >= ?2 AND t.stop_ts < ?2 || 'U'");
    if (!today) {
        return today.error();
    }
    today->bind(1, provider).bind(2, day);
    auto today_list = collect<Transaction>(*today, read_session);
    if (!today_list) {
        return today_list.error();
    }
    out.today = std::move(*today_list);
    auto prices = db.prepare("SELECT " + std::string(kPriceColumns) +
                             " FROM price_sets p JOIN chargers c ON c.chargebox_id = p.chargebox_id "
                             "WHERE ?1 = '' OR c.provider = ?1");
    if (!prices) {
        return prices.error();
    }
    prices->bind(1, provider);
    auto price_list = collect<PriceSet>(*prices, read_price);
    if (!price_list) {
        return price_list.error();
    }
    out.prices = std::move(*price_list);
    return out;
}

} // namespace cs::db
