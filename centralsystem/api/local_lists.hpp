#pragma once
// /api/v1/local-lists: the local authorization list of the default group (every charger) with each charger's sync
// state, and a resync of one charger or of all (authlists/local_lists.hpp does the work).
#include <string>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// GET /api/v1/local-lists: the groups, their list's version and size, and per charger its version and last result.
void list_local_lists(CentralSystem& cs, Respond respond);
// POST /api/v1/local-lists/{group}/sync: {"chargeBoxId"?, "full"?}; 202 once queued.
void sync_local_list(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond);

} // namespace cs::api
