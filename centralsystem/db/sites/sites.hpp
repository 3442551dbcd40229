#pragma once
// Load-management sites in the store: a site (its grid limit, time-of-day schedule, minimum per session, fail-safe
// limit) and the chargers assigned to it (a charger belongs to at most one). Kept in a migration track of its own
// ("centralsystem-sites").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "centralsystem/sites/allocation.hpp"
#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// One site as stored; limits are in `unit` ("A": A per phase, "kW": the whole site) as the operator gave them.
struct SiteRow {
    std::int64_t id = 0;
    std::string name, unit = "A";
    double limit = 0;
    int phases = 3;
    double voltage = 230;
    std::vector<sites::SchedulePeriod> schedule; // limit_a holds the limit in `unit`
    double min_session_a = 6, failsafe_a = 6;
    std::string created_at, updated_at;
    std::vector<std::string> chargers; // sorted
};

// The rules the sharing works with: every limit converted to A per phase.
sites::SiteRules rules_of(const SiteRow& site);

// A connector's maximum from commissioning (A per phase; 0 when neither current nor power was given).
struct ConnectorMax {
    std::string chargebox_id;
    int connector_id = 0;
    double max_a = 0;
};

store::Migration sites_migration();
Result<void> migrate_sites(Connection& db);

// Every site with its chargers, by id.
Result<std::vector<SiteRow>> list_sites(Connection& db);
Result<std::optional<SiteRow>> find_site(Connection& db, std::int64_t id);
// Another site's id with this name, or 0.
Result<std::int64_t> site_named(Connection& db, const std::string& name, std::int64_t except);
Result<std::int64_t> count_sites(Connection& db);
// Stores a new site (id 0) or replaces the fields of an existing one (chargers untouched); the stored row, or
// nullopt when the id does not exist.
Result<std::optional<SiteRow>> save_site(Connection& db, const SiteRow& site);
// false when there was no such site; its chargers are released.
Result<bool> delete_site(Connection& db, std::int64_t id);
// Why the chargers cannot join the site: one that does not exist or belongs to another site (the field names it),
// or empty when they were set (the site's whole list is replaced).
struct AssignProblem {
    std::string field, error;
    bool unknown_charger = false; // else: taken by another site
};
// The check alone (id 0: a site not stored yet), writing nothing.
Result<std::optional<AssignProblem>> site_chargers_problem(Connection& db, std::int64_t id,
                                                           const std::vector<std::string>& chargers);
Result<std::optional<AssignProblem>> set_site_chargers(Connection& db, std::int64_t id,
                                                       const std::vector<std::string>& chargers);
// Every connector of these chargers with its commissioned maximum (0: no figure given).
Result<std::vector<ConnectorMax>> connector_maxima(Connection& db, const std::vector<std::string>& chargers,
                                                   double voltage);

// The charger's transactions that are still open (at most `most`, oldest first): the sessions a node that takes the
// charger over from another steers from then on.
struct OpenSession {
    std::int64_t transaction = 0;
    int connector = 0;
};
Result<std::vector<OpenSession>> open_sessions(Connection& db, const std::string& chargebox_id, std::size_t most);

} // namespace cs::db
