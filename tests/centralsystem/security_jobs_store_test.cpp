// The creation of a security job on both backends (db::create_job_alone): the check against the running jobs and the
// insert are one step, so two creations over one charger at once on two connections (two nodes of a cluster) store
// exactly one job and refuse the other naming the charger and the job; the cap on running jobs holds the same way; a
// charger whose row ended takes part in a new job. A job over 2,000 chargers is looked up, checked and stored in a few
// statements (counted through a wrapping connection), still naming the first listed charger a running job holds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "centralsystem/db/security/job_claims.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace cs {

namespace {

// Counts the statements run through it; everything else is the wrapped connection's.
class CountingConnection : public store::Connection {
public:
    explicit CountingConnection(store::Connection& inner)
        : inner_(inner) {}
    store::Dialect dialect() const override { return inner_.dialect(); }
    ocpp::Result<void> exec(std::string_view sql) override {
        ++statements;
        return inner_.exec(sql);
    }
    ocpp::Result<store::Statement> prepare(std::string_view sql) override {
        ++statements;
        return inner_.prepare(sql);
    }
    ocpp::Result<void> begin() override { return inner_.begin(); }
    ocpp::Result<void> commit() override { return inner_.commit(); }
    std::int64_t changes() const override { return inner_.changes(); }
    const std::string& name() const override { return inner_.name(); }
    int statements = 0;

private:
    store::Connection& inner_;
};

// `n` Chargebox IDs MANY-00000, MANY-00001, ...
std::vector<std::string> many_ids(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "MANY-%05d", i);
        ids.emplace_back(id);
    }
    return ids;
}

