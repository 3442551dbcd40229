// Load-management sites in the store (sites.hpp).
#include "centralsystem/db/sites/sites.hpp"

#include "centralsystem/db/sites/profile_templates.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "ocpp/smartcharging/units.hpp"
#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kSiteColumns =
    "id, name, unit, limit_value, phases, voltage, schedule, min_session_a, failsafe_a, created_at, updated_at";

// The schedule as text: "minute:limit" pairs separated by ';' (its values were checked by the API).
std::string schedule_text(const std::vector<sites::SchedulePeriod>& periods) {
    std::string out;
    for (const auto& p : periods) {
        out += (out.empty() ? "" : ";") + std::to_string(p.start_minute) + ":" + std::to_string(p.limit_a);
    }
    return out;
}

std::vector<sites::SchedulePeriod> parse_schedule(const std::string& text) {
    std::vector<sites::SchedulePeriod> out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find(';', at);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string item = text.substr(at, end - at);
        const auto colon = item.find(':');
        if (colon != std::string::npos) {
            out.push_back({std::atoi(item.substr(0, colon).c_str()), std::strtod(item.c_str() + colon + 1, nullptr)});
        }
        at = end + 1;
    }
    return out;
}

SiteRow read_site(const store::Statement& q) {
    SiteRow s;
    s.id = q.int64(0);
    s.name = q.text(1);
    s.unit = q.text(2);
    s.limit = q.real(3);
    s.phases = static_cast<int>(q.int64(4));
    s.voltage = q.real(5);
    s.schedule = parse_schedule(q.text(6));
    s.min_session_a = q.real(7);
    s.failsafe_a = q.real(8);
    s.created_at = q.text(9);
    s.updated_at = q.text(10);
    return s;
}

Result<void> add_chargers(Connection& db, SiteRow& site) {
    auto ids = db.all([](const store::Statement& q) { return q.text(0); },
                      "SELECT chargebox_id FROM site_chargers WHERE site_id = ?1 ORDER BY chargebox_id", site.id);
    if (!ids) {
        return ids.error();
    }
    site.chargers = std::move(*ids);
    return {};
}

} // namespace

sites::SiteRules rules_of(const SiteRow& site) {
    const auto amps = [&](double v) {
        return site.unit == "kW" ? ocpp::smartcharging::amps_from_watts(v * 1000.0, site.phases, site.voltage) : v;
    };
    sites::SiteRules r;
    r.limit_a = amps(site.limit);
    for (const auto& p : site.schedule) {
        r.schedule.push_back({p.start_minute, amps(p.limit_a)});
    }
    r.min_session_a = site.min_session_a;
    r.failsafe_a = site.failsafe_a;
    return r;
}

store::Migration sites_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE sites (
            id {id},
            name TEXT NOT NULL UNIQUE, unit TEXT NOT NULL, limit_value {real} NOT NULL, phases INTEGER NOT NULL,
            voltage {real} NOT NULL, schedule TEXT NOT NULL DEFAULT '', min_session_a {real} NOT NULL,
            failsafe_a {real} NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE site_chargers (
            chargebox_id TEXT PRIMARY KEY,
            site_id {int64} NOT NULL REFERENCES sites(id) ON DELETE CASCADE);
        CREATE INDEX site_chargers_by_site ON site_chargers(site_id);
    )sql");
}

Result<void> migrate_sites(Connection& db) {
    return db.migrate("centralsystem-sites", {sites_migration(), profile_templates_migration()});
}

Result<std::vector<SiteRow>> list_sites(Connection& db) {
    auto all = db.all(read_site, "SELECT " + std::string(kSiteColumns) + " FROM sites ORDER BY id");
    if (!all) {
        return all.error();
    }
    for (auto& s : *all) {
        if (auto r = add_chargers(db, s); !r) {
            return r.error();
        }
    }
    return all;
}

Result<std::optional<SiteRow>> find_site(Connection& db, std::int64_t id) {
    auto found = db.first(read_site, "SELECT " + std::string(kSiteColumns) + " FROM sites WHERE id = ?1", id);
    if (found && *found) {
        if (auto r = add_chargers(db, **found); !r) {
            return r.error();
        }
    }
    return found;
}

Result<std::optional<SiteRow>> save_site(Connection& db, const SiteRow& s) {
    std::int64_t id = s.id;
    if (id == 0) {
        auto made = db.first([](const store::Statement& q) { return q.int64(0); },
                             "INSERT INTO sites(name, unit, limit_value, phases, voltage, schedule, min_session_a, "
                             "failsafe_a, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
                             "RETURNING id",
                             s.name, s.unit, s.limit, s.phases, s.voltage, schedule_text(s.schedule), s.min_session_a,
                             s.failsafe_a, s.updated_at);
        if (!made) {
            return made.error();
        }
        if (!*made) {
            return ocpp::make_error("the site got no id");
        }
        id = **made;
    } else {
        auto changed = db.execute("UPDATE sites SET name = ?2, unit = ?3, limit_value = ?4, phases = ?5, voltage = ?6, "
                                  "schedule = ?7, min_session_a = ?8, failsafe_a = ?9, updated_at = ?10 WHERE id = ?1",
                                  id, s.name, s.unit, s.limit, s.phases, s.voltage, schedule_text(s.schedule),
                                  s.min_session_a, s.failsafe_a, s.updated_at);
        if (!changed) {
            return changed.error();
        }
        if (*changed == 0) {
            return std::optional<SiteRow>{};
        }
    }
    return find_site(db, id);
}

