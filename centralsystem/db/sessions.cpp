// Sessions across chargers (sessions.hpp): one query joining transactions, chargers and charge points.
#include "centralsystem/db/sessions.hpp"

namespace cs::db {

Result<SessionPage> list_sessions(Connection& db, const SessionQuery& q) {
    // Times are stored as RFC 3339 UTC text from one formatter: without the 'Z' they compare in time order.
    const bool ascending = q.after_id.has_value();
    const std::string sql =
        "SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, t.meter_stop, t.stop_ts, "
        "t.stop_reason, t.blocked, "
        "CASE WHEN t.stop_ts IS NULL THEN (SELECT CASE m.unit WHEN 'kWh' THEN m.value * 1000 ELSE m.value END "
        "FROM meter_values m WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND "
        "m.phase = '' ORDER BY rtrim(m.ts, 'Z') DESC, m.rowid DESC LIMIT 1) END, "
        "coalesce(c.provider, ''), c.street, c.postal_code, c.city, c.country, c.latitude, c.longitude, "
        "p.evse_id, coalesce(p.standard, ''), coalesce(p.format, ''), coalesce(p.power_type, '') "
        "FROM transactions t LEFT JOIN chargers c ON c.chargebox_id = t.chargebox_id "
        "LEFT JOIN charge_points p ON p.chargebox_id = t.chargebox_id AND p.connector_id = t.connector_id "
        "WHERE (?1 = '' OR rtrim(t.start_ts, 'Z') >= rtrim(?1, 'Z')) AND (?2 = '' OR rtrim(t.start_ts, 'Z') < "
        "rtrim(?2, 'Z')) AND (?3 = '' OR c.provider = ?3) AND (?4 = '' OR t.chargebox_id = ?4) AND "
        "(?5 = '' OR t.id_tag = ?5) AND (?6 = '' OR (?6 = 'running') = (t.stop_ts IS NULL)) AND "
        "(?7 = 0 OR (t.stop_ts IS NOT NULL AND t.blocked = 0)) AND t.id < ?8 AND t.id > ?9 ORDER BY t.id " +
        std::string(ascending ? "ASC" : "DESC") + " LIMIT ?10";
    auto rows = db.all(
        [](const store::Statement& s) {
            SessionRow r;
            r.tx = read_transaction(s);
            r.tx.blocked = s.int64(9) != 0;
            if (!s.is_null(10)) {
                r.tx.meter_last = static_cast<std::int64_t>(s.real(10));
            }
            r.provider = s.text(11);
            if (!s.is_null(12)) {
                r.address = Address{s.text(12), s.text(13), s.text(14), s.text(15)};
            }
            r.latitude = s.opt_real(16);
            r.longitude = s.opt_real(17);
            r.evse_id = s.opt_text(18);
            r.standard = s.text(19);
            r.format = s.text(20);
            r.power_type = s.text(21);
            return r;
        },
        sql, q.from, q.to, q.provider, q.chargebox_id, q.id_tag, q.state, std::int64_t{q.finished_only_billable},
        q.before_id.value_or(INT64_MAX), q.after_id.value_or(0), std::int64_t{q.limit} + 1);
    if (!rows) {
        return rows.error();
    }
    SessionPage page;
    page.rows = std::move(*rows);
    if (page.rows.size() > static_cast<std::size_t>(q.limit)) {
        page.more = true;
        page.rows.pop_back();
    }
    for (const auto& r : page.rows) {
        if (page.prices.count(r.tx.chargebox_id)) {
            continue;
        }
        auto sets = list_price_sets(db, r.tx.chargebox_id);
        if (!sets) {
            return sets.error();
        }
        page.prices.emplace(r.tx.chargebox_id, std::move(*sets));
    }
    return page;
}

} // namespace cs::db
