// The central system's store on both backends, a temporary SQLite file and a throwaway PostgreSQL server:
// migrations, chargers, id tags, transactions, prices and the dashboard's queries.
#include "tests/centralsystem/store_fixture.hpp"

namespace {

using namespace cs;

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql),
                         backend_name);

TEST_P(StoreTest, MigrationIsRepeatable) {
    EXPECT_TRUE(db::migrate(*db_));
}

TEST_P(StoreTest, ChargerRoundTripAndConflicts) {
    auto r = db::insert_charger(*db_, charger("CB-1", "DE*ABC*E1*1"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, db::ConflictKind::None);
    auto again = db::insert_charger(*db_, charger("CB-1", "DE*ABC*E2*1"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->kind, db::ConflictKind::ChargerExists);
    EXPECT_EQ(again->field, "chargeBoxId");
    auto evse = db::insert_charger(*db_, charger("CB-2", "DE*ABC*E1*1"));
    ASSERT_TRUE(evse);
    EXPECT_EQ(evse->kind, db::ConflictKind::EvseIdTaken);
    EXPECT_EQ(evse->field, "chargePoints/0/evseId");

    auto found = db::find_charger(*db_, "CB-1");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->status, "planned");
    ASSERT_EQ((*found)->charge_points.size(), 1u);
    EXPECT_EQ((*found)->charge_points[0].evse_id.value_or(""), "DE*ABC*E1*1");

    ASSERT_TRUE(db::insert_charger(*db_, charger("XY-9", "DE*ABC*E9*1")));
    auto by_evse = db::list_chargers(*db_, "e9*", "");
    ASSERT_TRUE(by_evse);
    ASSERT_EQ(by_evse->size(), 1u);
    EXPECT_EQ(by_evse->front().chargebox_id, "XY-9");
    auto by_provider = db::list_chargers(*db_, "", "other");
    ASSERT_TRUE(by_provider);
    EXPECT_TRUE(by_provider->empty());
}

TEST_P(StoreTest, CommissionNeedsExistingConnector) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("CB-1", "DE*ABC*E1*1")));
    Commission c;
    c.address = Address{"Main St 1", "10115", "Berlin", "DE"};
    c.latitude = 52.5;
    c.longitude = 13.4;
    c.hotline = "+49 30 123";
    c.charge_points.push_back({2, 32.0, 22.0, 3});
    auto bad = db::commission(*db_, "CB-1", c, "2026-01-01T00:00:00Z");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->field, "chargePoints/0/connectorId");
    c.charge_points[0].connector_id = 1;
    auto ok = db::commission(*db_, "CB-1", c, "2026-01-01T00:00:00Z");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->kind, db::ConflictKind::None);
    auto found = db::find_charger(*db_, "CB-1");
    EXPECT_EQ((*found)->status, "operational");
    EXPECT_EQ((*found)->charge_points[0].phases.value_or(0), 3);
}

TEST_P(StoreTest, IdTagStatusWithExpiry) {
    ASSERT_TRUE(db::upsert_id_tag(*db_, IdTag{"T1", "Accepted", std::string("2026-06-01T00:00:00Z"), std::nullopt}));
    auto t = db::find_id_tag(*db_, "T1");
    ASSERT_TRUE(t);
    EXPECT_EQ(db::authorization_status(*t, "2026-05-31T23:59:59Z"), "Accepted");
    EXPECT_EQ(db::authorization_status(*t, "2026-06-01T00:00:00Z"), "Expired");
    EXPECT_EQ(db::authorization_status(std::nullopt, "2026-01-01T00:00:00Z"), "Invalid");
    ASSERT_TRUE(db::upsert_id_tag(*db_, IdTag{"T1", "Blocked", std::nullopt, std::nullopt}));
    EXPECT_EQ(db::authorization_status(*db::find_id_tag(*db_, "T1"), "2026-01-01T00:00:00Z"), "Blocked");
}

TEST_P(StoreTest, TransactionsAreIdempotent) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("CB-1", "DE*ABC*E1*1")));
    auto first = db::start_transaction(*db_, "CB-1", 1, "T1", 100, "2026-01-01T10:00:00Z");
    ASSERT_TRUE(first);
    EXPECT_GT(first->transaction_id, 0);
    auto replay = db::start_transaction(*db_, "CB-1", 1, "T1", 100, "2026-01-01T10:00:00Z");
    ASSERT_TRUE(replay);
    EXPECT_TRUE(replay->duplicate);
    EXPECT_EQ(replay->transaction_id, first->transaction_id);

    db::StopInput stop;
    stop.transaction_id = first->transaction_id;
    stop.meter_stop = 1100;
    stop.ts = "2026-01-01T11:00:00Z";
    stop.reason = "Local";
    stop.samples.push_back(
        MeterSample{"2026-01-01T11:00:00Z", "Energy.Active.Import.Register", "Wh", "", "", "", 1100});
    EXPECT_EQ(*db::stop_transaction(*db_, "CB-1", stop), db::StopResult::Stopped);
    stop.meter_stop = 9999;
    EXPECT_EQ(*db::stop_transaction(*db_, "CB-1", stop), db::StopResult::AlreadyStopped);
    stop.transaction_id = 777;
    EXPECT_EQ(*db::stop_transaction(*db_, "CB-1", stop), db::StopResult::Unknown);

    auto list = db::list_transactions(*db_, "CB-1", 10);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->front().meter_stop.value_or(0), 1100);
    EXPECT_EQ(list->front().meter_values, 1);
}

