// Charging-profile templates in the store on both backends: names are unique and the count is bounded; an installed
// profile replaces the one of the same id or the same purpose and stack level on its connector (as the charger does);
// clearing forgets it on every connector; a template still installed somewhere is not deleted.
#include "centralsystem/db/sites/profile_templates.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {

namespace {

class TemplateStore : public StoreTest {
protected:
    std::int64_t add(const std::string& name, const std::string& purpose = "ChargePointMaxProfile", int stack = 1) {
        db::ProfileTemplateRow row;
        row.name = name;
        row.purpose = purpose;
        row.stack_level = stack;
        row.profile = R"({"chargingProfileId":0})";
        row.created_at = "2026-01-01T00:00:00Z";
        auto made = db::add_profile_template(*db_, row);
        EXPECT_TRUE(made) << made.error().message;
        return made ? made->id : -1;
    }
    void install(const std::string& charger, int connector, std::int64_t tmpl, const std::string& purpose, int stack) {
        db::InstalledProfileRow row{charger, connector, static_cast<int>(100000 + tmpl), tmpl, "",
                                    purpose, stack,     "2026-01-01T00:00:00Z"};
        auto r = db::record_installed_profile(*db_, row);
        ASSERT_TRUE(r) << r.error().message;
    }
    // "connector:profileId:name" of what a charger holds.
    std::vector<std::string> held(const std::string& charger) {
        std::vector<std::string> out;
        auto rows = db::installed_profiles(*db_, charger);
        EXPECT_TRUE(rows) << rows.error().message;
        for (const auto& r : rows ? *rows : std::vector<db::InstalledProfileRow>{}) {
            out.push_back(std::to_string(r.connector_id) + ":" + std::to_string(r.profile_id) + ":" + r.template_name);
        }
        return out;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, TemplateStore, ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql),
                         backend_name);

TEST_P(TemplateStore, NamesAreUniqueAndTheCountIsBounded) {
    const auto first = add("Max 16");
    EXPECT_GT(first, 0);
    EXPECT_EQ(add("Max 16"), 0); // taken
    for (std::size_t i = 1; i < db::kMaxProfileTemplates; ++i) {
        EXPECT_GT(add("T" + std::to_string(i)), 0);
    }
    db::ProfileTemplateRow one_more;
    one_more.name = "One more";
    one_more.purpose = "ChargePointMaxProfile";
    one_more.profile = "{}";
    auto full = db::add_profile_template(*db_, one_more);
    ASSERT_TRUE(full);
    EXPECT_TRUE(full->full);
    EXPECT_EQ(full->id, 0);
    auto all = db::list_profile_templates(*db_);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), db::kMaxProfileTemplates);
    auto found = db::find_profile_template(*db_, first);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->name, "Max 16");
}

TEST_P(TemplateStore, IdsStopBelowTheBoundSoProfileIdsNeverReachLoadManagements) {
    ASSERT_GT(add("First"), 0);
    // As after years of creating and deleting templates: the next id handed out is the last allowed one.
    const auto moved = GetParam() == store::Dialect::Sqlite
                           ? db_->run("UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'profile_templates'",
                                      db::kMaxProfileTemplateId - 1)
                           : db_->run("SELECT setval(pg_get_serial_sequence('profile_templates', 'id'), ?1)",
                                      db::kMaxProfileTemplateId - 1);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(add("Last"), db::kMaxProfileTemplateId);
    for (const char* name : {"Past", "Still past"}) {
        db::ProfileTemplateRow row;
        row.name = name;
        row.purpose = "ChargePointMaxProfile";
        row.profile = "{}";
        auto r = db::add_profile_template(*db_, row);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_TRUE(r->exhausted) << name;
        EXPECT_EQ(r->id, 0) << name;
    }
    auto all = db::list_profile_templates(*db_);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u); // nothing stored past the bound
}

TEST_P(TemplateStore, AnInstalledProfileReplacesItsIdOrPurposeAndStackLevelOnItsConnector) {
    const auto a = add("A", "TxDefaultProfile", 2);
    const auto b = add("B", "TxDefaultProfile", 2);
    const auto c = add("C", "ChargePointMaxProfile", 1);
    install("CP1", 0, a, "TxDefaultProfile", 2);
    install("CP1", 0, c, "ChargePointMaxProfile", 1);
    install("CP1", 1, a, "TxDefaultProfile", 2);
    install("CP2", 0, a, "TxDefaultProfile", 2);
    // B has A's purpose and stack level: on connector 0 of CP1 it replaces A, elsewhere A stays.
    install("CP1", 0, b, "TxDefaultProfile", 2);
    EXPECT_EQ(held("CP1"), (std::vector<std::string>{"0:" + std::to_string(100000 + c) + ":C",
                                                     "0:" + std::to_string(100000 + b) + ":B",
                                                     "1:" + std::to_string(100000 + a) + ":A"}));
    // The same again changes nothing; another charger is untouched.
    install("CP1", 0, b, "TxDefaultProfile", 2);
    EXPECT_EQ(held("CP1").size(), 3u);
    EXPECT_EQ(held("CP2"), (std::vector<std::string>{"0:" + std::to_string(100000 + a) + ":A"}));
    // Installed somewhere: counted, and not deleted by the API (the count is what it asks).
    auto uses = db::template_installations(*db_, a);
    ASSERT_TRUE(uses);
    EXPECT_EQ(*uses, 2);
    // Cleared on CP1 (every connector), CP2 keeps it.
    ASSERT_TRUE(db::forget_installed_profile(*db_, "CP1", static_cast<int>(100000 + a)));
    EXPECT_EQ(held("CP1").size(), 2u);
    uses = db::template_installations(*db_, a);
    ASSERT_TRUE(uses);
    EXPECT_EQ(*uses, 1);
    ASSERT_TRUE(db::forget_installed_profile(*db_, "CP2", static_cast<int>(100000 + a)));
    auto gone = db::delete_profile_template(*db_, a);
    ASSERT_TRUE(gone);
    EXPECT_TRUE(*gone);
    gone = db::delete_profile_template(*db_, a);
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);
}

} // namespace

} // namespace cs
