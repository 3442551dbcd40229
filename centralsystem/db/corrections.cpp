// Correcting data in the store (corrections.hpp): delete, take out of operation, replace charge points, audit trail.
#include "centralsystem/db/corrections.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

store::Migration corrections_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE charger_audit (
            id {id},
            chargebox_id TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '', old_value TEXT NOT NULL DEFAULT '', new_value TEXT NOT NULL DEFAULT '');
        CREATE INDEX charger_audit_by_charger ON charger_audit(chargebox_id, id);
        CREATE TABLE charger_decommissions (chargebox_id TEXT PRIMARY KEY, at TEXT NOT NULL);
    )sql");
}

// What a charger is now, for the checks before a correction: missing, planned or operational, with history or not.
struct State {
    bool exists = false, operational = false, history = false;
};

Result<State> state_of(Connection& db, std::string_view id) {
    auto status = db.first([](const store::Statement& q) { return q.text(0); },
                           "SELECT status FROM chargers WHERE chargebox_id = ?1", id);
    if (!status) {
        return status.error();
    }
    State s;
    if (!*status) {
        return s;
    }
    s.exists = true;
    s.operational = **status == "operational";
    auto session = db.query("SELECT 1 FROM transactions WHERE chargebox_id = ?1 LIMIT 1", id);
    if (!session) {
        return session.error();
    }
    auto found = session->step();
    if (!found) {
        return found.error();
    }
    s.history = *found;
    return s;
}

Correction no_such_charger() {
    return Correction{Refusal::NoSuchCharger, "id", "no charger with this Chargebox ID"};
}

} // namespace

Result<void> migrate_corrections(Connection& db) {
    return db.migrate("centralsystem-corrections", {corrections_migration()});
}

