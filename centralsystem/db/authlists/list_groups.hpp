#pragma once
// Local-list groups in the store (migration track "centralsystem-list-groups"). Each group has its own local list and
// list version: `default` (the group of every charger placed in no other group, which cannot be renamed or deleted)
// and up to kMaxListGroups - 1 named ones. A group's list holds either every id tag of the registry (All) or only the
// tags assigned to it (Assigned). Each (group, tag) remembers the version of its last change and whether that change
// removed the tag, so that a charger holding version v gets what changed after v as a Differential update; a change
// that reshapes the whole list (All <-> Assigned) sets full_from, below which only a Full update will do.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

inline constexpr const char* kDefaultListGroup = "default";
// Bounded: groups, the length of a name and description, the chargers in a named group, ids in one request.
inline constexpr std::int64_t kMaxListGroups = 100;
inline constexpr std::size_t kMaxListGroupName = 32;
inline constexpr std::size_t kMaxListGroupDescription = 200;
inline constexpr std::int64_t kMaxListGroupMembers = 10000;
inline constexpr std::size_t kMaxIdsPerListGroupEdit = 1000;

enum class GroupTags { All, Assigned };
const char* to_string(GroupTags t);
std::optional<GroupTags> group_tags_from(std::string_view text);

struct ListGroup {
    std::string name, description;
    GroupTags tags = GroupTags::Assigned;
    std::int64_t version = 1, full_from = 0;
    std::int64_t assigned = 0, members = 0; // tags assigned, chargers placed (default: those in no other group)
    std::int64_t size = 0;                  // id tags in its list
};

store::Migration list_groups_migration();
Result<void> migrate_list_groups(Connection& db);

// Every group, `default` first, then by name.
Result<std::vector<ListGroup>> list_groups(Connection& db);
Result<std::optional<ListGroup>> find_list_group(Connection& db, std::string_view name);
// The group a charger is in (`default` when it was placed in none).
Result<std::string> list_group_of(Connection& db, std::string_view chargebox_id);
// The chargers (Chargebox IDs) in a group, at most `limit`.
Result<std::vector<std::string>> list_group_chargers(Connection& db, std::string_view group, std::int64_t limit);
// The id tags assigned to a group (sorted, at most `limit`).
Result<std::vector<std::string>> list_group_tag_ids(Connection& db, std::string_view group, std::int64_t limit);
// The group's version rose: the tag carries the new version (removed: the change took it out of the list).
Result<void> list_group_bump(Connection& db, std::string_view group, std::string_view id_tag, bool removed);

// Why an edit was refused; nothing was changed then. `field` names the input at fault.
enum class GroupRefusal { None, NoSuchGroup, NameTaken, TooManyGroups, DefaultGroup, NoSuchCharger, NoSuchTag, Full };
struct GroupEdit {
    GroupRefusal refusal = GroupRefusal::None;
    std::string field, detail;
    std::vector<std::string> chargers; // chargers whose list must be synced now
    bool list_changed = false;         // the group's version rose
};
Result<GroupEdit> create_list_group(Connection& db, const ListGroup& g);
// Changes what is given; a new name moves every reference along.
Result<GroupEdit> update_list_group(Connection& db, std::string_view name, std::optional<std::string> new_name,
                                    std::optional<std::string> description, std::optional<GroupTags> tags);
// Deletes a named group; its chargers go back to `default` (and are listed in the answer to be synced).
Result<GroupEdit> delete_list_group(Connection& db, std::string_view name);
// Places chargers in a group (each leaves its former one); `chargers` in the answer: those that moved.
Result<GroupEdit> place_in_list_group(Connection& db, std::string_view name, const std::vector<std::string>& ids);
// Assigns and unassigns id tags (they must be in the registry to be added).
Result<GroupEdit> assign_list_group_tags(Connection& db, std::string_view name, const std::vector<std::string>& add,
                                         const std::vector<std::string>& remove);

} // namespace cs::db
