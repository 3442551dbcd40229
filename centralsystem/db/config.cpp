// What chargers reported through GetConfiguration (table charger_config, migration 3).
#include "centralsystem/db/queries.hpp"

namespace cs::db {

Result<void> store_reported_config(Connection& db, std::string_view id, const ReportedConfig& rc) {
    if (auto r = db.run("DELETE FROM charger_config WHERE chargebox_id = ?1", id); !r) {
        return r.error();
    }
    auto ins = db.prepare("INSERT INTO charger_config(chargebox_id, config_key, value) VALUES(?1, ?2, ?3)");
    if (!ins) {
        return ins.error();
    }
    for (const auto& [k, v] : rc.keys) {
        ins->reset();
        ins->bind_all(id, k, v);
        if (auto r = ins->run(); !r) {
            return r.error();
        }
    }
    return db.run("UPDATE chargers SET config_at = ?2 WHERE chargebox_id = ?1", id, rc.at);
}

Result<ReportedConfig> reported_config(Connection& db, std::string_view id) {
    ReportedConfig rc;
    auto at = db.first([](const store::Statement& q) { return q.text(0); },
                       "SELECT config_at FROM chargers WHERE chargebox_id = ?1", id);
    if (!at) {
        return at.error();
    }
    rc.at = at->value_or("");
    auto keys = db.all([](const store::Statement& q) { return std::make_pair(q.text(0), q.text(1)); },
                       "SELECT config_key, value FROM charger_config WHERE chargebox_id = ?1 ORDER BY config_key", id);
    if (!keys) {
        return keys.error();
    }
    rc.keys = std::move(*keys);
    return rc;
}

} // namespace cs::db
