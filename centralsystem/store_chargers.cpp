// Chargers and their charge points: create, find, list with search, patch, commission, boot and status facts.
#include <map>

#include "centralsystem/store.hpp"
#include "centralsystem/store_util.hpp"

namespace cs::db {

using namespace detail;
using ocpp::make_error;

namespace {

constexpr std::string_view kChargerColumns =
    "chargebox_id, password_hash, provider, vendor, model, status, accept_any_password, created_at, claim_code, "
    "boot_vendor, boot_model, boot_serial, boot_firmware, boot_iccid, boot_imsi, boot_meter_type, boot_at, status0, "
    "error_code0, street, postal_code, city, country, latitude, longitude, hotline, emergency_contact, "
    "accessibility, commissioned_at";
constexpr std::string_view kPointColumns = "chargebox_id, connector_id, evse_id, standard, format, power_type, "
                                           "max_power_kw, max_current_a, phases, status, error_code, updated_at";

Charger read_charger(const store::Statement& q) {
    Charger c;
    c.chargebox_id = q.text(0);
    c.password_hash = q.text(1);
    c.provider = q.text(2);
    c.vendor = q.text(3);
    c.model = q.text(4);
    c.status = q.text(5);
    c.accept_any_password = q.int64(6) != 0;
    c.created_at = q.text(7);
    c.claim_code = q.text(8);
    c.boot = BootFacts{q.text(9), q.text(10), q.text(11), q.text(12), q.text(13), q.text(14), q.text(15), q.text(16)};
    c.status0 = q.text(17);
    c.error_code0 = q.text(18);
    if (!q.is_null(19)) {
        c.address = Address{q.text(19), q.text(20), q.text(21), q.text(22)};
    }
    c.latitude = opt_real(q, 23);
    c.longitude = opt_real(q, 24);
    c.hotline = q.text(25);
    c.emergency_contact = q.text(26);
    c.accessibility = q.text(27);
    c.commissioned_at = q.text(28);
    return c;
}

ChargePoint read_point(const store::Statement& q) {
    ChargePoint p;
    p.connector_id = static_cast<int>(q.int64(1));
    p.evse_id = opt_text(q, 2);
    p.standard = q.text(3);
    p.format = q.text(4);
    p.power_type = q.text(5);
    p.max_power_kw = opt_real(q, 6);
    p.max_current_a = opt_real(q, 7);
    p.phases = opt_int(q, 8);
    p.status = q.text(9);
    p.error_code = q.text(10);
    p.updated_at = q.text(11);
    return p;
}

Result<bool> exists(Sqlite& db, std::string_view sql, std::string_view key) {
    auto q = db.prepare(sql);
    if (!q) {
        return q.error();
    }
    q->bind(1, key);
    return q->step();
}

// Reads the chargers a query selects, then their charge points in one more query.
Result<std::vector<Charger>> load(Sqlite& db, store::Statement& q) {
    std::vector<Charger> out;
    std::map<std::string, std::size_t> index;
    for (;;) {
        auto row = q.step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        index[q.text(0)] = out.size();
        out.push_back(read_charger(q));
    }
    if (out.empty()) {
        return out;
    }
    auto p = db.prepare("SELECT " + std::string(kPointColumns) + " FROM charge_points ORDER BY connector_id");
    if (!p) {
        return p.error();
    }
    for (;;) {
        auto row = p->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        if (auto it = index.find(p->text(0)); it != index.end()) {
            out[it->second].charge_points.push_back(read_point(*p));
        }
    }
}

} // namespace

Result<Conflict> insert_charger(Sqlite& db, const Charger& c) {
    auto taken = exists(db, "SELECT 1 FROM chargers WHERE chargebox_id = ?1", c.chargebox_id);
    if (!taken) {
        return taken.error();
    }
    if (*taken) {
        return Conflict{409, "chargeBoxId", "a charger with Chargebox ID \"" + c.chargebox_id + "\" exists already"};
    }
    for (std::size_t i = 0; i < c.charge_points.size(); ++i) {
        if (!c.charge_points[i].evse_id) {
            continue;
        }
        auto used = exists(db, "SELECT 1 FROM charge_points WHERE evse_id = ?1", *c.charge_points[i].evse_id);
        if (!used) {
            return used.error();
        }
        if (*used) {
            return Conflict{409, "chargePoints/" + std::to_string(i) + "/evseId",
                            "EVSE ID \"" + *c.charge_points[i].evse_id + "\" belongs to another charge point"};
        }
    }
    auto q = db.prepare("INSERT INTO chargers(chargebox_id, password_hash, provider, vendor, model, status, "
                        "accept_any_password, created_at, claim_code, boot_vendor, boot_model, boot_serial, "
                        "boot_firmware) VALUES(?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!q) {
        return q.error();
    }
    q->bind(1, std::string_view(c.chargebox_id)).bind(2, std::string_view(c.password_hash));
    q->bind(3, std::string_view(c.provider)).bind(4, std::string_view(c.vendor)).bind(5, std::string_view(c.model));
    q->bind(6, std::int64_t{c.accept_any_password ? 1 : 0}).bind(7, std::string_view(c.created_at));
    q->bind(8, std::string_view(c.claim_code)).bind(9, std::string_view(c.boot.vendor));
    q->bind(10, std::string_view(c.boot.model)).bind(11, std::string_view(c.boot.serial));
    q->bind(12, std::string_view(c.boot.firmware));
    if (auto r = q->run(); !r) {
        return r.error();
    }
    auto p = db.prepare("INSERT INTO charge_points(chargebox_id, connector_id, evse_id, standard, format, power_type, "
                        "max_power_kw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!p) {
        return p.error();
    }
    for (const auto& cp : c.charge_points) {
        p->reset();
        p->bind(1, std::string_view(c.chargebox_id)).bind(2, static_cast<std::int64_t>(cp.connector_id));
        bind_opt_text(*p, 3, cp.evse_id);
        p->bind(4, std::string_view(cp.standard)).bind(5, std::string_view(cp.format));
        p->bind(6, std::string_view(cp.power_type));
        bind_opt_real(*p, 7, cp.max_power_kw);
        if (auto r = p->run(); !r) {
            return r.error();
        }
    }
    return Conflict{};
}

Result<std::optional<Charger>> find_charger(Sqlite& db, std::string_view id) {
    auto q = db.prepare("SELECT " + std::string(kChargerColumns) + " FROM chargers WHERE chargebox_id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id);
    auto all = load(db, *q);
    if (!all) {
        return all.error();
    }
    return all->empty() ? std::nullopt : std::optional<Charger>(std::move(all->front()));
}

Result<std::vector<Charger>> list_chargers(Sqlite& db, std::string_view q_text, std::string_view provider, int limit) {
    // instr() on lower-cased text: no LIKE wildcards to escape in what the user typed.
    auto q = db.prepare("SELECT " + std::string(kChargerColumns) +
                        " FROM chargers c WHERE (?1 = '' OR instr(lower(chargebox_id), lower(?1)) > 0 OR "
                        "instr(lower(coalesce(city, '') || ' ' || coalesce(street, '')), lower(?1)) > 0 OR "
                        "EXISTS (SELECT 1 FROM charge_points p WHERE p.chargebox_id = c.chargebox_id AND "
                        "instr(lower(coalesce(p.evse_id, '')), lower(?1)) > 0)) AND (?2 = '' OR provider = ?2) "
                        "ORDER BY chargebox_id LIMIT ?3");
    if (!q) {
        return q.error();
    }
    q->bind(1, q_text).bind(2, provider).bind(3, static_cast<std::int64_t>(limit));
    return load(db, *q);
}

Result<std::vector<Charger>> all_credentials(Sqlite& db) {
    auto q = db.prepare("SELECT chargebox_id, password_hash, status, accept_any_password FROM chargers");
    if (!q) {
        return q.error();
    }
    std::vector<Charger> out;
    for (;;) {
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        Charger c;
        c.chargebox_id = q->text(0);
        c.password_hash = q->text(1);
        c.status = q->text(2);
        c.accept_any_password = q->int64(3) != 0;
        out.push_back(std::move(c));
    }
}

Result<bool> patch_charger(Sqlite& db, std::string_view id, const ChargerPatch& p) {
    auto q = db.prepare("UPDATE chargers SET provider = coalesce(?2, provider), vendor = coalesce(?3, vendor), "
                        "model = coalesce(?4, model), password_hash = coalesce(?5, password_hash), "
                        "accept_any_password = coalesce(?6, accept_any_password) WHERE chargebox_id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id);
    bind_opt_text(*q, 2, p.provider);
    bind_opt_text(*q, 3, p.vendor);
    bind_opt_text(*q, 4, p.model);
    bind_opt_text(*q, 5, p.password_hash);
    bind_opt_int(*q, 6, p.accept_any_password ? std::optional<int>(*p.accept_any_password ? 1 : 0) : std::nullopt);
    if (auto r = q->run(); !r) {
        return r.error();
    }
    return db.changes() > 0;
}

Result<Conflict> commission(Sqlite& db, std::string_view id, const Commission& c, std::string_view now) {
    auto q = db.prepare("UPDATE chargers SET status = 'operational', street = ?2, postal_code = ?3, city = ?4, "
                        "country = ?5, latitude = ?6, longitude = ?7, hotline = ?8, emergency_contact = ?9, "
                        "accessibility = ?10, commissioned_at = ?11 WHERE chargebox_id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id).bind(2, std::string_view(c.address.street)).bind(3, std::string_view(c.address.postal_code));
    q->bind(4, std::string_view(c.address.city)).bind(5, std::string_view(c.address.country));
    q->bind(6, c.latitude).bind(7, c.longitude).bind(8, std::string_view(c.hotline));
    q->bind(9, std::string_view(c.emergency_contact)).bind(10, std::string_view(c.accessibility)).bind(11, now);
    if (auto r = q->run(); !r) {
        return r.error();
    }
    if (db.changes() == 0) {
        return Conflict{404, "id", "no charger with this Chargebox ID"};
    }
    auto p = db.prepare("UPDATE charge_points SET max_current_a = coalesce(?3, max_current_a), phases = "
                        "coalesce(?4, phases), max_power_kw = coalesce(?5, max_power_kw) "
                        "WHERE chargebox_id = ?1 AND connector_id = ?2");
    if (!p) {
        return p.error();
    }
    for (std::size_t i = 0; i < c.charge_points.size(); ++i) {
        const auto& cp = c.charge_points[i];
        p->reset();
        p->bind(1, id).bind(2, static_cast<std::int64_t>(cp.connector_id));
        bind_opt_real(*p, 3, cp.max_current_a);
        bind_opt_int(*p, 4, cp.phases);
        bind_opt_real(*p, 5, cp.max_power_kw);
        if (auto r = p->run(); !r) {
            return r.error();
        }
        if (db.changes() == 0) {
            return Conflict{422, "chargePoints/" + std::to_string(i) + "/connectorId",
                            "this charger has no connector " + std::to_string(cp.connector_id)};
        }
    }
    return Conflict{};
}

Result<void> auto_register(Sqlite& db, std::string_view id, std::string_view password_hash, std::string_view now) {
    auto q = db.prepare("INSERT OR IGNORE INTO chargers(chargebox_id, password_hash, created_at) VALUES(?1, ?2, ?3)");
    if (!q) {
        return q.error();
    }
    q->bind(1, id).bind(2, password_hash).bind(3, now);
    return q->run();
}

Result<void> capture_password(Sqlite& db, std::string_view id, std::string_view password_hash) {
    auto q = db.prepare("UPDATE chargers SET password_hash = ?2, accept_any_password = 0 WHERE chargebox_id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id).bind(2, password_hash);
    return q->run();
}

Result<void> record_boot(Sqlite& db, std::string_view id, const BootFacts& b) {
    auto q = db.prepare("UPDATE chargers SET boot_vendor = ?2, boot_model = ?3, boot_serial = ?4, boot_firmware = ?5, "
                        "boot_iccid = ?6, boot_imsi = ?7, boot_meter_type = ?8, boot_at = ?9 WHERE chargebox_id = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, id).bind(2, std::string_view(b.vendor)).bind(3, std::string_view(b.model));
    q->bind(4, std::string_view(b.serial)).bind(5, std::string_view(b.firmware)).bind(6, std::string_view(b.iccid));
    q->bind(7, std::string_view(b.imsi)).bind(8, std::string_view(b.meter_type)).bind(9, std::string_view(b.at));
    return q->run();
}

Result<void> record_status(Sqlite& db, std::string_view id, int connector_id, std::string_view status,
                           std::string_view error_code, std::string_view ts) {
    if (connector_id == 0) {
        auto q = db.prepare("UPDATE chargers SET status0 = ?2, error_code0 = ?3 WHERE chargebox_id = ?1");
        if (!q) {
            return q.error();
        }
        q->bind(1, id).bind(2, status).bind(3, error_code);
        return q->run();
    }
    auto q = db.prepare("INSERT INTO charge_points(chargebox_id, connector_id, status, error_code, updated_at) "
                        "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(chargebox_id, connector_id) DO UPDATE SET "
                        "status = ?3, error_code = ?4, updated_at = ?5");
    if (!q) {
        return q.error();
    }
    q->bind(1, id).bind(2, static_cast<std::int64_t>(connector_id)).bind(3, status).bind(4, error_code).bind(5, ts);
    return q->run();
}

} // namespace cs::db
