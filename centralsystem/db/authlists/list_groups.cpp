// Local-list groups in the store (list_groups.hpp).
#include "centralsystem/db/authlists/list_groups.hpp"

#include "centralsystem/db/authlists/local_lists.hpp"
#include "store/ddl.hpp"

namespace cs::db {

namespace {

ListGroup read_list_group(const store::Statement& q) {
    ListGroup g;
    g.name = q.text(0);
    g.description = q.text(1);
    g.tags = group_tags_from(q.text(2)).value_or(GroupTags::Assigned);
    g.version = q.int64(3);
    g.full_from = q.int64(4);
    g.assigned = q.int64(5);
    g.size = q.int64(6);
    return g;
}

constexpr const char* kGroupColumns =
    "SELECT g.name, g.description, g.tags, g.version, g.full_from, "
    "(SELECT COUNT(*) FROM list_group_tags a WHERE a.group_name = g.name), CASE WHEN g.tags = 'all' THEN (SELECT "
    "COUNT(*) FROM id_tags) ELSE (SELECT COUNT(*) FROM list_group_tags a JOIN id_tags t ON t.id_tag = a.id_tag WHERE "
    "a.group_name = g.name) END FROM list_groups g";

GroupEdit refused(GroupRefusal why, std::string field, std::string detail) {
    GroupEdit e;
    e.refusal = why;
    e.field = std::move(field);
    e.detail = std::move(detail);
    return e;
}

Result<std::int64_t> count_of(Connection& db, std::string_view sql, std::string_view arg) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); }, sql, arg);
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

// The index of the first id `count_sql` counts no row for, or nothing: a refusal then names "field/index".
Result<std::optional<std::size_t>> first_missing(Connection& db, std::string_view count_sql,
                                                 const std::vector<std::string>& ids) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto n = count_of(db, count_sql, ids[i]);
        if (!n) {
            return n.error();
        }
        if (*n == 0) {
            return std::optional<std::size_t>(i);
        }
    }
    return std::optional<std::size_t>();
}

} // namespace

const char* to_string(GroupTags t) {
    return t == GroupTags::All ? "all" : "assigned";
}

std::optional<GroupTags> group_tags_from(std::string_view text) {
    if (text == "all") {
        return GroupTags::All;
    }
    if (text == "assigned") {
        return GroupTags::Assigned;
    }
    return std::nullopt;
}

store::Migration list_groups_migration() {
    // The default group takes over the one list of the local-lists track: its version and its tags' versions. The old
    // tables stay (unused from here on), so nodes not yet upgraded on a shared database keep working meanwhile.
    return store::portable_migration(1, R"sql(
        CREATE TABLE list_groups (
            name TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT 'assigned',
            version {int64} NOT NULL DEFAULT 1, full_from {int64} NOT NULL DEFAULT 0);
        INSERT INTO list_groups(name, description, tags, version, full_from)
            SELECT 'default', 'every charger in no other group', 'all', version, 0 FROM local_list_version
            WHERE name = 'default';
        CREATE TABLE list_group_members (chargebox_id TEXT PRIMARY KEY, group_name TEXT NOT NULL);
        CREATE INDEX list_group_members_by_group ON list_group_members(group_name);
        CREATE TABLE list_group_tags (group_name TEXT NOT NULL, id_tag TEXT NOT NULL, PRIMARY KEY(group_name, id_tag));
        CREATE TABLE list_changes (
            group_name TEXT NOT NULL, id_tag TEXT NOT NULL, version {int64} NOT NULL,
            removed {int64} NOT NULL DEFAULT 0, PRIMARY KEY(group_name, id_tag));
        CREATE INDEX list_changes_by_version ON list_changes(group_name, version);
        INSERT INTO list_changes(group_name, id_tag, version, removed)
            SELECT 'default', id_tag, version, 0 FROM local_list_tags;
        ALTER TABLE local_list_chargers ADD COLUMN list_group TEXT NOT NULL DEFAULT 'default';
    )sql");
}

