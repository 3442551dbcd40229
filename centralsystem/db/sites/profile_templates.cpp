// Charging-profile templates in the store (profile_templates.hpp).
#include "centralsystem/db/sites/profile_templates.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kTemplateColumns = "id, name, purpose, stack_level, profile, created_at";

ProfileTemplateRow read_template(const store::Statement& q) {
    ProfileTemplateRow t;
    t.id = q.int64(0);
    t.name = q.text(1);
    t.purpose = q.text(2);
    t.stack_level = static_cast<int>(q.int64(3));
    t.profile = q.text(4);
    t.created_at = q.text(5);
    return t;
}

InstalledProfileRow read_installed(const store::Statement& q) {
    InstalledProfileRow r;
    r.chargebox_id = q.text(0);
    r.connector_id = static_cast<int>(q.int64(1));
    r.profile_id = static_cast<int>(q.int64(2));
    r.template_id = q.int64(3);
    r.template_name = q.text(4);
    r.purpose = q.text(5);
    r.stack_level = static_cast<int>(q.int64(6));
    r.installed_at = q.text(7);
    return r;
}

Result<std::int64_t> count_rows(Connection& db, std::string_view sql, std::int64_t arg) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); }, sql, arg);
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

} // namespace

store::Migration profile_templates_migration() {
    return store::portable_migration(2, R"sql(
        CREATE TABLE profile_templates (
            id {id},
            name TEXT NOT NULL UNIQUE, purpose TEXT NOT NULL, stack_level INTEGER NOT NULL, profile TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE charger_profiles (
            chargebox_id TEXT NOT NULL, connector_id INTEGER NOT NULL, profile_id INTEGER NOT NULL,
            template_id {int64} NOT NULL REFERENCES profile_templates(id), purpose TEXT NOT NULL,
            stack_level INTEGER NOT NULL, installed_at TEXT NOT NULL,
            PRIMARY KEY (chargebox_id, connector_id, profile_id));
        CREATE INDEX charger_profiles_by_template ON charger_profiles(template_id);
    )sql");
}

Result<std::vector<ProfileTemplateRow>> list_profile_templates(Connection& db) {
    return db.all(read_template, "SELECT " + std::string(kTemplateColumns) + " FROM profile_templates ORDER BY id");
}

Result<std::optional<ProfileTemplateRow>> find_profile_template(Connection& db, std::int64_t id) {
    return db.first(read_template, "SELECT " + std::string(kTemplateColumns) + " FROM profile_templates WHERE id = ?1",
                    id);
}

Result<TemplateAdded> add_profile_template(Connection& db, const ProfileTemplateRow& row) {
    TemplateAdded out;
    auto n = count_rows(db, "SELECT COUNT(*) FROM profile_templates WHERE id > ?1", 0);
    if (!n) {
        return n.error();
    }
    if (*n >= static_cast<std::int64_t>(kMaxProfileTemplates)) {
        out.full = true;
        return out;
    }
    auto taken = db.first([](const store::Statement& q) { return q.int64(0); },
                          "SELECT id FROM profile_templates WHERE name = ?1", row.name);
    if (!taken) {
        return taken.error();
    }
    if (*taken) {
        return out;
    }
    auto made = db.first([](const store::Statement& q) { return q.int64(0); },
                         "INSERT INTO profile_templates(name, purpose, stack_level, profile, created_at) "
                         "VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id",
                         row.name, row.purpose, row.stack_level, row.profile, row.created_at);
    if (!made) {
        return made.error();
    }
    const auto id = made->value_or(0);
    if (id > kMaxProfileTemplateId) {
        // Ids only grow: keep none above the bound (the sequence stays past it, so every later add is refused too).
        auto undone = db.run("DELETE FROM profile_templates WHERE id = ?1", id);
        if (!undone) {
            return undone.error();
        }
        out.exhausted = true;
        return out;
    }
    out.id = id;
    return out;
}

Result<std::int64_t> template_installations(Connection& db, std::int64_t id) {
    return count_rows(db, "SELECT COUNT(*) FROM charger_profiles WHERE template_id = ?1", id);
}

Result<bool> delete_profile_template(Connection& db, std::int64_t id) {
    auto gone = db.execute("DELETE FROM profile_templates WHERE id = ?1", id);
    if (!gone) {
        return gone.error();
    }
    return *gone > 0;
}

Result<void> record_installed_profile(Connection& db, const InstalledProfileRow& row) {
    // Both statements in the caller's transaction (the store worker runs each task in one).
    auto replaced = db.run("DELETE FROM charger_profiles WHERE chargebox_id = ?1 AND connector_id = ?2 AND "
                           "(profile_id = ?3 OR (purpose = ?4 AND stack_level = ?5))",
                           row.chargebox_id, row.connector_id, row.profile_id, row.purpose, row.stack_level);
    if (!replaced) {
        return replaced.error();
    }
    return db.run("INSERT INTO charger_profiles(chargebox_id, connector_id, profile_id, template_id, purpose, "
                  "stack_level, installed_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  row.chargebox_id, row.connector_id, row.profile_id, row.template_id, row.purpose, row.stack_level,
                  row.installed_at);
}

Result<void> forget_installed_profile(Connection& db, const std::string& chargebox_id, int profile_id) {
    return db.run("DELETE FROM charger_profiles WHERE chargebox_id = ?1 AND profile_id = ?2", chargebox_id, profile_id);
}

Result<std::vector<InstalledProfileRow>> installed_profiles(Connection& db, const std::string& chargebox_id) {
    return db.all(read_installed,
                  "SELECT p.chargebox_id, p.connector_id, p.profile_id, p.template_id, t.name, p.purpose, "
                  "p.stack_level, p.installed_at FROM charger_profiles p JOIN profile_templates t ON t.id = "
                  "p.template_id WHERE p.chargebox_id = ?1 ORDER BY p.connector_id, p.purpose, p.stack_level",
                  chargebox_id);
}

} // namespace cs::db
