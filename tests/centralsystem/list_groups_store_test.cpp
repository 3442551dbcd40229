// Local-list groups in the store on both backends: default carries the one list's version and cannot be renamed or
// deleted; a registry edit raises the versions of the groups whose lists hold the tag only; a tag taken out of a list
// is a removal in the changes since a version; a rename moves every reference, a delete sends the chargers back to
// default; switching what a list holds asks for a whole list; a group is full at 10,000 chargers or assigned tags and a
// refused edit changes nothing.
#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/db/authlists/local_lists.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {

namespace {

class ListGroupStore : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        ASSERT_TRUE(db_);
        ASSERT_TRUE(db::insert_charger(*db_, charger("CP1", "DE*ABC*E1")));
        ASSERT_TRUE(db::insert_charger(*db_, charger("CP2", "DE*ABC*E2")));
        for (const char* t : {"ALICE", "BOB"}) {
            IdTag tag;
            tag.id_tag = t;
            tag.status = "Accepted";
            ASSERT_TRUE(db::upsert_id_tag(*db_, tag));
        }
    }
    db::ListGroup group(const std::string& name) {
        auto g = db::find_list_group(*db_, name);
        EXPECT_TRUE(g && *g) << name;
        return g && *g ? **g : db::ListGroup{};
    }
    db::GroupEdit edit(ocpp::Result<db::GroupEdit> r) {
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? *r : db::GroupEdit{};
    }
    void create(const std::string& name, db::GroupTags tags) {
        db::ListGroup g;
        g.name = name;
        g.tags = tags;
        EXPECT_EQ(edit(db::create_list_group(*db_, g)).refusal, db::GroupRefusal::None);
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, ListGroupStore,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(ListGroupStore, ARegistryEditRaisesOnlyTheGroupsWhoseListsHoldTheTag) {
    create("depot", db::GroupTags::Assigned);
    create("other", db::GroupTags::Assigned);
    EXPECT_EQ(edit(db::assign_list_group_tags(*db_, "depot", {"ALICE"}, {})).list_changed, true);
    const auto depot = group("depot").version, other = group("other").version, dflt = group("default").version;
    auto changed = db::local_list_changed(*db_, "ALICE");
    ASSERT_TRUE(changed);
    EXPECT_EQ(*changed, (std::vector<std::string>{"default", "depot"}));
    EXPECT_EQ(group("depot").version, depot + 1);
    EXPECT_EQ(group("default").version, dflt + 1);
    EXPECT_EQ(group("other").version, other);
    auto full = db::local_list_full(*db_, "depot");
    ASSERT_TRUE(full);
    ASSERT_EQ(full->tags.size(), 1u);
    EXPECT_EQ(full->tags[0].id_tag, "ALICE");
    EXPECT_EQ(full->total, 1);

    // Taken back: the changes since the charger's version remove it.
    const auto held = group("depot").version;
    EXPECT_TRUE(edit(db::assign_list_group_tags(*db_, "depot", {}, {"ALICE"})).list_changed);
    auto since = db::local_list_since(*db_, "depot", held);
    ASSERT_TRUE(since);
    EXPECT_TRUE(since->tags.empty());
    EXPECT_EQ(since->removed, (std::vector<std::string>{"ALICE"}));
    EXPECT_EQ(since->total, 0);
    // Assigning to a group whose list is every tag changes no version.
    const auto before = group("default").version;
    EXPECT_FALSE(edit(db::assign_list_group_tags(*db_, "default", {"BOB"}, {})).list_changed);
    EXPECT_EQ(group("default").version, before);
}

TEST_P(ListGroupStore, RenameMovesEveryReferenceDeleteSendsChargersBackToDefault) {
    create("east", db::GroupTags::Assigned);
    EXPECT_EQ(edit(db::place_in_list_group(*db_, "east", {"CP1"})).chargers, (std::vector<std::string>{"CP1"}));
    EXPECT_TRUE(edit(db::place_in_list_group(*db_, "east", {"CP1"})).chargers.empty()); // already there
    db::ChargerListState s;
    s.chargebox_id = "CP1";
    s.group = "east";
    s.version = 1;
    ASSERT_TRUE(db::set_charger_list_state(*db_, s));
    EXPECT_EQ(edit(db::update_list_group(*db_, "east", std::string("east-2"), std::nullopt, std::nullopt)).refusal,
              db::GroupRefusal::None);
    EXPECT_EQ(*db::list_group_of(*db_, "CP1"), "east-2");
    EXPECT_EQ((*db::charger_list_state(*db_, "CP1"))->group, "east-2");
    EXPECT_EQ(edit(db::update_list_group(*db_, "default", std::string("x"), std::nullopt, std::nullopt)).refusal,
              db::GroupRefusal::DefaultGroup);
    EXPECT_EQ(edit(db::delete_list_group(*db_, "default")).refusal, db::GroupRefusal::DefaultGroup);

    // Another kind of list: a whole list from the new version on.
    const auto v = group("east-2").version;
    EXPECT_TRUE(
        edit(db::update_list_group(*db_, "east-2", std::nullopt, std::nullopt, db::GroupTags::All)).list_changed);
    EXPECT_EQ(group("east-2").full_from, v + 1);

    EXPECT_EQ(edit(db::delete_list_group(*db_, "east-2")).chargers, (std::vector<std::string>{"CP1"}));
    EXPECT_EQ(*db::list_group_of(*db_, "CP1"), "default");
    EXPECT_EQ((*db::charger_list_state(*db_, "CP1"))->group, "");
    auto groups = db::list_groups(*db_);
    ASSERT_TRUE(groups);
    ASSERT_EQ(groups->size(), 1u);
    EXPECT_EQ((*groups)[0].members, 2);
}

TEST_P(ListGroupStore, AGroupIsFullAtTenThousandChargersOrTagsAndARefusalChangesNothing) {
    create("big", db::GroupTags::Assigned);
    // 10,000 members and assigned tags written directly: the bounds count what is stored.
    ASSERT_TRUE(db_->run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO "
                         "list_group_members(chargebox_id, group_name) SELECT 'M' || i, 'big' FROM n"));
    ASSERT_TRUE(db_->run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO "
                         "list_group_tags(group_name, id_tag) SELECT 'big', 'T' || i FROM n"));
    auto placed = edit(db::place_in_list_group(*db_, "big", {"CP1"}));
    EXPECT_EQ(placed.refusal, db::GroupRefusal::Full);
    EXPECT_EQ(placed.field, "chargeBoxIds");
    EXPECT_EQ(*db::list_group_of(*db_, "CP1"), "default");
    const auto version = group("big").version;
    auto assigned = edit(db::assign_list_group_tags(*db_, "big", {"ALICE"}, {}));
    EXPECT_EQ(assigned.refusal, db::GroupRefusal::Full);
    EXPECT_EQ(group("big").version, version);
    EXPECT_EQ(group("big").assigned, 10000);
    // Unknown chargers and tags are named by their index, and nothing is placed.
    auto unknown = edit(db::place_in_list_group(*db_, "default", {"CP2", "NOPE"}));
    EXPECT_EQ(unknown.refusal, db::GroupRefusal::NoSuchCharger);
    EXPECT_EQ(unknown.field, "chargeBoxIds/1");
    auto no_tag = edit(db::assign_list_group_tags(*db_, "big", {"NOPE"}, {}));
    EXPECT_EQ(no_tag.refusal, db::GroupRefusal::NoSuchTag);
    EXPECT_EQ(no_tag.field, "add/0");
    // At most 100 groups.
    for (int i = 2; i <= db::kMaxListGroups - 1; ++i) {
        create("g" + std::to_string(i), db::GroupTags::Assigned);
    }
    db::ListGroup one_more;
    one_more.name = "one-more";
    EXPECT_EQ(edit(db::create_list_group(*db_, one_more)).refusal, db::GroupRefusal::TooManyGroups);
}

} // namespace

} // namespace cs