Result<void> migrate_list_groups(Connection& db) {
    return db.migrate("centralsystem-list-groups", {list_groups_migration()});
}

Result<std::vector<ListGroup>> list_groups(Connection& db) {
    auto groups = db.all(read_list_group, std::string(kGroupColumns) +
                                              " ORDER BY CASE WHEN g.name = 'default' THEN 0 ELSE 1 END, g.name");
    if (!groups) {
        return groups.error();
    }
    auto placed = db.all([](const store::Statement& q) { return std::make_pair(q.text(0), q.int64(1)); },
                         "SELECT m.group_name, COUNT(*) FROM list_group_members m JOIN chargers c ON c.chargebox_id = "
                         "m.chargebox_id GROUP BY m.group_name");
    if (!placed) {
        return placed.error();
    }
    auto all = db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM chargers");
    if (!all) {
        return all.error();
    }
    std::int64_t elsewhere = 0;
    for (auto& g : *groups) {
        for (const auto& [name, n] : *placed) {
            if (name == g.name) {
                g.members = n;
            }
        }
        elsewhere += g.name == kDefaultListGroup ? 0 : g.members;
    }
    for (auto& g : *groups) {
        if (g.name == kDefaultListGroup) {
            g.members = all->value_or(0) - elsewhere;
        }
    }
    return groups;
}

Result<std::optional<ListGroup>> find_list_group(Connection& db, std::string_view name) {
    return db.first(read_list_group, std::string(kGroupColumns) + " WHERE g.name = ?1", name);
}

Result<std::string> list_group_of(Connection& db, std::string_view chargebox_id) {
    auto g = db.first([](const store::Statement& q) { return q.text(0); },
                      "SELECT group_name FROM list_group_members WHERE chargebox_id = ?1", chargebox_id);
    if (!g) {
        return g.error();
    }
    return g->value_or(kDefaultListGroup);
}

Result<std::vector<std::string>> list_group_chargers(Connection& db, std::string_view group, std::int64_t limit) {
    return db.all([](const store::Statement& q) { return q.text(0); },
                  "SELECT c.chargebox_id FROM chargers c LEFT JOIN list_group_members m ON m.chargebox_id = "
                  "c.chargebox_id WHERE COALESCE(m.group_name, 'default') = ?1 ORDER BY c.chargebox_id LIMIT ?2",
                  group, limit);
}

Result<std::vector<std::string>> list_group_tag_ids(Connection& db, std::string_view group, std::int64_t limit) {
    return db.all([](const store::Statement& q) { return q.text(0); },
                  "SELECT id_tag FROM list_group_tags WHERE group_name = ?1 ORDER BY id_tag LIMIT ?2", group, limit);
}

Result<void> list_group_bump(Connection& db, std::string_view group, std::string_view id_tag, bool removed) {
    if (auto r = db.run("UPDATE list_groups SET version = version + 1 WHERE name = ?1", group); !r) {
        return r;
    }
    if (auto r = db.run("DELETE FROM list_changes WHERE group_name = ?1 AND id_tag = ?2", group, id_tag); !r) {
        return r;
    }
    return db.run("INSERT INTO list_changes(group_name, id_tag, version, removed) SELECT name, ?2, version, ?3 FROM "
                  "list_groups WHERE name = ?1",
                  group, id_tag, std::int64_t{removed ? 1 : 0});
}

Result<GroupEdit> create_list_group(Connection& db, const ListGroup& g) {
    auto existing = find_list_group(db, g.name);
    if (!existing) {
        return existing.error();
    }
    if (*existing) {
        return refused(GroupRefusal::NameTaken, "name", "a group named \"" + g.name + "\" exists");
    }
    auto n = count_of(db, "SELECT COUNT(*) FROM list_groups WHERE name <> ?1", "");
    if (!n) {
        return n.error();
    }
    if (*n >= kMaxListGroups) {
        return refused(GroupRefusal::TooManyGroups, "name",
                       "there are " + std::to_string(*n) + " groups, the most this central system keeps");
    }
    if (auto r = db.run("INSERT INTO list_groups(name, description, tags, version, full_from) VALUES(?1, ?2, ?3, 1, 0)",
                        g.name, g.description, to_string(g.tags));
        !r) {
        return r.error();
    }
    return GroupEdit{};
}

