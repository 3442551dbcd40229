#pragma once
// The local authorization lists in the store (migration track "centralsystem-local-lists", groups in
// list_groups.hpp): each group's list is built from the id-tag registry, its version rises by one with every change of
// a tag in it, and each tag remembers the version of its last change in that group, so that a charger holding version
// v gets the tags changed (or removed) after v as a Differential update. Per charger: the group and version it
// confirmed last and the last result.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

// Bounded: the list holds at most this many id tags (a bigger registry is refused with a clear result, not sent).
inline constexpr std::int64_t kMaxLocalListTags = 10000;

store::Migration local_lists_migration();
Result<void> migrate_local_lists(Connection& db);

// An id tag was added or changed: the version of every group whose list holds it rises and the tag carries it; the
// answer names those groups.
Result<std::vector<std::string>> local_list_changed(Connection& db, std::string_view id_tag);

struct LocalListContent {
    std::int64_t version = 1;
    std::vector<IdTag> tags;          // whole list, or the changes since a version
    std::vector<std::string> removed; // the tags taken out since a version (Differential only)
    std::int64_t total = 0;           // tags in the whole list
};
// A group's whole list (at most kMaxLocalListTags + 1 tags, so that "too many" shows).
Result<LocalListContent> local_list_full(Connection& db, std::string_view group);
// The tags of a group changed or removed after `version`, with the current version and total.
Result<LocalListContent> local_list_since(Connection& db, std::string_view group, std::int64_t version);

struct ChargerListState {
    std::string chargebox_id;
    std::string group;         // the group whose list the version is of ("" once that group was deleted)
    std::int64_t version = -1; // the version the charger confirmed last; -1: never synced
    std::string result, detail, at;
};
Result<std::optional<ChargerListState>> charger_list_state(Connection& db, std::string_view id);
Result<void> set_charger_list_state(Connection& db, const ChargerListState& s);
// Every charger (in Chargebox ID order, at most `limit`) with its state (version -1 and empty result when none) and,
// first, the group it is in now.
Result<std::vector<std::pair<std::string, ChargerListState>>> charger_list_states(Connection& db, std::int64_t limit);

} // namespace cs::db
