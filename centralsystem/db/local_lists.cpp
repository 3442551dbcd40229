// The local authorization list in the store (local_lists.hpp).
#include "centralsystem/db/local_lists.hpp"

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
    return s;
}

Result<std::int64_t> total_tags(Connection& db) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); }, "SELECT COUNT(*) FROM id_tags");
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
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

Result<std::int64_t> local_list_version(Connection& db) {
    auto v = db.first([](const store::Statement& q) { return q.int64(0); },
                      "SELECT version FROM local_list_version WHERE name = 'default'");
    if (!v) {
        return v.error();
    }
    return v->value_or(1);
}

Result<void> local_list_changed(Connection& db, std::string_view id_tag) {
    if (auto r = db.run("UPDATE local_list_version SET version = version + 1 WHERE name = 'default'"); !r) {
        return r;
    }
    auto v = local_list_version(db);
    if (!v) {
        return v.error();
    }
    if (auto r = db.run("DELETE FROM local_list_tags WHERE id_tag = ?1", id_tag); !r) {
        return r;
    }
    return db.run("INSERT INTO local_list_tags(id_tag, version) VALUES(?1, ?2)", id_tag, *v);
}

Result<LocalListContent> local_list_full(Connection& db) {
    LocalListContent out;
    auto v = local_list_version(db);
    if (!v) {
        return v.error();
    }
    out.version = *v;
    auto tags =
        db.all(read_list_tag, "SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags ORDER BY id_tag LIMIT ?1",
               kMaxLocalListTags + 1);
    if (!tags) {
        return tags.error();
    }
    out.tags = std::move(*tags);
    auto total = total_tags(db);
    if (!total) {
        return total.error();
    }
    out.total = *total;
    return out;
}

Result<LocalListContent> local_list_since(Connection& db, std::int64_t version) {
    LocalListContent out;
    auto v = local_list_version(db);
    if (!v) {
        return v.error();
    }
    out.version = *v;
    auto tags =
        db.all(read_list_tag,
               "SELECT t.id_tag, t.status, t.expiry_date, t.parent_id_tag FROM id_tags t JOIN local_list_tags c "
               "ON c.id_tag = t.id_tag WHERE c.version > ?1 ORDER BY t.id_tag LIMIT ?2",
               version, kMaxLocalListTags + 1);
    if (!tags) {
        return tags.error();
    }
    out.tags = std::move(*tags);
    auto total = total_tags(db);
    if (!total) {
        return total.error();
    }
    out.total = *total;
    return out;
}

Result<std::optional<ChargerListState>> charger_list_state(Connection& db, std::string_view id) {
    return db.first(read_state,
                    "SELECT chargebox_id, version, result, detail, at FROM local_list_chargers WHERE chargebox_id = ?1",
                    id);
}

Result<void> set_charger_list_state(Connection& db, const ChargerListState& s) {
    if (auto r = db.run("DELETE FROM local_list_chargers WHERE chargebox_id = ?1", s.chargebox_id); !r) {
        return r;
    }
    return db.run(
        "INSERT INTO local_list_chargers(chargebox_id, version, result, detail, at) VALUES(?1, ?2, ?3, ?4, ?5)",
        s.chargebox_id, s.version, s.result, s.detail, s.at);
}

Result<std::vector<ChargerListState>> charger_list_states(Connection& db, std::int64_t limit) {
    return db.all(read_state,
                  "SELECT c.chargebox_id, s.version, s.result, s.detail, s.at FROM chargers c LEFT JOIN "
                  "local_list_chargers s ON s.chargebox_id = c.chargebox_id ORDER BY c.chargebox_id LIMIT ?1",
                  limit);
}

} // namespace cs::db
