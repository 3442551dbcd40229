// Chargers and their charge points: create, find, list with search, patch, commission, boot and status facts.
#include <limits>
#include <map>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

using ocpp::make_error;

namespace {

constexpr std::string_view kChargerColumns =
    "chargebox_id, password_hash, provider, vendor, model, status, accept_any_password, created_at, claim_code, "
    "boot_vendor, boot_model, boot_serial, boot_firmware, boot_iccid, boot_imsi, boot_meter_type, boot_at, status0, "
    "error_code0, street, postal_code, city, country, latitude, longitude, hotline, emergency_contact, "
    "accessibility, commissioned_at, security_profile, pending_password_hashes";
constexpr std::string_view kPointColumns = "chargebox_id, connector_id, evse_id, standard, format, power_type, "
                                           "max_power_kw, max_current_a, phases, status, error_code, updated_at";

// The first columns of kChargerColumns (chargebox_id, password_hash, provider, vendor, model, status,
// accept_any_password): all the handshake's credential cache needs.
constexpr std::string_view kCredentialColumns =
    "chargebox_id, password_hash, provider, vendor, model, status, accept_any_password";

Charger read_credentials(const store::Statement& q) {
    Charger c;
    c.chargebox_id = q.text(0);
    c.password_hash = q.text(1);
    c.provider = q.text(2);
    c.vendor = q.text(3);
    c.model = q.text(4);
    c.status = q.text(5);
    c.accept_any_password = q.int64(6) != 0;
    return c;
}

Charger read_charger(const store::Statement& q) {
    Charger c = read_credentials(q);
    c.created_at = q.text(7);
    c.claim_code = q.text(8);
    c.boot = BootFacts{q.text(9), q.text(10), q.text(11), q.text(12), q.text(13), q.text(14), q.text(15), q.text(16)};
    c.status0 = q.text(17);
    c.error_code0 = q.text(18);
    if (!q.is_null(19)) {
        c.address = Address{q.text(19), q.text(20), q.text(21), q.text(22)};
    }
    c.latitude = q.opt_real(23);
    c.longitude = q.opt_real(24);
    c.hotline = q.text(25);
    c.emergency_contact = q.text(26);
    c.accessibility = q.text(27);
    c.commissioned_at = q.text(28);
    c.security_profile = static_cast<int>(q.int64(29));
    c.pending_password_hashes = q.text(30);
    return c;
}

ChargePoint read_point(const store::Statement& q) {
    ChargePoint p;
    p.connector_id = static_cast<int>(q.int64(1));
    p.evse_id = q.opt_text(2);
    p.standard = q.text(3);
    p.format = q.text(4);
    p.power_type = q.text(5);
    p.max_power_kw = q.opt_real(6);
    p.max_current_a = q.opt_real(7);
    p.phases = q.opt_int(8);
    p.status = q.text(9);
    p.error_code = q.text(10);
    p.updated_at = q.text(11);
    return p;
}

Result<bool> exists(Connection& db, std::string_view sql, std::string_view key) {
    auto q = db.query(sql, key);
    return q ? q->step() : Result<bool>(q.error());
}

// Reads the chargers a query selects, then their charge points in one more query.
Result<std::vector<Charger>> load(Connection& db, store::Statement& q) {
    auto chargers = Connection::collect(q, read_charger);
    if (!chargers || chargers->empty()) {
        return chargers;
    }
    auto& out = *chargers;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < out.size(); ++i) {
        index[out[i].chargebox_id] = i;
    }
    // One charger: only its points; more: all points, sorted out here (one query instead of one per charger).
    const std::string where = out.size() == 1 ? " WHERE chargebox_id = ?1" : "";
    auto p =
        db.prepare("SELECT " + std::string(kPointColumns) + " FROM charge_points" + where + " ORDER BY connector_id");
    if (!p) {
        return p.error();
    }
    if (out.size() == 1) {
        p->bind(1, out.front().chargebox_id);
    }
    auto points =
        Connection::collect(*p, [](const store::Statement& s) { return std::make_pair(s.text(0), read_point(s)); });
    if (!points) {
        return points.error();
    }
    for (auto& [id, point] : *points) {
        if (auto it = index.find(id); it != index.end()) {
            out[it->second].charge_points.push_back(std::move(point));
        }
    }
    return chargers;
}

// A LIKE pattern matching `text` anywhere, lower-cased, with the wildcards in it escaped by '!'.
std::string contains_pattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!') {
            out += '!';
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out + "%";
}

} // namespace

