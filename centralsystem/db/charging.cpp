// Transactions and meter values: start (idempotent on replay), stop (idempotent), samples, listing.
#include "centralsystem/db/queries.hpp"

namespace cs::db {

Result<StartResult> start_transaction(Connection& db, std::string_view chargebox_id, int connector_id,
                                      std::string_view id_tag, std::int64_t meter_start, std::string_view ts,
                                      bool blocked) {
    StartResult out;
    auto tag = find_id_tag(db, id_tag);
    if (!tag) {
        return tag.error();
    }
    out.tag = std::move(*tag);
    auto read_id = [](const store::Statement& q) { return q.int64(0); };
    // Only for a charger that exists. The same start again (a charger replaying its offline queue) gets the id it got
    // the first time. The id comes from the database (identity or rowid), so it is unique across central-system nodes
    // sharing it.
    auto id = db.first(read_id,
                       "INSERT INTO transactions(chargebox_id, connector_id, id_tag, meter_start, start_ts, blocked) "
                       "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM chargers WHERE chargebox_id = ?1) "
                       "ON CONFLICT DO NOTHING RETURNING id",
                       chargebox_id, connector_id, id_tag, meter_start, ts, blocked ? 1 : 0);
    if (!id) {
        return id.error();
    }
    if (!*id) {
        id = db.first(read_id,
                      "SELECT id FROM transactions WHERE chargebox_id = ?1 AND connector_id = ?2 AND "
                      "start_ts = ?3 AND id_tag = ?4",
                      chargebox_id, connector_id, ts, id_tag);
        if (!id) {
            return id.error();
        }
        if (!*id) {
            // The charger was deleted while still connected: nothing is stored for an ID that no longer exists.
            out.no_charger = true;
            return out;
        }
        out.duplicate = true;
    }
    out.transaction_id = **id;
    return out;
}

Result<std::optional<TransactionOwner>> transaction_owner(Connection& db, std::int64_t transaction_id) {
    return db.first(
        [](const store::Statement& q) {
            return TransactionOwner{q.text(0), static_cast<int>(q.int64(1))};
        },
        "SELECT chargebox_id, connector_id FROM transactions WHERE id = ?1", transaction_id);
}

Result<StopResult> stop_transaction(Connection& db, std::string_view chargebox_id, const StopInput& in) {
    // Only the first stop changes the row; a duplicate finds it stopped and its samples are not doubled.
    auto connector = db.first([](const store::Statement& q) { return static_cast<int>(q.int64(0)); },
                              "UPDATE transactions SET meter_stop = ?3, stop_ts = ?4, stop_reason = ?5 "
                              "WHERE id = ?1 AND chargebox_id = ?2 AND stop_ts IS NULL RETURNING connector_id",
                              in.transaction_id, chargebox_id, in.meter_stop, in.ts, in.reason);
    if (!connector) {
        return connector.error();
    }
    if (!*connector) {
        auto known =
            db.first([](const store::Statement& q) { return q.int64(0); },
                     "SELECT 1 FROM transactions WHERE id = ?1 AND chargebox_id = ?2", in.transaction_id, chargebox_id);
        if (!known) {
            return known.error();
        }
        return *known ? StopResult::AlreadyStopped : StopResult::Unknown;
    }
    if (auto r = add_meter_values(db, chargebox_id, **connector, in.transaction_id, in.samples); !r) {
        return r.error();
    }
    return StopResult::Stopped;
}

Result<void> add_meter_values(Connection& db, std::string_view chargebox_id, int connector_id,
                              std::optional<std::int64_t> transaction_id, const std::vector<MeterSample>& samples) {
    if (samples.empty()) {
        return {};
    }
    auto q = db.prepare("INSERT INTO meter_values(transaction_id, chargebox_id, connector_id, ts, measurand, value, "
                        "unit, phase, context, location) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!q) {
        return q.error();
    }
    for (const auto& s : samples) {
        q->reset();
        q->bind_all(transaction_id, chargebox_id, connector_id, s.ts, s.measurand, s.value, s.unit, s.phase, s.context,
                    s.location);
        if (auto r = q->run(); !r) {
            return r.error();
        }
    }
    return {};
}

Transaction read_transaction(const store::Statement& q) {
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
    t.stop_ts = q.opt_text(7);
    t.stop_reason = q.opt_text(8);
    return t;
}

Result<std::vector<Transaction>> list_transactions(Connection& db, std::string_view chargebox_id, int limit) {
    return db.all(
        [](const store::Statement& q) {
            Transaction t = read_transaction(q);
            t.meter_values = q.int64(9);
            t.blocked = q.int64(10) != 0;
            if (!q.is_null(11)) {
                t.meter_last = static_cast<std::int64_t>(q.real(11));
            }
            return t;
        },
        // A running session's latest energy register reading (Wh), so that its energy so far can be shown.
        "SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, t.meter_stop, t.stop_ts, "
        "t.stop_reason, (SELECT count(*) FROM meter_values m WHERE m.transaction_id = t.id), t.blocked, "
        "CASE WHEN t.stop_ts IS NULL THEN (SELECT CASE m.unit WHEN 'kWh' THEN m.value * 1000 ELSE m.value END "
        "FROM meter_values m WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND "
        "m.phase = '' ORDER BY rtrim(m.ts, 'Z') DESC, m.rowid DESC LIMIT 1) END "
        "FROM transactions t "
        "WHERE t.chargebox_id = ?1 ORDER BY rtrim(t.start_ts, 'Z') DESC, t.id DESC LIMIT ?2",
        chargebox_id, limit);
}

Result<std::vector<MeterSample>> meter_values_of(Connection& db, std::int64_t transaction_id, int limit) {
    return db.all(
        [](const store::Statement& q) {
            return MeterSample{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.real(6)};
        },
        "SELECT ts, measurand, unit, phase, context, location, value FROM meter_values "
        "WHERE transaction_id = ?1 ORDER BY rtrim(ts, 'Z'), rowid LIMIT ?2",
        transaction_id, limit);
}

} // namespace cs::db
