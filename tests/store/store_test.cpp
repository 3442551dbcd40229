#include <openssl/evp.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ocpp/util/manual_executor.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "store/worker.hpp"

namespace fs = std::filesystem;

namespace {
// A fresh database file per test, removed afterwards.
struct TempDb {
    fs::path path = fs::temp_directory_path() /
                    ("ocppkit-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    TempDb() { fs::remove(path); }
    ~TempDb() {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(path.string() + suffix);
        }
    }
};

template <class Pred> bool wait_for(ocpp::ManualExecutor& ex, Pred done) {
    for (int i = 0; i < 2000 && !done(); ++i) {
        ex.run_pending();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
}
} // namespace

TEST(Sqlite, MigrationsApplyOnceAndSurviveReopening) {
    TempDb tmp;
    const std::vector<store::Migration> v1{{1, "CREATE TABLE t (x INTEGER)"}};
    {
        auto db = store::Sqlite::open(tmp.path.string());
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE((*db)->migrate("test", v1));
        ASSERT_TRUE((*db)->exec("INSERT INTO t VALUES (7)"));
    }
    auto db = store::Sqlite::open(tmp.path.string());
    ASSERT_TRUE(db);
    auto v2 = v1;
    v2.push_back({2, "ALTER TABLE t ADD COLUMN y TEXT"});
    ASSERT_TRUE((*db)->migrate("test", v2)) << "v1 must not run again";
    auto q = (*db)->prepare("SELECT x, y FROM t");
    ASSERT_TRUE(q);
    ASSERT_TRUE(*q->step());
    EXPECT_EQ(q->int64(0), 7);
    EXPECT_TRUE(q->is_null(1));
}

// Statements are kept for the next query of the same text: bindings never leak from one use to the next, the same
// query nested inside its own iteration works, a schema change is seen, and one kept past its connection is harmless.
TEST(Sqlite, KeptStatementsBehaveLikeFreshOnes) {
    TempDb tmp;
    auto db = store::Sqlite::open(tmp.path.string());
    ASSERT_TRUE(db) << db.error().message;
    auto& c = **db;
    ASSERT_TRUE(c.exec("CREATE TABLE t (x INTEGER, y TEXT)"));
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(c.run("INSERT INTO t VALUES (?1, ?2)", i, "v" + std::to_string(i)));
    }
    auto read = [](const store::Statement& q) { return q.text(0); };
    for (int i = 1; i <= 3; ++i) {
        auto y = c.first(read, "SELECT y FROM t WHERE x = ?1", i);
        ASSERT_TRUE(y && *y);
        EXPECT_EQ(**y, "v" + std::to_string(i));
    }
    // A query left half-read goes back reset: the next use starts from the first row.
    {
        auto q = c.query("SELECT x FROM t ORDER BY x");
        ASSERT_TRUE(q && *q->step());
    }
    auto all = c.all([](const store::Statement& q) { return q.int64(0); }, "SELECT x FROM t ORDER BY x");
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, (std::vector<std::int64_t>{1, 2, 3}));
    // The same text nested in its own iteration: two statements at once.
    auto outer = c.query("SELECT x FROM t WHERE x >= ?1 ORDER BY x", 2);
    ASSERT_TRUE(outer);
    int rows = 0;
    while (*outer->step()) {
        auto inner = c.all([](const store::Statement& q) { return q.int64(0); },
                           "SELECT x FROM t WHERE x >= ?1 ORDER BY x", outer->int64(0));
        ASSERT_TRUE(inner);
        EXPECT_EQ(inner->front(), outer->int64(0));
        ++rows;
    }
    EXPECT_EQ(rows, 2);
    // A column added later shows in a kept "SELECT *".
    ASSERT_TRUE(c.all(read, "SELECT * FROM t"));
    ASSERT_TRUE(c.exec("ALTER TABLE t ADD COLUMN z TEXT DEFAULT 'zz'"));
    auto z = c.first([](const store::Statement& q) { return q.text(2); }, "SELECT * FROM t");
    ASSERT_TRUE(z && *z);
    EXPECT_EQ(**z, "zz");
    // A statement still held when its connection goes.
    auto held = c.query("SELECT x FROM t");
    ASSERT_TRUE(held);
    db->reset();
}

TEST(Sqlite, AFailingMigrationChangesNothingAndSaysWhich) {
    TempDb tmp;
    auto db = store::Sqlite::open(tmp.path.string());
    ASSERT_TRUE(db);
    auto r = (*db)->migrate("test", {{1, "CREATE TABLE a (x); CREATE TABLE a (y)"}});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("migration test v1"), std::string::npos) << r.error().message;
    EXPECT_FALSE((*db)->prepare("SELECT * FROM a")) << "the half-applied migration was rolled back";
}

TEST(Sqlite, OpeningAnUnwritablePathIsAClearError) {
    auto db = store::Sqlite::open("/nonexistent-dir/x.db");
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().message.find("/nonexistent-dir/x.db"), std::string::npos);
}

TEST(Sqlite, UrlsNameTheFile) {
    EXPECT_EQ(store::sqlite_path_from_url("sqlite:ocppkit.db"), "ocppkit.db");
    EXPECT_EQ(store::sqlite_path_from_url("sqlite:///var/lib/x.db"), "/var/lib/x.db");
    EXPECT_EQ(store::sqlite_path_from_url("data.db"), "data.db");
    EXPECT_FALSE(store::sqlite_path_from_url("postgresql://host/db"));
    EXPECT_FALSE(store::sqlite_path_from_url("sqlite:"));
}