Result<std::int64_t> site_named(Connection& db, const std::string& name, std::int64_t except) {
    auto found = db.first([](const store::Statement& q) { return q.int64(0); },
                          "SELECT id FROM sites WHERE name = ?1 AND id <> ?2", name, except);
    if (!found) {
        return found.error();
    }
    return found->value_or(0);
}

Result<std::int64_t> count_sites(Connection& db) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM sites");
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

Result<bool> delete_site(Connection& db, std::int64_t id) {
    // The chargers first: no cascade is relied upon (SQLite may run without foreign keys).
    if (auto r = db.run("DELETE FROM site_chargers WHERE site_id = ?1", id); !r) {
        return r.error();
    }
    auto gone = db.execute("DELETE FROM sites WHERE id = ?1", id);
    if (!gone) {
        return gone.error();
    }
    return *gone > 0;
}

Result<std::optional<AssignProblem>> site_chargers_problem(Connection& db, std::int64_t id,
                                                           const std::vector<std::string>& chargers) {
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        const std::string field = "chargers/" + std::to_string(i);
        auto known = db.first([](const store::Statement& q) { return q.int64(0); },
                              "SELECT 1 FROM chargers WHERE chargebox_id = ?1", chargers[i]);
        if (!known) {
            return known.error();
        }
        if (!*known) {
            return std::optional<AssignProblem>(
                AssignProblem{field, "no charger \"" + chargers[i] + "\" is registered", true});
        }
        auto owner = db.first([](const store::Statement& q) { return q.int64(0); },
                              "SELECT site_id FROM site_chargers WHERE chargebox_id = ?1", chargers[i]);
        if (!owner) {
            return owner.error();
        }
        if (*owner && **owner != id) {
            return std::optional<AssignProblem>(
                AssignProblem{field,
                              "charger \"" + chargers[i] + "\" belongs to site " + std::to_string(**owner) +
                                  "; remove it there first (a charger belongs to at most one site)",
                              false});
        }
        // A TxDefaultProfile or TxProfile template could stack above load management's profiles and override them.
        auto held = db.first([](const store::Statement& q) { return q.int64(0); },
                             "SELECT template_id FROM charger_profiles WHERE chargebox_id = ?1 AND "
                             "purpose <> 'ChargePointMaxProfile' ORDER BY template_id LIMIT 1",
                             chargers[i]);
        if (!held) {
            return held.error();
        }
        if (*held) {
            return std::optional<AssignProblem>(
                AssignProblem{field,
                              "charger \"" + chargers[i] + "\" holds template " + std::to_string(**held) +
                                  ", which would override the site's limits; clear it there first (a site's "
                                  "chargers hold only ChargePointMaxProfile templates)",
                              false});
        }
    }
    return std::optional<AssignProblem>{};
}

Result<std::optional<AssignProblem>> set_site_chargers(Connection& db, std::int64_t id,
                                                       const std::vector<std::string>& chargers) {
    auto problem = site_chargers_problem(db, id, chargers);
    if (!problem || *problem) {
        return problem;
    }
    if (auto r = db.run("DELETE FROM site_chargers WHERE site_id = ?1", id); !r) {
        return r.error();
    }
    for (const auto& c : chargers) {
        if (auto r = db.run("INSERT INTO site_chargers(chargebox_id, site_id) VALUES(?1, ?2)", c, id); !r) {
            return r.error();
        }
    }
    return std::optional<AssignProblem>{};
}

Result<std::vector<ConnectorMax>> connector_maxima(Connection& db, const std::vector<std::string>& chargers,
                                                   double voltage) {
    std::vector<ConnectorMax> out;
    for (const auto& id : chargers) {
        auto rows = db.all(
            [&](const store::Statement& q) {
                ConnectorMax m;
                m.chargebox_id = id;
                m.connector_id = static_cast<int>(q.int64(0));
                const auto amps = q.opt_real(1);
                const auto kw = q.opt_real(2);
                const int phases = q.is_null(3) ? 3 : static_cast<int>(q.int64(3));
                m.max_a = amps ? *amps
                          : kw ? ocpp::smartcharging::amps_from_watts(*kw * 1000.0, std::max(1, phases), voltage)
                               : -1.0;
                return m;
            },
            "SELECT connector_id, max_current_a, max_power_kw, phases FROM charge_points WHERE chargebox_id = ?1", id);
        if (!rows) {
            return rows.error();
        }
        for (auto& m : *rows) {
            m.max_a = std::max(0.0, m.max_a);
            out.push_back(std::move(m));
        }
    }
    return out;
}

Result<std::vector<OpenSession>> open_sessions(Connection& db, const std::string& chargebox_id, std::size_t most) {
    return db.all(
        [](const store::Statement& q) {
            OpenSession o;
            o.transaction = q.int64(0);
            o.connector = static_cast<int>(q.int64(1));
            return o;
        },
        "SELECT id, connector_id FROM transactions WHERE chargebox_id = ?1 AND stop_ts IS NULL ORDER BY id LIMIT ?2",
        chargebox_id, static_cast<std::int64_t>(most));
}

} // namespace cs::db
