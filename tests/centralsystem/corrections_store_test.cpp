// Deleting a charger in the store, on both backends: refused while a client certificate issued for its ID is still
// valid (it would authenticate as the next charger with the ID), allowed once it has expired.
#include "centralsystem/db/corrections.hpp"
#include "centralsystem/db/security/security.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace {

using namespace cs;

class CorrectionsStoreTest : public StoreTest {
protected:
    void issue(const std::string& id, const std::string& serial, const std::string& not_after) {
        IssuedCertificate c;
        c.chargebox_id = id;
        c.serial_hex = serial;
        c.subject = "CN=" + id;
        c.not_before = "2026-01-01T00:00:00Z";
        c.not_after = not_after;
        c.issued_at = "2026-01-01T00:00:00Z";
        c.pem = "-----BEGIN CERTIFICATE-----";
        auto added = db::add_issued_certificate(*db_, c);
        ASSERT_TRUE(added) << added.error().message;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, CorrectionsStoreTest,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(CorrectionsStoreTest, DeleteIsRefusedWhileACertificateForTheIdIsValid) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("CERT-1", "DE*CRT*E1")));
    ASSERT_NO_FATAL_FAILURE(issue("CERT-1", "0A1B", "2026-06-01T00:00:00Z"));
    ASSERT_NO_FATAL_FAILURE(issue("CERT-1", "0A1A", "2026-02-01T00:00:00Z"));

    auto refused = db::delete_charger(*db_, "CERT-1", "2026-03-01T00:00:00Z");
    ASSERT_TRUE(refused) << refused.error().message;
    EXPECT_EQ(refused->refusal, db::Refusal::HasCertificates);
    EXPECT_EQ(refused->field, "id");
    EXPECT_NE(refused->error.find("0A1B"), std::string::npos) << refused->error;
    EXPECT_NE(refused->error.find("2026-06-01T00:00:00Z"), std::string::npos) << refused->error;
    auto still = db::find_charger(*db_, "CERT-1");
    ASSERT_TRUE(still);
    EXPECT_TRUE(*still);

    // The moment the last one expires it no longer authenticates: the delete goes through.
    auto deleted = db::delete_charger(*db_, "CERT-1", "2026-06-01T00:00:00Z");
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_FALSE(*deleted) << deleted->error;
    auto gone = db::find_charger(*db_, "CERT-1");
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);
}

TEST_P(CorrectionsStoreTest, AnotherChargersCertificateDoesNotBlockTheDelete) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("CERT-2", "DE*CRT*E2")));
    ASSERT_NO_FATAL_FAILURE(issue("CERT-20", "0B", "2030-01-01T00:00:00Z"));
    auto deleted = db::delete_charger(*db_, "CERT-2", "2026-03-01T00:00:00Z");
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_FALSE(*deleted) << deleted->error;
}

// A charger deleted while still connected (on another node, or just before its connection closed) starts a session:
// nothing is stored under the ID that no longer exists, so an ID created again has no history it never had.
TEST_P(CorrectionsStoreTest, NoSessionIsStoredForAChargerThatIsGone) {
    auto start = db::start_transaction(*db_, "GONE-1", 1, "T1", 0, "2026-03-01T10:00:00Z");
    ASSERT_TRUE(start) << start.error().message;
    EXPECT_TRUE(start->no_charger);
    auto stored = db_->first([](const store::Statement& q) { return q.int64(0); },
                             "SELECT count(*) FROM transactions WHERE chargebox_id = ?1", "GONE-1");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->value_or(-1), 0);

    ASSERT_TRUE(db::insert_charger(*db_, charger("GONE-1", "DE*GON*E1")));
    auto later = db::delete_charger(*db_, "GONE-1", "2026-03-01T00:00:00Z");
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_FALSE(*later) << later->error;
    auto fresh = db::start_transaction(*db_, "GONE-2", 1, "T1", 0, "2026-03-01T10:00:00Z");
    ASSERT_TRUE(fresh);
    EXPECT_TRUE(fresh->no_charger);
    ASSERT_TRUE(db::insert_charger(*db_, charger("GONE-2", "DE*GON*E2")));
    auto known = db::start_transaction(*db_, "GONE-2", 1, "T1", 0, "2026-03-01T10:00:00Z");
    ASSERT_TRUE(known) << known.error().message;
    EXPECT_FALSE(known->no_charger);
    EXPECT_GT(known->transaction_id, 0);
}

} // namespace
