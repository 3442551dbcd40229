#pragma once
// Sessions across chargers for the sessions page and the billing export (CSV and OCPI CDRs): each transaction with
// what its charger and charge point say about it, and the price sets of those chargers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

struct SessionQuery {
    std::string from, to;                       // start time in [from, to), RFC 3339 UTC ("" = open)
    std::string provider, chargebox_id, id_tag; // exact matches ("" = any)
    std::string state;                          // "running", "finished" or "" (both)
    bool finished_only_billable = false;        // the export: finished and not blocked only
    std::optional<std::int64_t> before_id;      // newest first, ids below this (the next page of the list)
    std::optional<std::int64_t> after_id;       // oldest first, ids above this (the next page of an export)
    int limit = 100;
};

// A session with its charger's provider, address and position and its charge point's EVSE ID and connector.
struct SessionRow {
    Transaction tx; // meter_last set for running sessions
    std::string provider;
    std::optional<Address> address;
    std::optional<double> latitude, longitude;
    std::optional<std::string> evse_id;
    std::string standard, format, power_type;
};

struct SessionPage {
    std::vector<SessionRow> rows;
    std::map<std::string, std::vector<PriceSet>> prices; // of the chargers of these rows
    bool more = false;                                   // another page follows
};
// The statement for a query: its text and, in placeholder order, before/after ids, the given text filters, limit.
struct SessionSql {
    std::string sql;
    std::vector<std::int64_t> ints; // ?1 before, ?2 after, then after the texts the limit
    std::vector<std::string> texts; // ?3 ... in order
};
SessionSql session_sql(const SessionQuery& q);
Result<SessionPage> list_sessions(Connection& db, const SessionQuery& q);

} // namespace cs::db
