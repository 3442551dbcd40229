// Queries of the CSV import: which Chargebox IDs and EVSE IDs of a file are taken already.
#include "centralsystem/store.hpp"

namespace cs::db {

Result<Taken> taken_ids(Connection& db, const std::vector<std::string>& chargebox_ids,
                        const std::vector<std::string>& evse_ids) {
    Taken out;
    auto c = db.prepare("SELECT 1 FROM chargers WHERE chargebox_id = ?1");
    if (!c) {
        return c.error();
    }
    for (const auto& id : chargebox_ids) {
        c->reset();
        c->bind(1, std::string_view(id));
        auto row = c->step();
        if (!row) {
            return row.error();
        }
        if (*row) {
            out.chargers.insert(id);
        }
    }
    auto e = db.prepare("SELECT chargebox_id FROM charge_points WHERE evse_id = ?1");
    if (!e) {
        return e.error();
    }
    for (const auto& evse : evse_ids) {
        e->reset();
        e->bind(1, std::string_view(evse));
        auto row = e->step();
        if (!row) {
            return row.error();
        }
        if (*row) {
            out.evse_ids.emplace(evse, e->text(0));
        }
    }
    return out;
}

} // namespace cs::db