TEST_P(StoreTest, PriceSetsAndDashboardData) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("CB-1", "DE*ABC*E1*1")));
    Charger other = charger("CB-2", "DE*ABC*E2*1");
    other.provider = "other";
    ASSERT_TRUE(db::insert_charger(*db_, other));

    PriceSet p;
    p.chargebox_id = "CB-9";
    p.currency = "EUR";
    p.valid_from = "2026-01-01T00:00:00Z";
    p.created_at = p.valid_from;
    EXPECT_EQ(db::insert_price_set(*db_, p)->kind, db::ConflictKind::NoSuchCharger);
    p.chargebox_id = "CB-1";
    p.connector_id = 3;
    auto bad = db::insert_price_set(*db_, p);
    EXPECT_EQ(bad->kind, db::ConflictKind::NoSuchConnector);
    EXPECT_EQ(bad->field, "connectorId");
    p.connector_id = 1;
    p.per_kwh = 0.5;
    EXPECT_EQ(db::insert_price_set(*db_, p)->kind, db::ConflictKind::None);
    EXPECT_GT(p.id, 0);
    auto prices = db::list_price_sets(*db_, "CB-1");
    ASSERT_EQ(prices->size(), 1u);
    EXPECT_EQ(prices->front().connector_id.value_or(0), 1);
    EXPECT_DOUBLE_EQ(prices->front().per_kwh, 0.5);

    // One session in progress with a kWh reading, one stopped on the day asked for, one stopped the day before.
    auto open = db::start_transaction(*db_, "CB-1", 1, "T1", 1000, "2026-03-02T09:00:00Z");
    ASSERT_TRUE(db::add_meter_values(
        *db_, "CB-1", 1, open->transaction_id,
        {MeterSample{"2026-03-02T09:30:00Z", "Energy.Active.Import.Register", "kWh", "", "", "", 3.5}}));
    for (const char* day : {"2026-03-01", "2026-03-02"}) {
        auto t = db::start_transaction(*db_, "CB-1", 1, "T2", 0, std::string(day) + "T01:00:00Z");
        db::StopInput stop;
        stop.transaction_id = t->transaction_id;
        stop.meter_stop = 2000;
        stop.ts = std::string(day) + "T02:00:00Z";
        ASSERT_EQ(*db::stop_transaction(*db_, "CB-1", stop), db::StopResult::Stopped);
    }
    auto d = db::dashboard_data(*db_, "acme", "2026-03-02");
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_EQ(d->chargers.size(), 1u);
    ASSERT_EQ(d->open.size(), 1u);
    EXPECT_EQ(d->open.front().meter_last.value_or(0), 3500);
    ASSERT_EQ(d->today.size(), 1u);
    EXPECT_EQ(d->today.front().stop_ts.value_or(""), "2026-03-02T02:00:00Z");
    EXPECT_EQ(d->prices.size(), 1u);
    auto none = db::dashboard_data(*db_, "other", "2026-03-02");
    EXPECT_EQ(none->chargers.size(), 1u);
    EXPECT_TRUE(none->open.empty() && none->today.empty() && none->prices.empty());
}

