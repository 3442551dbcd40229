// Editing and deleting price sets without changing what sessions that have run cost: a change is refused when any
// session of the charger (stopped or in progress) would be priced by another set, or by changed figures, after it.
#include "centralsystem/db/queries.hpp"
#include "centralsystem/pricing.hpp"

namespace cs::db {

namespace {

struct Session {
    std::int64_t id = 0;
    int connector_id = 0;
    std::string start;
};

Result<std::vector<Session>> sessions_of(Connection& db, std::string_view chargebox_id) {
    // A blocked session (started while the charger was planned) is never priced.
    return db.all(
        [](const store::Statement& q) {
            return Session{q.int64(0), static_cast<int>(q.int64(1)), q.text(2)};
        },
        "SELECT id, connector_id, start_ts FROM transactions WHERE chargebox_id = ?1 AND blocked = 0 ORDER BY id",
        chargebox_id);
}

// The same price for a session: the same set with the same figures, or no set both times.
bool same_price(const PriceSet* a, const PriceSet* b) {
    if (!a || !b) {
        return a == b;
    }
    return a->id == b->id && a->currency == b->currency && a->per_kwh == b->per_kwh &&
           a->per_session == b->per_session && a->per_minute == b->per_minute;
}

} // namespace

Result<Conflict> repricing_conflict(Connection& db, std::string_view chargebox_id, const std::vector<PriceSet>& before,
                                    const std::vector<PriceSet>& after) {
    auto sessions = sessions_of(db, chargebox_id);
    if (!sessions) {
        return sessions.error();
    }
    std::size_t changed = 0;
    const Session* first = nullptr;
    for (const auto& s : *sessions) {
        if (!same_price(select_price_set(before, chargebox_id, s.connector_id, s.start),
                        select_price_set(after, chargebox_id, s.connector_id, s.start))) {
            first = first ? first : &s;
            ++changed;
        }
    }
    if (changed == 0) {
        return Conflict{};
    }
    return Conflict{ConflictKind::WouldReprice, "validFrom",
                    std::to_string(changed) + (changed == 1 ? " session" : " sessions") + " (the first: transaction " +
                        std::to_string(first->id) + ", started " + first->start +
                        ") would cost differently; past sessions keep their price: set validTo on the price set "
                        "they used and add a new one valid from then"};
}

Result<Conflict> change_price_set(Connection& db, std::string_view chargebox_id, std::int64_t id,
                                  const std::optional<PriceSet>& replacement) {
    auto found = find_charger(db, chargebox_id);
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return Conflict{ConflictKind::NoSuchCharger, "id", "no charger with this Chargebox ID"};
    }
    auto before = list_price_sets(db, chargebox_id);
    if (!before) {
        return before.error();
    }
    std::vector<PriceSet> after;
    const PriceSet* old = nullptr;
    for (const auto& p : *before) {
        if (p.id == id) {
            old = &p;
            if (replacement) {
                after.push_back(*replacement);
                after.back().id = id;
                after.back().chargebox_id = p.chargebox_id;
                after.back().created_at = p.created_at;
            }
        } else {
            after.push_back(p);
        }
    }
    if (!old) {
        return Conflict{ConflictKind::NoSuchPriceSet, "priceSetId",
                        "charger \"" + std::string(chargebox_id) + "\" has no price set " + std::to_string(id)};
    }
    if (replacement && replacement->connector_id) {
        bool known = false;
        for (const auto& cp : (*found)->charge_points) {
            known = known || cp.connector_id == *replacement->connector_id;
        }
        if (!known) {
            return Conflict{ConflictKind::NoSuchConnector, "connectorId",
                            "the charger has no charge point with connectorId " +
                                std::to_string(*replacement->connector_id)};
        }
    }
    auto conflict = repricing_conflict(db, chargebox_id, *before, after);
    if (!conflict) {
        return conflict.error();
    }
    if (*conflict) {
        conflict->field = "priceSetId";
        return conflict;
    }
    if (!replacement) {
        auto q = db.prepare("DELETE FROM price_sets WHERE id = ?1");
        if (!q) {
            return q.error();
        }
        q->bind(1, id);
        if (auto r = q->run(); !r) {
            return r.error();
        }
        return Conflict{};
    }
    const PriceSet& p = *replacement;
    auto q = db.prepare("UPDATE price_sets SET connector_id = ?2, currency = ?3, per_kwh = ?4, per_session = ?5, "
                        "per_minute = ?6, valid_from = ?7, valid_to = ?8 WHERE id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id);
    q->bind(2, p.connector_id);
    q->bind(3, std::string_view(p.currency)).bind(4, p.per_kwh).bind(5, p.per_session).bind(6, p.per_minute);
    q->bind(7, std::string_view(p.valid_from));
    q->bind(8, p.valid_to);
    if (auto r = q->run(); !r) {
        return r.error();
    }
    return Conflict{};
}

} // namespace cs::db
