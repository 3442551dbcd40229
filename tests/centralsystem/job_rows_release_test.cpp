// A process that takes a node's id (a restart under the same --node-id) gives the security-job rows its predecessor
// was working back to the chargers' nodes, at the step they reached; finished rows and other nodes' rows stay.
#include "centralsystem/db/security/job_claims.hpp"
#include "centralsystem/db/security/security_jobs.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {
namespace {

class JobRowsRelease : public StoreTest {};

INSTANTIATE_TEST_SUITE_P(Backends, JobRowsRelease,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(JobRowsRelease, ARestartedNodesUnfinishedRowsGoBackWithTheirStep) {
    ASSERT_TRUE(db_);
    db::SecurityJobRow job;
    job.kind = "passwordRotation";
    job.created_at = "2026-01-01T00:00:00Z";
    job.concurrency = 10;
    job.max_attempts = 3;
    auto id = db::create_security_job(*db_, job, {"CP1", "CP2", "CP3", "CP4", "CP5"});
    ASSERT_TRUE(id) << id.error().message;
    // CP1 awaited by node A with its key sent; CP2 offline at A; CP3 confirmed by A; CP4 worked by B; CP5 untouched.
    auto set = [&](const char* charger, const char* node, const char* outcome, const char* step) {
        ASSERT_TRUE(db_->run("UPDATE security_job_chargers SET node = ?3, outcome = ?4, step = ?5, next_at = 77 WHERE "
                             "job_id = ?1 AND chargebox_id = ?2",
                             *id, std::string(charger), std::string(node), std::string(outcome), std::string(step)));
    };
    set("CP1", "A", "sent", "await-password");
    set("CP2", "A", "offline", "");
    set("CP3", "A", "confirmed", "");
    set("CP4", "B", "sent", "key");
    ASSERT_TRUE(db::release_job_rows_of(*db_, "A"));
    auto rows = db_->all(
        [](const store::Statement& q) { return q.text(0) + "|" + q.text(1) + "|" + q.text(2) + "|" + q.text(3); },
        "SELECT chargebox_id, node, outcome, step FROM security_job_chargers WHERE job_id = ?1 ORDER BY chargebox_id",
        *id);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(*rows, (std::vector<std::string>{"CP1||sent|await-password", "CP2||offline|", "CP3|A|confirmed|",
                                               "CP4|B|sent|key", "CP5||pending|"}));
    auto next_at =
        db_->first([](const store::Statement& q) { return q.int64(0); },
                   "SELECT next_at FROM security_job_chargers WHERE job_id = ?1 AND chargebox_id = 'CP1'", *id);
    ASSERT_TRUE(next_at && *next_at);
    EXPECT_EQ(**next_at, 77); // its deadline stays: the node that takes it awaits the key already sent until then
}

} // namespace
} // namespace cs
