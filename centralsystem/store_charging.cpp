// Transactions and meter values: start (idempotent on replay), stop (idempotent), samples, listing.
#include "centralsystem/store.hpp"
#include "centralsystem/store_util.hpp"

namespace cs::db {

using namespace detail;

Result<StartResult> start_transaction(Sqlite& db, std::string_view chargebox_id, int connector_id,
                                      std::string_view id_tag, std::int64_t meter_start, std::string_view ts) {
    StartResult out;
    auto tag = find_id_tag(db, id_tag);
    if (!tag) {
        return tag.error();
    }
    out.tag = std::move(*tag);
    // The same start again (a charger replaying its offline queue) gets the id it got the first time.
    auto seen = db.prepare("SELECT id FROM transactions WHERE chargebox_id = ?1 AND connector_id = ?2 AND "
                           "start_ts = ?3 AND id_tag = ?4");
    if (!seen) {
        return seen.error();
    }
    seen->bind(1, chargebox_id).bind(2, static_cast<std::int64_t>(connector_id)).bind(3, ts).bind(4, id_tag);
    auto row = seen->step();
    if (!row) {
        return row.error();
    }
    if (*row) {
        out.transaction_id = seen->int64(0);
        out.duplicate = true;
        return out;
    }
    auto q = db.prepare("INSERT INTO transactions(chargebox_id, connector_id, id_tag, meter_start, start_ts) "
                        "VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!q) {
        return q.error();
    }
    q->bind(1, chargebox_id).bind(2, static_cast<std::int64_t>(connector_id)).bind(3, id_tag);
    q->bind(4, meter_start).bind(5, ts);
    if (auto r = q->run(); !r) {
        return r.error();
    }
    out.transaction_id = db.last_insert_rowid();
    return out;
}

Result<StopResult> stop_transaction(Sqlite& db, std::string_view chargebox_id, const StopInput& in) {
    auto q = db.prepare("SELECT connector_id, stop_ts FROM transactions WHERE id = ?1 AND chargebox_id = ?2");
    if (!q) {
        return q.error();
    }
    q->bind(1, in.transaction_id).bind(2, chargebox_id);
    auto row = q->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return StopResult::Unknown;
    }
    if (!q->is_null(1)) {
        return StopResult::AlreadyStopped; // a duplicate: the first stop stands, its samples are not doubled
    }
    const int connector_id = static_cast<int>(q->int64(0));
    auto u = db.prepare("UPDATE transactions SET meter_stop = ?2, stop_ts = ?3, stop_reason = ?4 WHERE id = ?1");
    if (!u) {
        return u.error();
    }
    u->bind(1, in.transaction_id).bind(2, in.meter_stop).bind(3, std::string_view(in.ts));
    u->bind(4, std::string_view(in.reason));
    if (auto r = u->run(); !r) {
        return r.error();
    }
    if (auto r = add_meter_values(db, chargebox_id, connector_id, in.transaction_id, in.samples); !r) {
        return r.error();
    }
    return StopResult::Stopped;
}

Result<void> add_meter_values(Sqlite& db, std::string_view chargebox_id, int connector_id,
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
        if (transaction_id) {
            q->bind(1, *transaction_id);
        } else {
            q->bind_null(1);
        }
        q->bind(2, chargebox_id).bind(3, static_cast<std::int64_t>(connector_id)).bind(4, std::string_view(s.ts));
        q->bind(5, std::string_view(s.measurand)).bind(6, s.value).bind(7, std::string_view(s.unit));
        q->bind(8, std::string_view(s.phase)).bind(9, std::string_view(s.context));
        q->bind(10, std::string_view(s.location));
        if (auto r = q->run(); !r) {
            return r.error();
        }
    }
    return {};
}

Result<std::vector<Transaction>> list_transactions(Sqlite& db, std::string_view chargebox_id, int limit) {
    auto q = db.prepare("SELECT t.id, t.chargebox_id, t.connector_id, t.id_tag, t.meter_start, t.start_ts, "
                        "t.meter_stop, t.stop_ts, t.stop_reason, (SELECT count(*) FROM meter_values m WHERE "
                        "m.transaction_id = t.id) FROM transactions t WHERE t.chargebox_id = ?1 "
                        "ORDER BY t.id DESC LIMIT ?2");
    if (!q) {
        return q.error();
    }
    q->bind(1, chargebox_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Transaction> out;
    for (;;) {
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        Transaction t;
        t.id = q->int64(0);
        t.chargebox_id = q->text(1);
        t.connector_id = static_cast<int>(q->int64(2));
        t.id_tag = q->text(3);
        t.meter_start = q->int64(4);
        t.start_ts = q->text(5);
        if (!q->is_null(6)) {
            t.meter_stop = q->int64(6);
        }
        t.stop_ts = opt_text(*q, 7);
        t.stop_reason = opt_text(*q, 8);
        t.meter_values = q->int64(9);
        out.push_back(std::move(t));
    }
}

Result<std::vector<MeterSample>> meter_values_of(Sqlite& db, std::int64_t transaction_id, int limit) {
    auto q = db.prepare("SELECT ts, measurand, unit, phase, context, location, value FROM meter_values "
                        "WHERE transaction_id = ?1 ORDER BY ts, rowid LIMIT ?2");
    if (!q) {
        return q.error();
    }
    q->bind(1, transaction_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<MeterSample> out;
    for (;;) {
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(MeterSample{q->text(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5), q->real(6)});
    }
}

} // namespace cs::db
