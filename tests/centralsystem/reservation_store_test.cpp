// Reservations in the store on both backends: only the reserved tag (or one of its parentIdTag), Accepted, ends a
// reservation; a tag that is not Accepted cannot be reserved for; a late ReserveNow answer changes nothing; the sweep
// learns when the next reservation is due; the reservationId range is checked before a row is stored.
#include "centralsystem/db/reservations.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {

namespace {

class ReservationStore : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        ASSERT_TRUE(db_);
        ASSERT_TRUE(db::insert_charger(*db_, charger("CP1", "DE*ABC*E1")));
        add_tag("ALICE", "Accepted", "FAMILY");
        add_tag("BOB", "Accepted", "");
        add_tag("CAROL", "Accepted", "FAMILY");
        add_tag("MALLORY", "Blocked", "");
    }
    void add_tag(const std::string& id, const std::string& status, const std::string& parent) {
        IdTag t;
        t.id_tag = id;
        t.status = status;
        if (!parent.empty()) {
            t.parent_id_tag = parent;
        }
        ASSERT_TRUE(db::upsert_id_tag(*db_, t));
    }
    std::optional<IdTag> tag(const std::string& id) {
        auto t = db::find_id_tag(*db_, id);
        EXPECT_TRUE(t);
        return t ? *t : std::nullopt;
    }
    db::Reserved reserve(const std::string& tag, int connector, std::int64_t expires_at = 2000000000) {
        db::ReservationRow row;
        row.chargebox_id = "CP1";
        row.connector_id = connector;
        row.id_tag = tag;
        row.expiry_date = "2033-05-18T03:33:20Z";
        row.expires_at = expires_at;
        row.created_at = kNow;
        auto r = db::create_reservation(*db_, row, 100);
        EXPECT_TRUE(r) << r.error().message;
        return r ? *r : db::Reserved{};
    }
    std::string status_of(std::int64_t id) {
        auto r = db::find_reservation(*db_, id);
        return r && *r ? (*r)->status : std::string("?");
    }
    static constexpr const char* kNow = "2026-01-01T00:00:00Z";
};

INSTANTIATE_TEST_SUITE_P(Backends, ReservationStore,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(ReservationStore, OnlyTheReservedTagOrItsParentAcceptedEndsTheReservation) {
    auto made = reserve("ALICE", 1);
    ASSERT_EQ(made.refusal, db::ReserveRefusal::None);
    const std::int64_t id = made.row->id;
    auto use = [&](const std::optional<IdTag>& t) {
        auto u = db::use_reservation(*db_, "CP1", 1, id, 7, kNow, t, kNow);
        EXPECT_TRUE(u) << u.error().message;
        return u ? *u : db::ReservationUse::Unknown;
    };
    EXPECT_EQ(use(tag("BOB")), db::ReservationUse::OtherTag);
    EXPECT_EQ(use(std::nullopt), db::ReservationUse::OtherTag); // an unknown tag
    auto blocked_alice = tag("ALICE");
    blocked_alice->status = "Blocked";
    EXPECT_EQ(use(blocked_alice), db::ReservationUse::OtherTag);
    auto expired_alice = tag("ALICE");
    expired_alice->expiry_date = "2025-12-31T00:00:00Z";
    EXPECT_EQ(use(expired_alice), db::ReservationUse::OtherTag);
    EXPECT_EQ(status_of(id), "pending");
    EXPECT_EQ(use(tag("CAROL")), db::ReservationUse::Used); // the same parentIdTag
    EXPECT_EQ(status_of(id), "used");

    auto again = reserve("ALICE", 1);
    ASSERT_EQ(again.refusal, db::ReserveRefusal::None);
    auto own = db::use_reservation(*db_, "CP1", 1, again.row->id, 8, kNow, tag("ALICE"), kNow);
    ASSERT_TRUE(own);
    EXPECT_EQ(*own, db::ReservationUse::Used);
}

TEST_P(ReservationStore, ATagThatIsNotAcceptedIsNotReservedFor) {
    EXPECT_EQ(reserve("MALLORY", 1).refusal, db::ReserveRefusal::TagNotAccepted);
    add_tag("OLD", "Accepted", "");
    IdTag old = *tag("OLD");
    old.expiry_date = "2025-06-01T00:00:00Z";
    ASSERT_TRUE(db::upsert_id_tag(*db_, old));
    EXPECT_EQ(reserve("OLD", 1).refusal, db::ReserveRefusal::TagNotAccepted);
    auto all = db::list_reservations(*db_, "", "", 10);
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->empty());
}

TEST_P(ReservationStore, AnAnswerAfterACancelChangesNothing) {
    auto made = reserve("ALICE", 1);
    ASSERT_EQ(made.refusal, db::ReserveRefusal::None);
    auto ended = db::end_reservation(*db_, made.row->id, "cancelled", kNow, "CancelReservation Accepted");
    ASSERT_TRUE(ended);
    ASSERT_TRUE(*ended);
    auto changed = db::set_reservation_answer(*db_, made.row->id, "active", "Accepted");
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_EQ(*changed, 0);
    EXPECT_EQ(status_of(made.row->id), "cancelled");
    auto open = reserve("BOB", 2);
    ASSERT_EQ(open.refusal, db::ReserveRefusal::None);
    auto recorded = db::set_reservation_answer(*db_, open.row->id, "active", "Accepted");
    ASSERT_TRUE(recorded);
    EXPECT_EQ(*recorded, 1);
}

TEST_P(ReservationStore, TheSweepLearnsWhenTheNextReservationIsDue) {
    auto first = reserve("ALICE", 1, 1000);
    auto second = reserve("BOB", 2, 2000);
    ASSERT_EQ(first.refusal, db::ReserveRefusal::None);
    ASSERT_EQ(second.refusal, db::ReserveRefusal::None);
    auto next = db::expire_reservations(*db_, 500, kNow);
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_EQ(*next, std::optional<std::int64_t>(1000));
    next = db::expire_reservations(*db_, 1500, kNow);
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, std::optional<std::int64_t>(2000));
    EXPECT_EQ(status_of(first.row->id), "expired");
    next = db::expire_reservations(*db_, 2000, kNow);
    ASSERT_TRUE(next);
    EXPECT_FALSE(*next);
}

TEST_P(ReservationStore, NoRowIsStoredWhenTheReservationIdsAreUsedUp) {
    ASSERT_TRUE(db_->run("INSERT INTO reservations(id, chargebox_id, connector_id, id_tag, expiry_date, expires_at, "
                         "status, created_at) VALUES(2147483647, 'CP1', 2, 'BOB', 'x', 1, 'expired', 'x')"));
    db::ReservationRow row;
    row.chargebox_id = "CP1";
    row.connector_id = 1;
    row.id_tag = "ALICE";
    row.expiry_date = "2033-05-18T03:33:20Z";
    row.expires_at = 2000000000;
    row.created_at = kNow;
    auto r = db::create_reservation(*db_, row, 100);
    EXPECT_FALSE(r);
    auto open = db::open_reservations(*db_, "CP1");
    ASSERT_TRUE(open);
    EXPECT_TRUE(open->empty());
}

} // namespace

} // namespace cs