Result<Conflict> insert_charger(Connection& db, const Charger& c) {
    auto taken = exists(db, "SELECT 1 FROM chargers WHERE chargebox_id = ?1", c.chargebox_id);
    if (!taken) {
        return taken.error();
    }
    if (*taken) {
        return Conflict{ConflictKind::ChargerExists, "chargeBoxId",
                        "a charger with Chargebox ID \"" + c.chargebox_id + "\" exists already"};
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
            return Conflict{ConflictKind::EvseIdTaken, "chargePoints/" + std::to_string(i) + "/evseId",
                            "EVSE ID \"" + *c.charge_points[i].evse_id + "\" belongs to another charge point"};
        }
    }
    auto r = db.run("INSERT INTO chargers(chargebox_id, password_hash, provider, vendor, model, status, "
                    "accept_any_password, created_at, claim_code, boot_vendor, boot_model, boot_serial, "
                    "boot_firmware) VALUES(?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    c.chargebox_id, c.password_hash, c.provider, c.vendor, c.model, c.accept_any_password, c.created_at,
                    c.claim_code, c.boot.vendor, c.boot.model, c.boot.serial, c.boot.firmware);
    if (!r) {
        return r.error();
    }
    auto p = db.prepare("INSERT INTO charge_points(chargebox_id, connector_id, evse_id, standard, format, power_type, "
                        "max_power_kw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!p) {
        return p.error();
    }
    for (const auto& cp : c.charge_points) {
        p->reset();
        p->bind_all(c.chargebox_id, cp.connector_id, cp.evse_id, cp.standard, cp.format, cp.power_type,
                    cp.max_power_kw);
        if (auto done = p->run(); !done) {
            return done.error();
        }
    }
    return Conflict{};
}

Result<std::optional<Charger>> find_charger(Connection& db, std::string_view id) {
    auto q = db.query("SELECT " + std::string(kChargerColumns) + " FROM chargers WHERE chargebox_id = ?1", id);
    if (!q) {
        return q.error();
    }
    auto all = load(db, *q);
    if (!all) {
        return all.error();
    }
    return all->empty() ? std::nullopt : std::optional<Charger>(std::move(all->front()));
}

Result<std::vector<Charger>> list_chargers(Connection& db, std::string_view q_text, std::string_view provider,
                                           int limit) {
    auto q = db.query("SELECT " + std::string(kChargerColumns) +
                          " FROM chargers c WHERE (?1 = '' OR lower(chargebox_id) LIKE ?2 ESCAPE '!' OR "
                          "lower(coalesce(city, '') || ' ' || coalesce(street, '')) LIKE ?2 ESCAPE '!' OR "
                          "EXISTS (SELECT 1 FROM charge_points p WHERE p.chargebox_id = c.chargebox_id AND "
                          "lower(coalesce(p.evse_id, '')) LIKE ?2 ESCAPE '!')) AND (?3 = '' OR provider = ?3) "
                          "ORDER BY chargebox_id LIMIT ?4",
                      q_text, contains_pattern(q_text), provider,
                      limit < 0 ? std::numeric_limits<std::int64_t>::max() : std::int64_t{limit});
    if (!q) {
        return q.error();
    }
    return load(db, *q);
}

// The credential columns and the security state the gate enforces (security profile, rotation in progress).
constexpr std::string_view kGateColumns = ", security_profile, pending_password_hashes";

Charger read_gate_credentials(const store::Statement& q) {
    Charger c = read_credentials(q);
    c.security_profile = static_cast<int>(q.int64(7));
    c.pending_password_hashes = q.text(8);
    return c;
}

Result<std::vector<Charger>> all_credentials(Connection& db) {
    return db.all(read_gate_credentials,
                  "SELECT " + std::string(kCredentialColumns) + std::string(kGateColumns) + " FROM chargers");
}

Result<std::optional<Charger>> credentials_of(Connection& db, std::string_view id) {
    return db.first(read_gate_credentials,
                    "SELECT " + std::string(kCredentialColumns) + std::string(kGateColumns) +
                        " FROM chargers WHERE chargebox_id = ?1",
                    id);
}

Result<bool> patch_charger(Connection& db, std::string_view id, const ChargerPatch& p) {
    auto changed = db.execute("UPDATE chargers SET provider = coalesce(?2, provider), vendor = coalesce(?3, vendor), "
                              "model = coalesce(?4, model), password_hash = coalesce(?5, password_hash), "
                              "accept_any_password = coalesce(?6, accept_any_password) WHERE chargebox_id = ?1",
                              id, p.provider, p.vendor, p.model, p.password_hash, p.accept_any_password);
    if (!changed) {
        return changed.error();
    }
    return *changed > 0;
}

