// The CSV import in the store: which Chargebox IDs and EVSE IDs of a file are taken already, and the import itself,
// all or nothing.
#include "centralsystem/db/queries.hpp"

namespace cs::db {

namespace {

// Runs `sql` (one parameter) for every key on one prepared statement; found(key, row) for each key it finds.
template <class Found>
Result<void> look_up_each(Connection& db, std::string_view sql, const std::vector<std::string>& keys, Found found) {
    auto q = db.prepare(sql);
    if (!q) {
        return q.error();
    }
    for (const auto& key : keys) {
        q->reset();
        q->bind(1, std::string_view(key));
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (*row) {
            found(key, *q);
        }
    }
    return {};
}

} // namespace

Result<Taken> taken_ids(Connection& db, const std::vector<std::string>& chargebox_ids,
                        const std::vector<std::string>& evse_ids) {
    Taken out;
    if (auto r = look_up_each(db, "SELECT 1 FROM chargers WHERE chargebox_id = ?1", chargebox_ids,
                              [&](const std::string& id, const store::Statement&) { out.chargers.insert(id); });
        !r) {
        return r.error();
    }
    if (auto r = look_up_each(
            db, "SELECT chargebox_id FROM charge_points WHERE evse_id = ?1", evse_ids,
            [&](const std::string& evse, const store::Statement& q) { out.evse_ids.emplace(evse, q.text(0)); });
        !r) {
        return r.error();
    }
    return out;
}

Result<std::vector<ImportClash>> import_chargers(Connection& db, const std::vector<Charger>& chargers, bool dry_run) {
    std::vector<std::string> ids, evse_ids;
    for (const auto& c : chargers) {
        ids.push_back(c.chargebox_id);
        for (const auto& cp : c.charge_points) {
            if (cp.evse_id) {
                evse_ids.push_back(*cp.evse_id);
            }
        }
    }
    auto taken = taken_ids(db, ids, evse_ids);
    if (!taken) {
        return taken.error();
    }
    std::vector<ImportClash> clashes;
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        const Charger& c = chargers[i];
        if (taken->chargers.count(c.chargebox_id)) {
            clashes.push_back(
                {i, std::nullopt, "a charger with Chargebox ID \"" + c.chargebox_id + "\" exists already"});
        }
        for (std::size_t j = 0; j < c.charge_points.size(); ++j) {
            const auto& evse = c.charge_points[j].evse_id;
            if (const auto it = evse ? taken->evse_ids.find(*evse) : taken->evse_ids.end();
                it != taken->evse_ids.end()) {
                clashes.push_back({i, j, "evseId \"" + *evse + "\" belongs to charger \"" + it->second + "\" already"});
            }
        }
    }
    if (!clashes.empty() || dry_run) {
        return clashes;
    }
    for (const auto& c : chargers) {
        auto inserted = insert_charger(db, c);
        if (!inserted) {
            return inserted.error();
        }
        if (*inserted) { // taken since the check: the error rolls the whole import back
            return ocpp::make_error("charger \"" + c.chargebox_id + "\": " + inserted->error);
        }
    }
    return clashes;
}

} // namespace cs::db
