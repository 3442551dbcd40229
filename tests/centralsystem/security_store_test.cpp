// The security tables on both backends: the operator CA row, security events bounded per charger and in all and
// searchable by charger, type, time and severity, certificate requests bounded per charger, installed roots replaced
// per type, and expiring certificates taken once.
#include "centralsystem/db/security/security.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {

namespace {

SecurityEvent stored_event(const std::string& id, const std::string& type, const std::string& at,
                           bool critical = false) {
    SecurityEvent e;
    e.chargebox_id = id;
    e.type = type;
    e.at = at;
    e.received_at = at;
    e.critical = critical;
    return e;
}

class SecurityStoreTest : public StoreTest {};

INSTANTIATE_TEST_SUITE_P(Backends, SecurityStoreTest,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(SecurityStoreTest, TheOperatorCaIsOneRowReplacedByAnImport) {
    auto none = db::load_operator_ca(*db_);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_FALSE(*none);
    ASSERT_TRUE(db::store_operator_ca(*db_, StoredCa{"CERT-1", "KEY-1", "2026-01-01T00:00:00Z", "created"}));
    ASSERT_TRUE(db::store_operator_ca(*db_, StoredCa{"CERT-2", "KEY-2", "2026-01-02T00:00:00Z", "imported"}));
    auto ca = db::load_operator_ca(*db_);
    ASSERT_TRUE(ca && *ca);
    EXPECT_EQ((*ca)->certificate_pem, "CERT-2");
    EXPECT_EQ((*ca)->encrypted_key_pem, "KEY-2");
    EXPECT_EQ((*ca)->origin, "imported");
}

TEST_P(SecurityStoreTest, EventsAreBoundedPerChargerAndInAll) {
    for (int i = 0; i < 30; ++i) {
        ASSERT_TRUE(
            db::add_security_event(*db_, stored_event("CB-FLOOD", "InvalidMessages", "2026-01-01T00:00:00Z"), 10, 25));
    }
    ASSERT_TRUE(
        db::add_security_event(*db_, stored_event("CB-QUIET", "ResetOrReboot", "2026-01-01T00:00:00Z", true), 10, 25));
    db::SecurityEventQuery q;
    q.limit = 1000;
    auto all = db::list_security_events(*db_, q);
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_EQ(all->items.size(), 11u) << "10 of the flooding charger, and the quiet one's";
    EXPECT_EQ(all->items.front().chargebox_id, "CB-QUIET") << "newest first";
    for (int i = 0; i < 30; ++i) {
        ASSERT_TRUE(db::add_security_event(
            *db_, stored_event("CB-" + std::to_string(i), "InvalidMessages", "2026-01-01T00:00:00Z"), 10, 25));
    }
    all = db::list_security_events(*db_, q);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->items.size(), 25u) << "never more than the total bound";
}

TEST_P(SecurityStoreTest, EventsAreSearchableByChargerTypeTimeAndSeverity) {
    ASSERT_TRUE(db::add_security_event(*db_, stored_event("CB-1", "ResetOrReboot", "2026-01-01T10:00:00Z", true)));
    ASSERT_TRUE(db::add_security_event(*db_, stored_event("CB-1", "InvalidMessages", "2026-01-01T11:00:00Z")));
    ASSERT_TRUE(db::add_security_event(*db_, stored_event("CB-2", "ResetOrReboot", "2026-01-01T12:00:00Z", true)));
    auto count = [&](db::SecurityEventQuery q) {
        auto page = db::list_security_events(*db_, q);
        EXPECT_TRUE(page) << page.error().message;
        return page ? page->items.size() : 0u;
    };
    db::SecurityEventQuery q;
    EXPECT_EQ(count(q), 3u);
    q.chargebox_id = "CB-1";
    EXPECT_EQ(count(q), 2u);
    q.type = "ResetOrReboot";
    EXPECT_EQ(count(q), 1u);
    db::SecurityEventQuery t;
    t.from = "2026-01-01T11:00:00Z";
    EXPECT_EQ(count(t), 2u) << "from is inclusive";
    t.to = "2026-01-01T12:00:00Z";
    EXPECT_EQ(count(t), 1u) << "to is exclusive";
    db::SecurityEventQuery c;
    c.critical_only = true;
    EXPECT_EQ(count(c), 2u);
    db::SecurityEventQuery paged;
    paged.limit = 2;
    auto first = db::list_security_events(*db_, paged);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->more);
    paged.before = first->items.back().id;
    auto second = db::list_security_events(*db_, paged);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->items.size(), 1u);
    EXPECT_FALSE(second->more);
}