TEST(StoreWorker, AnswersOnTheCallersExecutorAfterCommittingABatch) {
    TempDb tmp;
    auto db = store::Sqlite::open(tmp.path.string());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (x INTEGER NOT NULL)"));
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    std::atomic<int> answered{0};
    int failed = 0;
    {
        store::StoreWorker worker(std::move(*db));
        for (int i = 0; i < 200; ++i) {
            ASSERT_TRUE(worker.submit<int>(
                [i](store::Connection& s) -> store::Result<int> {
                    auto q = s.prepare(i == 100 ? "INSERT INTO t VALUES (NULL)" : "INSERT INTO t VALUES (?1)");
                    if (!q) {
                        return q.error();
                    }
                    q->bind(1, static_cast<std::int64_t>(i));
                    if (auto r = q->run(); !r) {
                        return r.error();
                    }
                    return i;
                },
                ex,
                [&](store::Result<int> r) {
                    ++answered;
                    failed += r.ok() ? 0 : 1;
                }));
        }
        ASSERT_TRUE(wait_for(ex, [&] { return answered == 200; }));
        EXPECT_LT(worker.commits(), 200u) << "jobs waiting together share a commit";
    }
    EXPECT_EQ(failed, 1) << "only the NOT NULL violation fails";
    auto check = store::Sqlite::open(tmp.path.string());
    auto q = (*check)->prepare("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(*q->step());
    EXPECT_EQ(q->int64(0), 199) << "the failed job did not undo the others";
}

TEST(StoreWorker, RefusesJobsBeyondItsQueueBound) {
    TempDb tmp;
    auto db = store::Sqlite::open(tmp.path.string());
    ASSERT_TRUE(db);
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    std::atomic<bool> release{false};
    store::StoreWorker worker(std::move(*db), 2);
    auto slow = [&](store::Connection&) -> store::Result<int> {
        while (!release) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return 0;
    };
    int refused = 0;
    for (int i = 0; i < 10; ++i) {
        refused += worker.submit<int>(slow, ex, [](store::Result<int>) {}) ? 0 : 1;
    }
    release = true;
    EXPECT_GE(refused, 7);
}

TEST(Password, HashesVerifyAndNeverContainThePassword) {
    const auto h = store::hash_password("s3cret-Passw0rd", 1000);
    EXPECT_EQ(h.rfind("pbkdf2-sha256$1000$", 0), 0u) << h;
    EXPECT_EQ(h.find("s3cret"), std::string::npos);
    EXPECT_TRUE(store::verify_password("s3cret-Passw0rd", h));
    EXPECT_FALSE(store::verify_password("s3cret-Passw0rd ", h));
    EXPECT_NE(store::hash_password("s3cret-Passw0rd", 1000), h) << "salted";
    for (const char* bad : {"", "plain", "pbkdf2-sha256$x$y$z", "pbkdf2-sha256$0$AAAA$AAAA", "md5$1$a$b"}) {
        EXPECT_FALSE(store::verify_password("s3cret-Passw0rd", bad)) << bad;
    }
}

// Our PBKDF2 must give exactly what the standard gives: RFC 7914's test vector, then OpenSSL's PKCS5_PBKDF2_HMAC over
// passwords and salts of every length around the HMAC block size (64) and several iteration counts.
TEST(Password, Pbkdf2MatchesTheStandard) {
    const unsigned char salt[] = {'s', 'a', 'l', 't'};
    const auto rfc = store::pbkdf2_sha256("passwd", salt, sizeof salt, 1);
    const unsigned char expected[32] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91,
                                        0xc2, 0x25, 0x44, 0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde,
                                        0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc};
    EXPECT_EQ(0, std::memcmp(rfc.data(), expected, sizeof expected)) << "RFC 7914, section 11";
    std::string password;
    std::vector<unsigned char> long_salt;
    for (int len = 0; len <= 130; len += (len < 60 || len > 70) ? 13 : 1) {
        password.assign(static_cast<std::size_t>(len), '\0');
        long_salt.assign(static_cast<std::size_t>(len) + 1, 0);
        for (int i = 0; i < len; ++i) {
            password[static_cast<std::size_t>(i)] = static_cast<char>('!' + (i * 7) % 90);
            long_salt[static_cast<std::size_t>(i)] = static_cast<unsigned char>(i * 31);
        }
        for (int iterations : {1, 2, 1000}) {
            unsigned char reference[32];
            ASSERT_EQ(1, PKCS5_PBKDF2_HMAC(password.data(), len, long_salt.data(), static_cast<int>(long_salt.size()),
                                           iterations, EVP_sha256(), 32, reference));
            const auto ours = store::pbkdf2_sha256(password, long_salt.data(), long_salt.size(), iterations);
            EXPECT_EQ(0, std::memcmp(ours.data(), reference, 32)) << "length " << len << ", " << iterations;
        }
    }
}

TEST(Password, GeneratedPasswordsAreLongAndDistinct) {
    const auto a = store::generate_password();
    EXPECT_EQ(a.size(), 16u);
    EXPECT_NE(a, store::generate_password());
    EXPECT_EQ(a.find_first_of("0O1lI"), std::string::npos) << "no symbols that are easy to misread";
}
