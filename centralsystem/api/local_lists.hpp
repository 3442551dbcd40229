#pragma once
// /api/v1/local-lists: the local-list groups (db/list_groups.hpp) with each charger's sync state, resyncs of one
// charger or of a group, and the groups' set-up: create, rename, delete, place chargers, assign id tags
// (authlists/local_lists.hpp does the syncing).
#include <string>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/authlists/list_groups.hpp"

namespace cs::api {

// A group's members (name, description, idTags, version, size, assignedIdTags, members) into an open object.
void write_list_group(Writer& w, const db::ListGroup& g);
// GET /api/v1/local-lists: the groups, their list's version and size, and per charger its version and last result.
void list_local_lists(CentralSystem& cs, Respond respond);
// POST /api/v1/local-lists/{group}/sync: {"chargeBoxId"?, "full"?}; 202 once queued.
void sync_local_list(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond);
// POST /api/v1/local-lists: {"name", "description"?, "idTags"?: "all" | "assigned"}; 201.
void create_list_group(CentralSystem& cs, const HttpRequest& req, Respond respond);
// GET /api/v1/local-lists/{group}: the group with its assigned id tags and its chargers.
void get_list_group(CentralSystem& cs, const std::string& group, Respond respond);
// PATCH /api/v1/local-lists/{group}: {"name"?, "description"?, "idTags"?}.
void patch_list_group(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond);
// DELETE /api/v1/local-lists/{group}: its chargers go back to default.
void delete_list_group(CentralSystem& cs, const std::string& group, Respond respond);
// POST /api/v1/local-lists/{group}/chargers: {"chargeBoxIds": [...]} placed in the group.
void place_list_group_chargers(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond);
// POST /api/v1/local-lists/{group}/idtags: {"add"?: [...], "remove"?: [...]}.
void assign_list_group_tags(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond);

} // namespace cs::api