Result<Conflict> commission(Connection& db, std::string_view id, const Commission& c, std::string_view now) {
    // Planned chargers made from a claim or by auto-registration may have no charge points yet: refused until they
    // have some, since nothing could be charged, priced or shown on the map.
    auto charger = exists(db, "SELECT 1 FROM chargers WHERE chargebox_id = ?1", id);
    if (!charger) {
        return charger.error();
    }
    auto points = exists(db, "SELECT 1 FROM charge_points WHERE chargebox_id = ?1", id);
    if (!points) {
        return points.error();
    }
    if (*charger && !*points) {
        return Conflict{ConflictKind::NoChargePoints, "chargePoints",
                        "this charger has no charge points: add them (PATCH the planned charger) before putting it "
                        "into operation"};
    }
    auto changed = db.execute("UPDATE chargers SET status = 'operational', street = ?2, postal_code = ?3, city = ?4, "
                              "country = ?5, latitude = ?6, longitude = ?7, hotline = ?8, emergency_contact = ?9, "
                              "accessibility = ?10, commissioned_at = ?11 WHERE chargebox_id = ?1",
                              id, c.address.street, c.address.postal_code, c.address.city, c.address.country,
                              c.latitude, c.longitude, c.hotline, c.emergency_contact, c.accessibility, now);
    if (!changed) {
        return changed.error();
    }
    if (*changed == 0) {
        return Conflict{ConflictKind::NoSuchCharger, "id", "no charger with this Chargebox ID"};
    }
    for (std::size_t i = 0; i < c.charge_points.size(); ++i) {
        const auto& cp = c.charge_points[i];
        auto point = db.execute("UPDATE charge_points SET max_current_a = coalesce(?3, max_current_a), phases = "
                                "coalesce(?4, phases), max_power_kw = coalesce(?5, max_power_kw) "
                                "WHERE chargebox_id = ?1 AND connector_id = ?2",
                                id, cp.connector_id, cp.max_current_a, cp.phases, cp.max_power_kw);
        if (!point) {
            return point.error();
        }
        if (*point == 0) {
            return Conflict{ConflictKind::NoSuchConnector, "chargePoints/" + std::to_string(i) + "/connectorId",
                            "this charger has no connector " + std::to_string(cp.connector_id)};
        }
    }
    return Conflict{};
}

Result<void> auto_register(Connection& db, std::string_view id, std::string_view password_hash, std::string_view now) {
    return db.run("INSERT INTO chargers(chargebox_id, password_hash, created_at) VALUES(?1, ?2, ?3) "
                  "ON CONFLICT DO NOTHING",
                  id, password_hash, now);
}

Result<void> capture_password(Connection& db, std::string_view id, std::string_view password_hash) {
    return db.run("UPDATE chargers SET password_hash = ?2, accept_any_password = 0 WHERE chargebox_id = ?1", id,
                  password_hash);
}

Result<void> record_boot(Connection& db, std::string_view id, const BootFacts& b) {
    return db.run("UPDATE chargers SET boot_vendor = ?2, boot_model = ?3, boot_serial = ?4, boot_firmware = ?5, "
                  "boot_iccid = ?6, boot_imsi = ?7, boot_meter_type = ?8, boot_at = ?9 WHERE chargebox_id = ?1",
                  id, b.vendor, b.model, b.serial, b.firmware, b.iccid, b.imsi, b.meter_type, b.at);
}

Result<void> record_status(Connection& db, std::string_view id, int connector_id, std::string_view status,
                           std::string_view error_code, std::string_view ts) {
    // A status older than the stored one (an offline queue replayed late) changes nothing. Stored times all come from
    // format_datetime(), which leaves out ".000": without the 'Z' they compare as text in time order.
    if (connector_id == 0) {
        return db.run("UPDATE chargers SET status0 = ?2, error_code0 = ?3, status0_at = ?4 WHERE chargebox_id = ?1 "
                      "AND rtrim(status0_at, 'Z') <= rtrim(?4, 'Z')",
                      id, status, error_code, ts);
    }
    return db.run("INSERT INTO charge_points(chargebox_id, connector_id, status, error_code, updated_at) "
                  "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(chargebox_id, connector_id) DO UPDATE SET "
                  "status = ?3, error_code = ?4, updated_at = ?5 "
                  "WHERE rtrim(charge_points.updated_at, 'Z') <= rtrim(?5, 'Z')",
                  id, connector_id, status, error_code, ts);
}

} // namespace cs::db
