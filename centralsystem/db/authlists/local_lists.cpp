// The local authorization list in the store (local_lists.hpp).
#include "centralsystem/db/authlists/local_lists.hpp"

#include "centralsystem/db/authlists/list_groups.hpp"
#include "store/ddl.hpp"

namespace cs::db {

namespace {

IdTag read_list_tag(const store::Statement& q) {
    IdTag t;
    t.id_tag = q.text(0);
    t.status = q.text(1);
    t.expiry_date = q.opt_text(2);
    t.parent_id_tag = q.opt_text(3);
    return t;
}

ChargerListState read_state(const store::Statement& q) {
    ChargerListState s;
    s.chargebox_id = q.text(0);
    s.version = q.is_null(1) ? -1 : q.int64(1);
    s.result = q.is_null(2) ? "" : q.text(2);
    s.detail = q.is_null(3) ? "" : q.text(3);
    s.at = q.is_null(4) ? "" : q.text(4);
    s.group = q.is_null(5) ? "" : q.text(5);
    return s;
}

// How many tags a group's whole list holds.
Result<std::int64_t> total_tags(Connection& db, const ListGroup& g) {
    auto n = g.tags == GroupTags::All
                 ? db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM id_tags")
                 : db.first([](const store::Statement& q) { return q.int64(0); },
                            "SELECT COUNT(*) FROM list_group_tags a JOIN id_tags t ON t.id_tag = a.id_tag WHERE "
                            "a.group_name = ?1",
                            g.name);
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

Result<ListGroup> group_named(Connection& db, std::string_view group) {
    auto g = find_list_group(db, group);
    if (!g) {
        return g.error();
    }
    if (!*g) {
        return ocpp::make_error(ocpp::ErrorKind::NotFound, "no local-list group \"" + std::string(group) + "\"");
    }
    return std::move(**g);
}

} // namespace

store::Migration local_lists_migration() {
    return store::portable_migration(1, R"sql(
        CREATE TABLE local_list_version (name TEXT PRIMARY KEY, version {int64} NOT NULL);
        INSERT INTO local_list_version(name, version) VALUES('default', 1);
        CREATE TABLE local_list_tags (id_tag TEXT PRIMARY KEY, version {int64} NOT NULL);
        CREATE INDEX local_list_tags_by_version ON local_list_tags(version);
        CREATE TABLE local_list_chargers (
            chargebox_id TEXT PRIMARY KEY, version {int64} NOT NULL DEFAULT -1,
            result TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', at TEXT NOT NULL DEFAULT '');
    )sql");
}

Result<void> migrate_local_lists(Connection& db) {
    return db.migrate("centralsystem-local-lists", {local_lists_migration()});
}

Result<std::vector<std::string>> local_list_changed(Connection& db, std::string_view id_tag) {
    auto groups = db.all([](const store::Statement& q) { return q.text(0); },
                         "SELECT g.name FROM list_groups g WHERE g.tags = 'all' OR EXISTS (SELECT 1 FROM "
                         "list_group_tags a WHERE a.group_name = g.name AND a.id_tag = ?1) ORDER BY g.name",
                         id_tag);
    if (!groups) {
        return groups.error();
    }
    for (const auto& g : *groups) {
        if (auto r = list_group_bump(db, g, id_tag, false); !r) {
            return r.error();
        }
    }
    return groups;
}

Result<LocalListContent> local_list_full(Connection& db, std::string_view group) {
    auto g = group_named(db, group);
    if (!g) {
        return g.error();
    }
    LocalListContent out;
    out.version = g->version;
    auto tags = g->tags == GroupTags::All
                    ? db.all(read_list_tag,
                             "SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags ORDER BY id_tag LIMIT ?1",
                             kMaxLocalListTags + 1)
                    : db.all(read_list_tag,
                             "SELECT t.id_tag, t.status, t.expiry_date, t.parent_id_tag FROM list_group_tags a JOIN "
                             "id_tags t ON t.id_tag = a.id_tag WHERE a.group_name = ?1 ORDER BY t.id_tag LIMIT ?2",
                             g->name, kMaxLocalListTags + 1);
    if (!tags) {
        return tags.error();
    }
    out.tags = std::move(*tags);
    auto total = total_tags(db, *g);
    if (!total) {
        return total.error();
    }
    out.total = *total;
    return out;
}

Result<LocalListContent> local_list_since(Connection& db, std::string_view group, std::int64_t version) {
    auto g = group_named(db, group);
    if (!g) {
        return g.error();
    }
    LocalListContent out;
    out.version = g->version;
    // A change that removed the tag, or of a tag no longer in the registry, takes it out of the charger's list.
    struct Change {
        IdTag tag;
        bool removed = false;
    };
    auto changes = db.all(
        [](const store::Statement& q) {
            Change c;
            c.tag.id_tag = q.text(0);
            c.removed = q.int64(1) != 0 || q.is_null(2);
            if (!c.removed) {
                c.tag.status = q.text(2);
                c.tag.expiry_date = q.opt_text(3);
                c.tag.parent_id_tag = q.opt_text(4);
            }
            return c;
        },
        "SELECT c.id_tag, c.removed, t.status, t.expiry_date, t.parent_id_tag FROM list_changes c LEFT JOIN id_tags t "
        "ON t.id_tag = c.id_tag WHERE c.group_name = ?1 AND c.version > ?2 ORDER BY c.id_tag LIMIT ?3",
        g->name, version, kMaxLocalListTags + 1);
    if (!changes) {
        return changes.error();
    }
    for (auto& c : *changes) {
        if (c.removed) {
            out.removed.push_back(std::move(c.tag.id_tag));
        } else {
            out.tags.push_back(std::move(c.tag));
        }
    }
    auto total = total_tags(db, *g);
    if (!total) {
        return total.error();
    }
    out.total = *total;
    return out;
}

Result<std::optional<ChargerListState>> charger_list_state(Connection& db, std::string_view id) {
    return db.first(read_state,
                    "SELECT chargebox_id, version, result, detail, at, list_group FROM local_list_chargers WHERE "
                    "chargebox_id = ?1",
                    id);
}

Result<void> set_charger_list_state(Connection& db, const ChargerListState& s) {
    if (auto r = db.run("DELETE FROM local_list_chargers WHERE chargebox_id = ?1", s.chargebox_id); !r) {
        return r;
    }
    return db.run(
        "INSERT INTO local_list_chargers(chargebox_id, version, result, detail, at, list_group) VALUES(?1, ?2, ?3, ?4, "
        "?5, ?6)",
        s.chargebox_id, s.version, s.result, s.detail, s.at, s.group);
}

Result<std::vector<std::pair<std::string, ChargerListState>>> charger_list_states(Connection& db, std::int64_t limit) {
    return db.all(
        [](const store::Statement& q) { return std::make_pair(q.text(6), read_state(q)); },
        "SELECT c.chargebox_id, s.version, s.result, s.detail, s.at, s.list_group, COALESCE(m.group_name, 'default') "
        "FROM chargers c LEFT JOIN local_list_chargers s ON s.chargebox_id = c.chargebox_id LEFT JOIN "
        "list_group_members m ON m.chargebox_id = c.chargebox_id ORDER BY c.chargebox_id LIMIT ?1",
        limit);
}

} // namespace cs::db