Result<GroupEdit> update_list_group(Connection& db, std::string_view name, std::optional<std::string> new_name,
                                    std::optional<std::string> description, std::optional<GroupTags> tags) {
    auto group = find_list_group(db, name);
    if (!group) {
        return group.error();
    }
    if (!*group) {
        return refused(GroupRefusal::NoSuchGroup, "group", "no local-list group \"" + std::string(name) + "\"");
    }
    GroupEdit edit;
    const std::string from(name);
    std::string at = from;
    if (new_name && *new_name != from) {
        if (from == kDefaultListGroup) {
            return refused(GroupRefusal::DefaultGroup, "name", "the default group keeps its name");
        }
        auto taken = find_list_group(db, *new_name);
        if (!taken) {
            return taken.error();
        }
        if (*taken) {
            return refused(GroupRefusal::NameTaken, "name", "a group named \"" + *new_name + "\" exists");
        }
        for (const char* sql : {"UPDATE list_groups SET name = ?2 WHERE name = ?1",
                                "UPDATE list_group_members SET group_name = ?2 WHERE group_name = ?1",
                                "UPDATE list_group_tags SET group_name = ?2 WHERE group_name = ?1",
                                "UPDATE list_changes SET group_name = ?2 WHERE group_name = ?1",
                                "UPDATE local_list_chargers SET list_group = ?2 WHERE list_group = ?1"}) {
            if (auto r = db.run(sql, from, *new_name); !r) {
                return r.error();
            }
        }
        at = *new_name;
    }
    if (description) {
        if (auto r = db.run("UPDATE list_groups SET description = ?2 WHERE name = ?1", at, *description); !r) {
            return r.error();
        }
    }
    if (tags && *tags != (*group)->tags) {
        // Another kind of list: whatever a charger holds, only the whole new list will do.
        if (auto r = db.run("UPDATE list_groups SET tags = ?2, version = version + 1, full_from = version + 1 WHERE "
                            "name = ?1",
                            at, to_string(*tags));
            !r) {
            return r.error();
        }
        edit.list_changed = true;
    }
    return edit;
}

Result<GroupEdit> delete_list_group(Connection& db, std::string_view name) {
    if (name == kDefaultListGroup) {
        return refused(GroupRefusal::DefaultGroup, "group", "the default group holds every other charger");
    }
    auto group = find_list_group(db, name);
    if (!group) {
        return group.error();
    }
    if (!*group) {
        return refused(GroupRefusal::NoSuchGroup, "group", "no local-list group \"" + std::string(name) + "\"");
    }
    GroupEdit edit;
    auto members = list_group_chargers(db, name, kMaxListGroupMembers + 1);
    if (!members) {
        return members.error();
    }
    edit.chargers = std::move(*members);
    // A state naming the deleted group never matches a group again, even a new one of that name.
    for (const char* sql :
         {"DELETE FROM list_group_members WHERE group_name = ?1", "DELETE FROM list_group_tags WHERE group_name = ?1",
          "DELETE FROM list_changes WHERE group_name = ?1",
          "UPDATE local_list_chargers SET list_group = '' WHERE list_group = ?1",
          "DELETE FROM list_groups WHERE name = ?1"}) {
        if (auto r = db.run(sql, name); !r) {
            return r.error();
        }
    }
    return edit;
}

