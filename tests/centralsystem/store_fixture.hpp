#pragma once
// StoreTest: the central system's store on both backends, a temporary SQLite file and a throwaway PostgreSQL server
// (the parameter), migrated; open() gives another connection to the same database.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "centralsystem/db/queries.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "store/testing/postgres_server.hpp"

namespace cs {

class StoreTest : public ::testing::TestWithParam<store::Dialect> {
protected:
    void SetUp() override {
        if (GetParam() == store::Dialect::Postgresql) {
            auto started = server_.start();
            ASSERT_TRUE(started) << started.error().message;
            auto url = server_.create_database("store_test");
            ASSERT_TRUE(url) << url.error().message;
            url_ = *url;
        } else {
            std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
            std::replace(test.begin(), test.end(), '/', '-');
            path_ = "/tmp/cs-store-test-" + std::to_string(::getpid()) + "-" + test + ".db";
            std::remove(path_.c_str());
        }
        db_ = open();
        ASSERT_TRUE(db_);
        auto migrated = db::migrate(*db_);
        ASSERT_TRUE(migrated) << migrated.error().message;
    }
    void TearDown() override {
        db_.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) {
            if (!path_.empty()) {
                std::remove((path_ + suffix).c_str());
            }
        }
    }
    // A new connection to the test's database (nullptr, with a failure, when it cannot be opened).
    std::unique_ptr<store::Connection> open() {
        if (path_.empty()) {
            auto opened = store::Postgres::open(url_);
            EXPECT_TRUE(opened) << opened.error().message;
            return opened ? std::unique_ptr<store::Connection>(std::move(*opened)) : nullptr;
        }
        auto opened = store::Sqlite::open(path_);
        EXPECT_TRUE(opened) << opened.error().message;
        return opened ? std::unique_ptr<store::Connection>(std::move(*opened)) : nullptr;
    }
    Charger charger(const std::string& id, const std::string& evse) {
        Charger c;
        c.chargebox_id = id;
        c.password_hash = "h";
        c.provider = "acme";
        c.created_at = "2026-01-01T00:00:00Z";
        ChargePoint cp;
        cp.connector_id = 1;
        cp.evse_id = evse;
        cp.standard = "IEC_62196_T2";
        c.charge_points.push_back(cp);
        return c;
    }
    testsupport::PostgresServer server_;
    std::string path_, url_;
    std::unique_ptr<store::Connection> db_;
};

inline std::string backend_name(const ::testing::TestParamInfo<store::Dialect>& info) {
    return info.param == store::Dialect::Postgresql ? "PostgreSQL" : "SQLite";
}

} // namespace cs
