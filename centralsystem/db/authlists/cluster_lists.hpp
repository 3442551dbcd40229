#pragma once
// What a node of a cluster reads to keep its chargers' local lists in step with edits made through other nodes
// (authlists/local_lists_cluster.cpp): every group's version, and the chargers connected to the node that were moved
// to another group since their last sync.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

// Every local-list group with its version (at most kMaxListGroups).
ocpp::Result<std::vector<std::pair<std::string, std::int64_t>>> list_group_versions(store::Connection& db);
// Chargers connected to `node` that hold the list of a group they are no longer in, each with the group it is in
// now: those whose Chargebox ID comes after `after` ("": from the first), in that order, at most `limit`.
ocpp::Result<std::vector<std::pair<std::string, std::string>>>
moved_list_chargers(store::Connection& db, const std::string& node, const std::string& after, std::int64_t limit);

} // namespace cs::db
