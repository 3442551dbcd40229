// The sessions page's and export's query on 100,000 transactions, on both backends: every filter finds what it
// should, and on SQLite no filter walks the whole transactions table (the store worker answers chargers meanwhile).
#include <chrono>
#include <cstdio>

#include "centralsystem/db/sessions.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace {

using namespace cs;

class SessionsQueryTest : public StoreTest {
protected:
    // 100,000 sessions on 10 chargers; every 1000th started on 2026-03-01 (the rest a year before), every 5000th
    // still running; every id tag differs.
    void fill() {
        auto filled = db_->run(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
            "INSERT INTO transactions(chargebox_id, connector_id, id_tag, meter_start, start_ts, meter_stop, stop_ts) "
            "SELECT 'CP-' || (i % 10), 1, 'TAG' || i, 0, "
            "CASE WHEN i % 1000 = 0 THEN '2026-03-01T10:00:00Z' ELSE '2025-03-01T10:00:00Z' END, 1000, "
            "CASE WHEN i % 5000 = 0 THEN NULL WHEN i % 1000 = 0 THEN '2026-03-01T11:00:00Z' "
            "ELSE '2025-03-01T11:00:00Z' END FROM n");
        ASSERT_TRUE(filled) << filled.error().message;
    }
    db::SessionPage page(const db::SessionQuery& q, const char* what) {
        const auto start = std::chrono::steady_clock::now();
        auto r = db::list_sessions(*db_, q);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("[sessions query] %s: %zu rows in %.2f ms\n", what, r ? r->rows.size() : 0, ms);
        EXPECT_TRUE(r) << r.error().message;
        return r ? std::move(*r) : db::SessionPage{};
    }
    // SQLite's plan lines for the query.
    std::vector<std::string> plan(const db::SessionQuery& q) {
        const db::SessionSql built = db::session_sql(q);
        auto s = db_->prepare("EXPLAIN QUERY PLAN " + built.sql);
        EXPECT_TRUE(s) << s.error().message;
        if (!s) {
            return {};
        }
        s->bind(1, built.ints[0]).bind(2, built.ints[1]);
        int index = 2;
        for (const auto& t : built.texts) {
            s->bind(++index, t);
        }
        s->bind(++index, built.ints[2]);
        auto lines = store::Connection::collect(*s, [](const store::Statement& st) { return st.text(3); });
        EXPECT_TRUE(lines) << lines.error().message;
        return lines ? *lines : std::vector<std::string>{};
    }
    void expect_no_table_scan(const db::SessionQuery& q, const char* what) {
        if (GetParam() != store::Dialect::Sqlite) {
            return;
        }
        // A walk of the whole table, or of its primary key, is what a selective filter must not cost.
        bool indexed = false;
        for (const auto& line : plan(q)) {
            EXPECT_NE(line.rfind("SCAN t", 0), 0u) << what << ": " << line;
            indexed = indexed || line.rfind("SEARCH t USING INDEX", 0) == 0 ||
                      line.rfind("SEARCH t USING COVERING INDEX", 0) == 0;
        }
        EXPECT_TRUE(indexed) << what << ": no index of transactions in the plan";
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, SessionsQueryTest,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(SessionsQueryTest, FiltersUseIndexesAndFindTheRightRows) {
    ASSERT_NO_FATAL_FAILURE(fill());

    db::SessionQuery nobody;
    nobody.id_tag = "NOBODY";
    EXPECT_TRUE(page(nobody, "idTag=NOBODY").rows.empty());
    expect_no_table_scan(nobody, "idTag");

    db::SessionQuery one;
    one.id_tag = "TAG77";
    auto found = page(one, "idTag=TAG77");
    ASSERT_EQ(found.rows.size(), 1u);
    EXPECT_EQ(found.rows[0].tx.chargebox_id, "CP-7");

    db::SessionQuery running;
    running.state = "running";
    EXPECT_EQ(page(running, "state=running").rows.size(), 20u);
    expect_no_table_scan(running, "state=running");

    // The bounds compare without the 'Z': the start on the lower bound is in, one on the upper bound is out.
    db::SessionQuery window;
    window.from = "2026-03-01T10:00:00Z";
    window.to = "2026-03-02T00:00:00Z";
    window.limit = 1000;
    EXPECT_EQ(page(window, "from/to one day").rows.size(), 100u);
    expect_no_table_scan(window, "from/to");
    window.to = "2026-03-01T10:00:00Z";
    window.from = "2026-02-01T00:00:00Z";
    EXPECT_TRUE(page(window, "to on a start").rows.empty());

    db::SessionQuery charger;
    charger.chargebox_id = "CP-3";
    charger.state = "finished";
    auto of_charger = page(charger, "chargeBoxId=CP-3 finished");
    ASSERT_EQ(of_charger.rows.size(), 100u);
    EXPECT_TRUE(of_charger.more);
    expect_no_table_scan(charger, "chargeBoxId");

    // The export: finished, billable, oldest first from afterId.
    db::SessionQuery exported;
    exported.from = "2026-03-01T00:00:00Z";
    exported.to = "2026-03-02T00:00:00Z";
    exported.finished_only_billable = true;
    exported.after_id = 0;
    exported.limit = 10000;
    auto rows = page(exported, "export one day");
    ASSERT_EQ(rows.rows.size(), 80u);
    EXPECT_LT(rows.rows.front().tx.id, rows.rows.back().tx.id);
    expect_no_table_scan(exported, "export");
}

} // namespace