TEST_P(StoreTest, PriceSetChangesNeverRepriceSessionsThatRan) {
    ASSERT_EQ(db::insert_charger(*db_, charger("CB-1", "DE*ABC*E1*1"))->kind, db::ConflictKind::None);
    PriceSet used;
    used.chargebox_id = "CB-1";
    used.currency = "EUR";
    used.per_kwh = 0.40;
    used.valid_from = "2026-01-01T00:00:00Z";
    used.created_at = used.valid_from;
    ASSERT_EQ(db::insert_price_set(*db_, used)->kind, db::ConflictKind::None);
    PriceSet later = used;
    later.valid_from = "2027-01-01T00:00:00Z";
    later.per_kwh = 0.60;
    ASSERT_EQ(db::insert_price_set(*db_, later)->kind, db::ConflictKind::None);
    auto t = db::start_transaction(*db_, "CB-1", 1, "T1", 0, "2026-02-01T10:00:00Z");
    ASSERT_TRUE(t);

    // The set the session ran under: its figures, its removal, or a validity that drops the session are refused.
    PriceSet change = used;
    change.per_kwh = 0.45;
    auto refused = db::change_price_set(*db_, "CB-1", used.id, change);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->kind, db::ConflictKind::WouldReprice);
    EXPECT_NE(refused->error.find("1 session"), std::string::npos) << refused->error;
    EXPECT_NE(refused->error.find("transaction " + std::to_string(t->transaction_id)), std::string::npos);
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", used.id, std::nullopt)->kind, db::ConflictKind::WouldReprice);
    change = used;
    change.valid_to = "2026-01-15T00:00:00Z";
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", used.id, change)->kind, db::ConflictKind::WouldReprice);
    // A new set may not take the session over either: moving `later` back to before the session is refused.
    PriceSet earlier = later;
    earlier.valid_from = "2026-01-15T00:00:00Z";
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", later.id, earlier)->kind, db::ConflictKind::WouldReprice);

    // Nor may a new set valid from before the session (one for its connector would win over `used`).
    PriceSet backdated = used;
    backdated.connector_id = 1;
    backdated.valid_from = "2026-01-20T00:00:00Z";
    auto stolen = db::insert_price_set(*db_, backdated);
    EXPECT_EQ(stolen->kind, db::ConflictKind::WouldReprice);
    EXPECT_EQ(stolen->field, "validFrom");
    EXPECT_EQ(db::list_price_sets(*db_, "CB-1")->size(), 2u);

    // Closing it after the session is fine, and so is any change of a set no session used.
    change.valid_to = "2026-12-31T00:00:00Z";
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", used.id, change)->kind, db::ConflictKind::None);
    later.per_kwh = 0.55;
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", later.id, later)->kind, db::ConflictKind::None);
    auto sets = db::list_price_sets(*db_, "CB-1");
    ASSERT_EQ(sets->size(), 2u);
    EXPECT_EQ(sets->at(0).valid_to.value_or(""), "2026-12-31T00:00:00Z");
    EXPECT_DOUBLE_EQ(sets->at(0).per_kwh, 0.40);
    EXPECT_EQ(sets->at(0).created_at, used.created_at);
    EXPECT_DOUBLE_EQ(sets->at(1).per_kwh, 0.55);
    EXPECT_EQ(db::change_price_set(*db_, "CB-1", later.id, std::nullopt)->kind, db::ConflictKind::None);
    EXPECT_EQ(db::list_price_sets(*db_, "CB-1")->size(), 1u);

    EXPECT_EQ(db::change_price_set(*db_, "CB-1", later.id, std::nullopt)->kind, db::ConflictKind::NoSuchPriceSet);
    EXPECT_EQ(db::change_price_set(*db_, "CB-9", used.id, std::nullopt)->kind, db::ConflictKind::NoSuchCharger);
    change.connector_id = 7;
    auto no_connector = db::change_price_set(*db_, "CB-1", used.id, change);
    EXPECT_EQ(no_connector->kind, db::ConflictKind::NoSuchConnector);
    EXPECT_EQ(no_connector->field, "connectorId");
}

TEST_P(StoreTest, NotificationsNewestFirstPagedBoundedAndMarkedRead) {
    for (int i = 1; i <= 7; ++i) {
        ASSERT_TRUE(db::add_notification(*db_,
                                         Notification{"2026-01-01T00:00:0" + std::to_string(i) + "Z",
                                                      "CB-" + std::to_string(i), "offline", "gone", 0, std::nullopt},
                                         5));
    }
    db::NotificationQuery q;
    q.limit = 3;
    auto page = db::list_notifications(*db_, q);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->items.size(), 3u);
    EXPECT_EQ(page->items[0].chargebox_id, "CB-7");
    EXPECT_TRUE(page->more);
    EXPECT_EQ(page->unread, 5); // only the newest 5 are kept
    q.before = page->items.back().id;
    auto next = db::list_notifications(*db_, q);
    ASSERT_TRUE(next);
    ASSERT_EQ(next->items.size(), 2u);
    EXPECT_EQ(next->items[1].chargebox_id, "CB-3");
    EXPECT_FALSE(next->more);

    auto marked = db::mark_notifications_read(*db_, {page->items[0].id, page->items[0].id}, next->items[0].id,
                                              "2026-01-02T00:00:00Z");
    ASSERT_TRUE(marked);
    EXPECT_EQ(*marked, 3); // CB-7, and CB-4 and CB-3 up to the id of CB-4
    db::NotificationQuery unread;
    unread.unread_only = true;
    auto left = db::list_notifications(*db_, unread);
    ASSERT_TRUE(left);
    ASSERT_EQ(left->items.size(), 2u);
    EXPECT_EQ(left->unread, 2);
    EXPECT_EQ(left->items[0].chargebox_id, "CB-6");
    db::NotificationQuery since;
    since.since = "2026-01-01T00:00:06Z";
    auto recent = db::list_notifications(*db_, since);
    ASSERT_TRUE(recent);
    ASSERT_EQ(recent->items.size(), 2u);
    EXPECT_EQ(recent->items[1].read_at.value_or(""), "");
    EXPECT_EQ(recent->items[0].read_at.value_or(""), "2026-01-02T00:00:00Z");
}

} // namespace
