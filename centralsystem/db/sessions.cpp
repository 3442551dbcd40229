// Sessions across chargers (sessions.hpp): one query joining transactions, chargers and charge points.
#include "centralsystem/db/sessions.hpp"

namespace cs::db {

namespace {

// A stored time without its 'Z': every stored time comes from one formatter, so the bare column compares in time
// order against it and an index on the column applies.
std::string bound(const std::string& time) {
    return !time.empty() && time.back() == 'Z' ? time.substr(0, time.size() - 1) : time;
}

} // namespace

SessionSql session_sql(const SessionQuery& q) {
    SessionSql out;
    // Only the filters given, each a plain comparison on a column, so the plan can use an index; at most 2^7 texts.
    // The id bounds are written +t.id: a cursor must not make the planner walk the primary key past a filter's index.
    std::string where = " WHERE +t.id < ?1 AND +t.id > ?2";
    out.ints = {q.before_id.value_or(INT64_MAX), q.after_id.value_or(0)};
    auto text = [&](const char* condition, std::string value) {
        out.texts.push_back(std::move(value));
        where += std::string(" AND ") + condition + std::to_string(2 + out.texts.size());
    };
    if (!q.from.empty()) {
        text("t.start_ts >= ?", bound(q.from));
    }
    if (!q.to.empty()) {
        text("t.start_ts < ?", bound(q.to));
    }
    if (!q.provider.empty()) {
        text("c.provider = ?", q.provider);
    }
    if (!q.chargebox_id.empty()) {
        text("t.chargebox_id = ?", q.chargebox_id);
    }
    if (!q.id_tag.empty()) {
        text("t.id_tag = ?", q.id_tag);
    }
    if (q.state == "running") {
        where += " AND t.stop_ts IS NULL";
    } else if (q.state == "finished" || q.finished_only_billable) {
        // Not an index range: nearly every row is finished, so another filter's index must drive the plan.
        where += " AND coalesce(t.stop_ts, '') <> ''";
    }
    if (q.finished_only_billable) {
        where += " AND t.blocked = 0";
    }
    out.sql =
        "SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, t.meter_stop, t.stop_ts, "
        "t.stop_reason, t.blocked, "
        "CASE WHEN t.stop_ts IS NULL THEN (SELECT CASE m.unit WHEN 'kWh' THEN m.value * 1000 ELSE m.value END "
        "FROM meter_values m WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND "
        "m.phase = '' ORDER BY rtrim(m.ts, 'Z') DESC, m.rowid DESC LIMIT 1) END, "
        "coalesce(c.provider, ''), c.street, c.postal_code, c.city, c.country, c.latitude, c.longitude, "
        "p.evse_id, coalesce(p.standard, ''), coalesce(p.format, ''), coalesce(p.power_type, '') "
        "FROM transactions t LEFT JOIN chargers c ON c.chargebox_id = t.chargebox_id "
        "LEFT JOIN charge_points p ON p.chargebox_id = t.chargebox_id AND p.connector_id = t.connector_id" +
        where + " ORDER BY t.id " + std::string(q.after_id.has_value() ? "ASC" : "DESC") + " LIMIT ?" +
        std::to_string(3 + out.texts.size());
    out.ints.push_back(std::int64_t{q.limit} + 1);
    return out;
}

Result<SessionPage> list_sessions(Connection& db, const SessionQuery& q) {
    const SessionSql built = session_sql(q);
    auto statement = db.prepare(built.sql);
    if (!statement) {
        return statement.error();
    }
    statement->bind(1, built.ints[0]).bind(2, built.ints[1]);
    int index = 2;
    for (const auto& t : built.texts) {
        statement->bind(++index, t);
    }
    statement->bind(++index, built.ints[2]);
    auto rows = Connection::collect(*statement, [](const store::Statement& s) {
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
    });
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
