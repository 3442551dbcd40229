#pragma once
// The local authorization list in the store (migration track "centralsystem-local-lists"). One list, of the default
// group (every charger), built from the id-tag registry: its version rises by one with every change of an id tag, and
// each tag remembers the version of its last change, so that a charger holding version v gets the tags changed after
// v as a Differential update. Per charger: the version it confirmed last and the last result.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

// Bounded: the list holds at most this many id tags (a bigger registry is refused with a clear result, not sent).
inline constexpr std::int64_t kMaxLocalListTags = 10000;

store::Migration local_lists_migration();
Result<void> migrate_local_lists(Connection& db);

// An id tag was added or changed: the list's version rises and the tag carries it.
Result<void> local_list_changed(Connection& db, std::string_view id_tag);

struct LocalListContent {
    std::int64_t version = 1;
    std::vector<IdTag> tags; // whole list, or the changes since a version
    std::int64_t total = 0;  // tags in the whole list
};
// The whole list (at most kMaxLocalListTags + 1 tags, so that "too many" shows).
Result<LocalListContent> local_list_full(Connection& db);
// The tags changed after `version`, with the current version and total.
Result<LocalListContent> local_list_since(Connection& db, std::int64_t version);

struct ChargerListState {
    std::string chargebox_id;
    std::int64_t version = -1; // the version the charger confirmed last; -1: never synced
    std::string result, detail, at;
};
Result<std::optional<ChargerListState>> charger_list_state(Connection& db, std::string_view id);
Result<void> set_charger_list_state(Connection& db, const ChargerListState& s);
// Every charger (in Chargebox ID order, at most `limit`) with its state (version -1 and empty result when none).
Result<std::vector<ChargerListState>> charger_list_states(Connection& db, std::int64_t limit);
// The list's current version.
Result<std::int64_t> local_list_version(Connection& db);

} // namespace cs::db