Result<void> migrate_session_indexes(Connection& db) {
    // The sessions page and export filter by start time, id tag, charger and running state without a table scan.
    return db.migrate("centralsystem-session-indexes", {store::portable_migration(1, R"sql(
        CREATE INDEX transactions_by_start ON transactions(start_ts);
        CREATE INDEX transactions_by_tag ON transactions(id_tag, id);
        CREATE INDEX transactions_by_charger ON transactions(chargebox_id, id);
        CREATE INDEX transactions_running ON transactions(id) WHERE stop_ts IS NULL;
        CREATE INDEX id_tags_by_status ON id_tags(status, id_tag);
    )sql")});
}

Result<void> add_audit(Connection& db, const AuditEntry& e) {
    auto r = db.run("INSERT INTO charger_audit(chargebox_id, at, actor, action, field, old_value, new_value) "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    e.chargebox_id, e.at, e.actor, e.action, e.field, e.old_value, e.new_value);
    if (!r) {
        return r;
    }
    // Bounded per charger: the oldest entries beyond kAuditKept go.
    return db.run("DELETE FROM charger_audit WHERE chargebox_id = ?1 AND id NOT IN (SELECT id FROM charger_audit "
                  "WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2)",
                  e.chargebox_id, kAuditKept);
}

Result<std::vector<AuditEntry>> list_audit(Connection& db, std::string_view chargebox_id, int limit) {
    return db.all(
        [](const store::Statement& q) {
            return AuditEntry{q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)};
        },
        "SELECT id, chargebox_id, at, actor, action, field, old_value, new_value FROM charger_audit "
        "WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2",
        chargebox_id, std::int64_t{limit});
}

Result<Correction> delete_charger(Connection& db, std::string_view id, std::string_view now) {
    auto s = state_of(db, id);
    if (!s) {
        return s.error();
    }
    if (!s->exists) {
        return no_such_charger();
    }
    if (s->operational) {
        return Correction{Refusal::InOperation, "id",
                          "the charger is in operation: take it out of operation first (POST .../decommission)"};
    }
    if (s->history) {
        return Correction{
            Refusal::HasHistory, "id",
            "sessions of this charger are stored: it stays (out of operation) and its Chargebox ID is not "
            "free again"};
    }
    auto site = db.query("SELECT 1 FROM site_chargers WHERE chargebox_id = ?1", id);
    if (!site) {
        return site.error();
    }
    auto in_site = site->step();
    if (!in_site) {
        return in_site.error();
    }
    if (*in_site) {
        return Correction{Refusal::InSite, "id", "the charger belongs to a site: remove it from the site first"};
    }
    // A client certificate signed by the operator CA authenticates by its subject alone: while one issued for this ID
    // is valid, freeing the ID would let its holder connect as whatever charger gets the ID next.
    auto certificate = db.first([](const store::Statement& q) { return std::make_pair(q.text(0), q.text(1)); },
                                "SELECT serial_hex, not_after FROM issued_certificates WHERE chargebox_id = ?1 AND "
                                "rtrim(not_after, 'Z') > rtrim(?2, 'Z') ORDER BY not_after DESC LIMIT 1",
                                id, now);
    if (!certificate) {
        return certificate.error();
    }
    if (*certificate) {
        return Correction{Refusal::HasCertificates, "id",
                          "a client certificate issued for this Chargebox ID (serial " + (*certificate)->first +
                              ") is valid until " + (*certificate)->second +
                              " and would still authenticate as it: the charger can be deleted once it has "
                              "expired; take it out of operation instead"};
    }
    // Charge points, price sets and the reported configuration go with the charger (ON DELETE CASCADE); the rest of
    // its set-up is keyed by Chargebox ID alone.
    for (const char* sql :
         {"DELETE FROM local_list_chargers WHERE chargebox_id = ?1", "DELETE FROM reservations WHERE chargebox_id = ?1",
          "DELETE FROM list_group_members WHERE chargebox_id = ?1",
          "DELETE FROM charger_decommissions WHERE chargebox_id = ?1",
          "DELETE FROM chargers WHERE chargebox_id = ?1"}) {
        if (auto r = db.run(sql, id); !r) {
            return r.error();
        }
    }
    return Correction{};
}

Result<Correction> decommission(Connection& db, std::string_view id, std::string_view now) {
    auto s = state_of(db, id);
    if (!s) {
        return s.error();
    }
    if (!s->exists) {
        return no_such_charger();
    }
    if (!s->operational) {
        return Correction{Refusal::NotInOperation, "id", "the charger is not in operation"};
    }
    if (auto r = db.run("UPDATE chargers SET status = 'planned' WHERE chargebox_id = ?1", id); !r) {
        return r.error();
    }
    auto mark = db.run("INSERT INTO charger_decommissions(chargebox_id, at) VALUES(?1, ?2) "
                       "ON CONFLICT(chargebox_id) DO UPDATE SET at = ?2",
                       id, now);
    if (!mark) {
        return mark.error();
    }
    return Correction{};
}

Result<void> clear_decommissioned(Connection& db, std::string_view id) {
    return db.run("DELETE FROM charger_decommissions WHERE chargebox_id = ?1", id);
}

Result<std::string> decommissioned_at(Connection& db, std::string_view id) {
    auto at = db.first([](const store::Statement& q) { return q.text(0); },
                       "SELECT at FROM charger_decommissions WHERE chargebox_id = ?1", id);
    if (!at) {
        return at.error();
    }
    return at->value_or("");
}

Result<Correction> replace_charge_points(Connection& db, std::string_view id, const std::vector<ChargePoint>& points) {
    auto s = state_of(db, id);
    if (!s) {
        return s.error();
    }
    if (!s->exists) {
        return no_such_charger();
    }
    if (s->operational) {
        return Correction{Refusal::InOperation, "chargePoints",
                          "charge points are fixed once the charger is in operation"};
    }
    if (s->history) {
        return Correction{Refusal::HasHistory, "chargePoints",
                          "sessions of this charger refer to its charge points: they stay as they are"};
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        auto other = db.first([](const store::Statement& q) { return q.text(0); },
                              "SELECT chargebox_id FROM charge_points WHERE evse_id = ?1 AND chargebox_id <> ?2",
                              points[i].evse_id, id);
        if (!other) {
            return other.error();
        }
        if (*other) {
            return Correction{Refusal::EvseIdTaken, "chargePoints/" + std::to_string(i) + "/evseId",
                              "EVSE ID \"" + points[i].evse_id.value_or("") + "\" belongs to another charge point"};
        }
    }
    // EVSE IDs may move between this charger's connectors: free them all first (they are UNIQUE).
    if (auto r = db.run("UPDATE charge_points SET evse_id = NULL WHERE chargebox_id = ?1", id); !r) {
        return r.error();
    }
    std::string keep;
    for (const auto& p : points) {
        keep += (keep.empty() ? "" : ",") + std::to_string(p.connector_id);
        auto r = db.run("INSERT INTO charge_points(chargebox_id, connector_id, evse_id, standard, format, power_type, "
                        "max_power_kw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(chargebox_id, connector_id) DO "
                        "UPDATE SET evse_id = ?3, standard = ?4, format = ?5, power_type = ?6, max_power_kw = ?7",
                        id, p.connector_id, p.evse_id, p.standard, p.format, p.power_type, p.max_power_kw);
        if (!r) {
            return r.error();
        }
    }
    // Connector ids are whole numbers checked by the input rules, so they can be listed in the statement.
    if (auto r = db.run("DELETE FROM charge_points WHERE chargebox_id = ?1" +
                            (keep.empty() ? std::string() : " AND connector_id NOT IN (" + keep + ")"),
                        id);
        !r) {
        return r.error();
    }
    return Correction{};
}

} // namespace cs::db