long long ms_since(std::chrono::steady_clock::time_point start) {
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

class SecurityJobsStoreTest : public StoreTest {
protected:
    static db::SecurityJobRow rotation() {
        db::SecurityJobRow row;
        row.kind = "passwordRotation";
        row.created_at = "2026-01-01T00:00:00Z";
        row.concurrency = 2;
        row.max_attempts = 3;
        return row;
    }
    // A job over `ids` in its own transaction on `db`; the store's answer.
    static ocpp::Result<db::JobCreated> create(store::Connection& db, const std::vector<std::string>& ids,
                                               int cap = 8) {
        if (auto r = db.begin(); !r) {
            return r.error();
        }
        auto made = db::create_job_alone(db, rotation(), ids, cap);
        if (!made) {
            (void)db.rollback();
            return made;
        }
        if (auto r = db.commit(); !r) {
            return r.error();
        }
        return made;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, SecurityJobsStoreTest,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(SecurityJobsStoreTest, TwoJobsOverOneChargerCreatedAtOnceOnTwoConnectionsStoreExactlyOne) {
    auto first_db = open();
    auto second_db = open();
    ASSERT_TRUE(first_db && second_db);
    // The first creation checks and inserts but has not committed when the second starts: without one lock over both
    // (PostgreSQL shows the second nothing uncommitted) both would pass the check.
    std::atomic<bool> first_inside{false};
    std::optional<ocpp::Result<db::JobCreated>> first;
    std::thread first_node([&] {
        if (auto r = first_db->begin(); !r) {
            first = ocpp::Result<db::JobCreated>(r.error());
            first_inside = true;
            return;
        }
        first = db::create_job_alone(*first_db, rotation(), {"RACE-1", "RACE-2"}, 8);
        first_inside = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the window the second creation falls into
        if (auto r = first_db->commit(); !r) {
            first = ocpp::Result<db::JobCreated>(r.error());
        }
    });
    for (int i = 0; i < 500 && !first_inside; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(first_inside) << "the first creation did not get through its check in 5 s";
    auto second = create(*second_db, {"RACE-3", "RACE-2"});
    first_node.join();
    ASSERT_TRUE(first && *first) << (first ? first->error().message : "no answer");
    ASSERT_TRUE(second) << second.error().message;
    ASSERT_TRUE(std::holds_alternative<std::int64_t>(**first));
    const std::int64_t stored = std::get<std::int64_t>(**first);
    ASSERT_TRUE(std::holds_alternative<db::JobRefused>(*second)) << "both jobs were stored over RACE-2";
    EXPECT_EQ(std::get<db::JobRefused>(*second).chargebox_id, "RACE-2");
    EXPECT_EQ(std::get<db::JobRefused>(*second).job, stored);
    // Nothing of the refused job is stored: one job, RACE-3 in none.
    auto running = db_->first([](const store::Statement& q) { return q.int64(0); },
                              "SELECT count(*) FROM security_jobs WHERE state = 'running'");
    ASSERT_TRUE(running && *running);
    EXPECT_EQ(**running, 1);
    auto rows = db_->first([](const store::Statement& q) { return q.int64(0); },
                           "SELECT count(*) FROM security_job_chargers WHERE chargebox_id = 'RACE-3'");
    ASSERT_TRUE(rows && *rows);
    EXPECT_EQ(**rows, 0);
}

TEST_P(SecurityJobsStoreTest, TheCapOnRunningJobsHoldsAndAnEndedRowFreesItsCharger) {
    auto one = create(*db_, {"CAP-1"}, 2);
    ASSERT_TRUE(one && std::holds_alternative<std::int64_t>(*one));
    auto again = create(*db_, {"CAP-1"}, 2);
    ASSERT_TRUE(again && std::holds_alternative<db::JobRefused>(*again));
    EXPECT_EQ(std::get<db::JobRefused>(*again).chargebox_id, "CAP-1");
    EXPECT_EQ(std::get<db::JobRefused>(*again).job, std::get<std::int64_t>(*one));
    auto two = create(*db_, {"CAP-2"}, 2);
    ASSERT_TRUE(two && std::holds_alternative<std::int64_t>(*two));
    auto three = create(*db_, {"CAP-3"}, 2);
    ASSERT_TRUE(three && std::holds_alternative<db::JobRefused>(*three));
    EXPECT_EQ(std::get<db::JobRefused>(*three).chargebox_id, "") << "refused for the cap, not for a charger";
    EXPECT_EQ(std::get<db::JobRefused>(*three).running, 2);
    // CAP-1's row ends (confirmed) while its job still runs: CAP-1 takes part in a new job (under a higher cap).
    ASSERT_TRUE(db_->run("UPDATE security_job_chargers SET outcome = 'confirmed' WHERE chargebox_id = 'CAP-1'"));
    auto freed = create(*db_, {"CAP-1"}, 8);
    ASSERT_TRUE(freed && std::holds_alternative<std::int64_t>(*freed));
}

TEST_P(SecurityJobsStoreTest, ManyChargersAreCheckedInAFewQueriesAndTheFirstHeldOneIsNamed) {
    // Two chargers in the middle of 2,000 take part in running jobs: HELD-B (index 1,000) in the newer job, HELD-A
    // (index 1,200, first in the alphabet) in the older one. The refusal names the first in the list's order.
    auto older = create(*db_, {"HELD-A"});
    auto newer = create(*db_, {"HELD-B"});
    ASSERT_TRUE(older && std::holds_alternative<std::int64_t>(*older));
    ASSERT_TRUE(newer && std::holds_alternative<std::int64_t>(*newer));
    auto ids = many_ids(2000);
    ids[1000] = "HELD-B";
    ids[1200] = "HELD-A";
    CountingConnection counted(*db_);
    const auto start = std::chrono::steady_clock::now();
    auto refused = create(counted, ids);
    const long long took = ms_since(start);
    ASSERT_TRUE(refused) << refused.error().message;
    ASSERT_TRUE(std::holds_alternative<db::JobRefused>(*refused));
    EXPECT_EQ(std::get<db::JobRefused>(*refused).chargebox_id, "HELD-B");
    EXPECT_EQ(std::get<db::JobRefused>(*refused).job, std::get<std::int64_t>(*newer));
    EXPECT_LE(counted.statements, 8) << "the check asks the store a bounded number of times, not once per charger";
    std::fprintf(stderr, "[ %s ] refused over 2,000 chargers (held at 1,000): %lld ms, %d statements\n",
                 (GetParam() == store::Dialect::Postgresql ? "PostgreSQL" : "SQLite"), took, counted.statements);
    // The same chargers once their jobs' rows have ended: the job is stored over all 2,000.
    ASSERT_TRUE(db_->run("UPDATE security_job_chargers SET outcome = 'confirmed'"));
    CountingConnection again(*db_);
    const auto start_made = std::chrono::steady_clock::now();
    auto made = create(again, ids);
    const long long took_made = ms_since(start_made);
    ASSERT_TRUE(made) << made.error().message;
    ASSERT_TRUE(std::holds_alternative<std::int64_t>(*made));
    auto rows =
        db_->first([](const store::Statement& q) { return q.int64(0); },
                   "SELECT count(*) FROM security_job_chargers WHERE job_id = ?1", std::get<std::int64_t>(*made));
    ASSERT_TRUE(rows && *rows);
    EXPECT_EQ(**rows, 2000);
    EXPECT_LE(again.statements, 20) << "the check and the rows take a few statements, not a few per charger";
    std::fprintf(stderr, "[ %s ] stored over 2,000 chargers: %lld ms, %d statements\n",
                 (GetParam() == store::Dialect::Postgresql ? "PostgreSQL" : "SQLite"), took_made, again.statements);
}

TEST_P(SecurityJobsStoreTest, ManyChargersAreLookedUpInAFewQueriesInTheOrderGiven) {
    // 2,000 stored chargers, one at security profile 2; two unknown IDs listed among them.
    auto ids = many_ids(2000);
    ASSERT_TRUE(db_->begin());
    for (const auto& id : ids) {
        ASSERT_TRUE(db_->run("INSERT INTO chargers(chargebox_id, created_at) VALUES(?1, '2026-01-01T00:00:00Z')", id));
    }
    ASSERT_TRUE(db_->run("UPDATE chargers SET security_profile = 2 WHERE chargebox_id = ?1", ids[1500]));
    ASSERT_TRUE(db_->commit());
    ids.insert(ids.begin() + 1200, "NOT-STORED-B");
    ids.insert(ids.begin() + 700, "NOT-STORED-A");
    CountingConnection counted(*db_);
    const auto start = std::chrono::steady_clock::now();
    auto missing = db::unknown_chargers(counted, ids);
    auto profiles = db::security_profiles(counted, ids);
    const long long took = ms_since(start);
    ASSERT_TRUE(missing) << missing.error().message;
    ASSERT_TRUE(profiles) << profiles.error().message;
    EXPECT_EQ(*missing, (std::vector<std::string>{"NOT-STORED-A", "NOT-STORED-B"}));
    ASSERT_EQ(profiles->size(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ((*profiles)[i], ids[i] == "MANY-01500" ? 2 : 0) << ids[i];
    }
    EXPECT_LE(counted.statements, 12) << "a few queries for 2,002 chargers, not one per charger";
    std::fprintf(stderr, "[ %s ] 2,002 chargers looked up twice: %lld ms, %d statements\n",
                 GetParam() == store::Dialect::Postgresql ? "PostgreSQL" : "SQLite", took, counted.statements);
}

} // namespace

} // namespace cs