Result<GroupEdit> place_in_list_group(Connection& db, std::string_view name, const std::vector<std::string>& ids) {
    auto group = find_list_group(db, name);
    if (!group) {
        return group.error();
    }
    if (!*group) {
        return refused(GroupRefusal::NoSuchGroup, "group", "no local-list group \"" + std::string(name) + "\"");
    }
    auto missing = first_missing(db, "SELECT COUNT(*) FROM chargers WHERE chargebox_id = ?1", ids);
    if (!missing) {
        return missing.error();
    }
    if (const auto i = *missing) {
        return refused(GroupRefusal::NoSuchCharger, "chargeBoxIds/" + std::to_string(*i),
                       "no charger \"" + ids[*i] + "\"");
    }
    if (name != kDefaultListGroup) {
        auto n = count_of(db, "SELECT COUNT(*) FROM list_group_members WHERE group_name = ?1", name);
        if (!n) {
            return n.error();
        }
        if (*n + static_cast<std::int64_t>(ids.size()) > kMaxListGroupMembers) {
            return refused(GroupRefusal::Full, "chargeBoxIds",
                           "a group holds at most " + std::to_string(kMaxListGroupMembers) + " chargers");
        }
    }
    GroupEdit edit;
    for (const auto& id : ids) {
        auto was = list_group_of(db, id);
        if (!was) {
            return was.error();
        }
        if (*was == name) {
            continue;
        }
        if (auto r = db.run("DELETE FROM list_group_members WHERE chargebox_id = ?1", id); !r) {
            return r.error();
        }
        if (name != kDefaultListGroup) {
            if (auto r = db.run("INSERT INTO list_group_members(chargebox_id, group_name) VALUES(?1, ?2)", id, name);
                !r) {
                return r.error();
            }
        }
        edit.chargers.push_back(id);
    }
    return edit;
}

Result<GroupEdit> assign_list_group_tags(Connection& db, std::string_view name, const std::vector<std::string>& add,
                                         const std::vector<std::string>& remove) {
    auto group = find_list_group(db, name);
    if (!group) {
        return group.error();
    }
    if (!*group) {
        return refused(GroupRefusal::NoSuchGroup, "group", "no local-list group \"" + std::string(name) + "\"");
    }
    auto missing = first_missing(db, "SELECT COUNT(*) FROM id_tags WHERE id_tag = ?1", add);
    if (!missing) {
        return missing.error();
    }
    if (const auto i = *missing) {
        return refused(GroupRefusal::NoSuchTag, "add/" + std::to_string(*i),
                       "no id tag \"" + add[*i] + "\" in the registry (POST /api/v1/idtags first)");
    }
    if ((*group)->assigned + static_cast<std::int64_t>(add.size()) > kMaxLocalListTags) {
        return refused(GroupRefusal::Full, "add",
                       "a group holds at most " + std::to_string(kMaxLocalListTags) + " assigned id tags");
    }
    const bool listed = (*group)->tags == GroupTags::Assigned;
    GroupEdit edit;
    const auto change = [&](const std::string& tag, bool assign) -> Result<void> {
        auto has = db.first([](const store::Statement& q) { return q.int64(0); },
                            "SELECT COUNT(*) FROM list_group_tags WHERE group_name = ?1 AND id_tag = ?2", name, tag);
        if (!has) {
            return has.error();
        }
        if ((has->value_or(0) > 0) == assign) {
            return {}; // already so
        }
        auto r = assign ? db.run("INSERT INTO list_group_tags(group_name, id_tag) VALUES(?1, ?2)", name, tag)
                        : db.run("DELETE FROM list_group_tags WHERE group_name = ?1 AND id_tag = ?2", name, tag);
        if (!r || !listed) {
            return r;
        }
        edit.list_changed = true;
        return list_group_bump(db, name, tag, !assign);
    };
    for (const auto& tag : add) {
        if (auto r = change(tag, true); !r) {
            return r.error();
        }
    }
    for (const auto& tag : remove) {
        if (auto r = change(tag, false); !r) {
            return r.error();
        }
    }
    return edit;
}

} // namespace cs::db