TEST_P(SecurityStoreTest, CertificateRequestsAreBoundedPerCharger) {
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(db::add_certificate_request(
            *db_, CertificateRequest{0, "CB-1", "2026-01-01T00:00:00Z", "Throttled", std::to_string(i)}, 5));
    }
    auto list = db::certificate_requests(*db_, "CB-1", 100);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 5u);
    EXPECT_EQ(list->front().detail, "19");
}

TEST_P(SecurityStoreTest, InstalledRootsAreReplacedPerType) {
    const std::vector<InstalledCertificate> two{{"", "SHA256", "aa", "bb", "01", "t"},
                                                {"", "SHA256", "aa", "bb", "02", "t"}};
    ASSERT_TRUE(db::replace_installed(*db_, "CB-1", "CentralSystemRootCertificate", two));
    ASSERT_TRUE(db::replace_installed(*db_, "CB-1", "ManufacturerRootCertificate", {two[0]}));
    ASSERT_TRUE(db::replace_installed(*db_, "CB-1", "CentralSystemRootCertificate", {two[1]}));
    auto list = db::installed_certificates(*db_, "CB-1");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].certificate_type, "CentralSystemRootCertificate");
    EXPECT_EQ((*list)[0].serial_number, "02");
    EXPECT_EQ((*list)[1].certificate_type, "ManufacturerRootCertificate");
}

TEST_P(SecurityStoreTest, ExpiringCertificatesAreTakenOnce) {
    IssuedCertificate soon{
        0,     "CB-1",    "0a", "CN=CB-1", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z",
        "PEM", "Accepted"};
    IssuedCertificate later = soon;
    later.chargebox_id = "CB-2";
    later.not_after = "2027-02-01T00:00:00Z";
    IssuedCertificate undelivered = soon;
    undelivered.delivery = "Rejected";
    ASSERT_TRUE(db::add_issued_certificate(*db_, soon));
    ASSERT_TRUE(db::add_issued_certificate(*db_, later));
    ASSERT_TRUE(db::add_issued_certificate(*db_, undelivered));
    EXPECT_GT(soon.id, 0);
    auto due = db::take_expiring(*db_, "2026-03-01T00:00:00Z", 100);
    ASSERT_TRUE(due) << due.error().message;
    ASSERT_EQ(due->size(), 1u) << "a newer certificate the charger refused does not replace the one in use";
    EXPECT_EQ(due->front().id, soon.id);
    due = db::take_expiring(*db_, "2026-03-01T00:00:00Z", 100);
    ASSERT_TRUE(due);
    EXPECT_TRUE(due->empty()) << "warned once";
    ASSERT_TRUE(db::set_certificate_delivery(*db_, undelivered.id, "Accepted"));
    auto listed = db::issued_certificates(*db_, "CB-1");
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->size(), 2u);
}

// A certificate the charger has since replaced with a newer one it accepted raises no expiry warning.
TEST_P(SecurityStoreTest, AReplacedCertificateIsNoExpiryWarning) {
    IssuedCertificate old_one{
        0,     "CB-3",    "0b", "CN=CB-3", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z",
        "PEM", "Accepted"};
    IssuedCertificate renewed = old_one;
    renewed.serial_hex = "0c";
    renewed.not_after = "2027-01-15T00:00:00Z";
    ASSERT_TRUE(db::add_issued_certificate(*db_, old_one));
    ASSERT_TRUE(db::add_issued_certificate(*db_, renewed));
    auto due = db::take_expiring(*db_, "2026-03-01T00:00:00Z", 100);
    ASSERT_TRUE(due) << due.error().message;
    EXPECT_TRUE(due->empty());
}

} // namespace

} // namespace cs
