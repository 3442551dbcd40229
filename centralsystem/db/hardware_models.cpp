// Operators' hardware models in the store (hardware_models.hpp).
#include "centralsystem/db/hardware_models.hpp"

#include "store/ddl.hpp"

namespace cs::db {

Result<void> migrate_hardware_models(Connection& db) {
    return db.migrate("centralsystem-hardware", {store::portable_migration(1, R"sql(
        CREATE TABLE hardware_models (
            vendor TEXT NOT NULL, model TEXT NOT NULL, connectors TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (vendor, model));
    )sql")});
}

Result<std::vector<HardwareModelRow>> list_hardware_models(Connection& db) {
    return db.all(
        [](const store::Statement& q) {
            return HardwareModelRow{q.text(0), q.text(1), q.text(2), q.text(3)};
        },
        "SELECT vendor, model, connectors, created_at FROM hardware_models ORDER BY vendor, model");
}

Result<std::int64_t> count_hardware_models(Connection& db) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM hardware_models");
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

Result<bool> add_hardware_model(Connection& db, const HardwareModelRow& row) {
    auto n = db.execute("INSERT INTO hardware_models(vendor, model, connectors, created_at) VALUES(?1, ?2, ?3, ?4) "
                        "ON CONFLICT (vendor, model) DO NOTHING",
                        row.vendor, row.model, row.connectors, row.created_at);
    if (!n) {
        return n.error();
    }
    return *n > 0;
}

Result<bool> delete_hardware_model(Connection& db, const std::string& vendor, const std::string& model) {
    auto n = db.execute("DELETE FROM hardware_models WHERE vendor = ?1 AND model = ?2", vendor, model);
    if (!n) {
        return n.error();
    }
    return *n > 0;
}

} // namespace cs::db
