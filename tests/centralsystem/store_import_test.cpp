// The CSV import's store query on both backends, run as the REST handler runs it: one job of a real store worker.
// A file of 2,000 rows is imported whole; a file with clashes imports nothing and names each clash; an insert that
// fails after others succeeded rolls every one of them back; a dry run writes nothing.
#include <chrono>
#include <thread>

#include "ocpp/util/manual_executor.hpp"
#include "store/worker.hpp"
#include "tests/centralsystem/store_fixture.hpp"

namespace {

using namespace cs;

class StoreImportTest : public StoreTest {
protected:
    // `n` chargers IMP-0000... with two charge points each (EVSE IDs DE*IMP*E<i>*1 and *2): 2n rows of a file.
    std::vector<Charger> file(int n) {
        std::vector<Charger> out;
        for (int i = 0; i < n; ++i) {
            char id[16];
            std::snprintf(id, sizeof id, "IMP-%04d", i);
            Charger c = charger(id, "DE*IMP*E" + std::to_string(i) + "*1");
            ChargePoint second = c.charge_points[0];
            second.connector_id = 2;
            second.evse_id = "DE*IMP*E" + std::to_string(i) + "*2";
            c.charge_points.push_back(second);
            out.push_back(std::move(c));
        }
        return out;
    }
    // db::import_chargers as one job of a store worker on its own connection; its result, once committed.
    ocpp::Result<std::vector<db::ImportClash>> import(std::vector<Charger> chargers, bool dry_run = false) {
        auto connection = open();
        if (!connection) {
            return ocpp::make_error("no connection");
        }
        ocpp::ManualClock clock;
        ocpp::ManualExecutor loop(clock);
        std::optional<ocpp::Result<std::vector<db::ImportClash>>> result;
        {
            store::StoreWorker worker(std::move(connection));
            EXPECT_TRUE(worker.submit<std::vector<db::ImportClash>>(
                [&chargers, dry_run](store::Connection& db) { return db::import_chargers(db, chargers, dry_run); },
                loop, [&](ocpp::Result<std::vector<db::ImportClash>> r) { result = std::move(r); }));
            for (int i = 0; i < 30000 && !result; ++i) { // 60 s at most
                loop.run_pending();
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }
        return result ? std::move(*result) : ocpp::make_error("the import job did not finish in time");
    }
    std::size_t stored() {
        auto all = db::list_chargers(*db_, "", "", -1);
        EXPECT_TRUE(all) << all.error().message;
        return all ? all->size() : 0;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreImportTest,
                         ::testing::Values(store::Dialect::Sqlite, store::Dialect::Postgresql), backend_name);

TEST_P(StoreImportTest, TwoThousandRowsAreImportedWhole) {
    auto clashes = import(file(1000));
    ASSERT_TRUE(clashes) << clashes.error().message;
    EXPECT_TRUE(clashes->empty());
    EXPECT_EQ(stored(), 1000u);
    auto last = db::find_charger(*db_, "IMP-0999");
    ASSERT_TRUE(last && *last);
    ASSERT_EQ((*last)->charge_points.size(), 2u);
    EXPECT_EQ((*last)->charge_points[1].evse_id.value_or(""), "DE*IMP*E999*2");
    EXPECT_EQ((*last)->status, "planned");
    // The same file again: every charger clashes, nothing more is written.
    clashes = import(file(1000));
    ASSERT_TRUE(clashes);
    EXPECT_EQ(clashes->size(), 3000u) << "each Chargebox ID and each EVSE ID";
    EXPECT_EQ(stored(), 1000u);
}

TEST_P(StoreImportTest, AClashImportsNothingAndNamesEachClash) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("IMP-0500", "DE*OLD*E1*1")));
    ASSERT_TRUE(db::insert_charger(*db_, charger("OLD-1", "DE*IMP*E999*2")));
    auto clashes = import(file(1000));
    ASSERT_TRUE(clashes) << clashes.error().message;
    ASSERT_EQ(clashes->size(), 2u);
    EXPECT_EQ((*clashes)[0].charger, 500u);
    EXPECT_FALSE((*clashes)[0].charge_point);
    EXPECT_EQ((*clashes)[0].error, "a charger with Chargebox ID \"IMP-0500\" exists already");
    EXPECT_EQ((*clashes)[1].charger, 999u);
    EXPECT_EQ((*clashes)[1].charge_point.value_or(9), 1u);
    EXPECT_EQ((*clashes)[1].error, "evseId \"DE*IMP*E999*2\" belongs to charger \"OLD-1\" already");
    EXPECT_EQ(stored(), 2u) << "nothing of the file, and the stored chargers as they were";
    auto old = db::find_charger(*db_, "OLD-1");
    ASSERT_TRUE(old && *old);
    EXPECT_EQ((*old)->charge_points[0].evse_id.value_or(""), "DE*IMP*E999*2");
}

TEST_P(StoreImportTest, AnInsertFailingAfterOthersRollsEveryOneBack) {
    // The last charger repeats the first one's ID: the check before inserting cannot see it (neither is stored),
    // just as it cannot see a charger another node stores between the check and the inserts.
    auto chargers = file(1000);
    Charger again = chargers.front();
    again.charge_points.clear();
    chargers.push_back(again);
    auto r = import(chargers);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("IMP-0000"), std::string::npos) << r.error().message;
    EXPECT_EQ(stored(), 0u) << "the 1,000 chargers inserted before the failure are gone";
    EXPECT_FALSE(*db::find_charger(*db_, "IMP-0999"));
    // The store is fine afterwards: the file without the repeat imports.
    chargers.pop_back();
    auto ok = import(chargers);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE(ok->empty());
    EXPECT_EQ(stored(), 1000u);
}

TEST_P(StoreImportTest, ADryRunChecksButWritesNothing) {
    ASSERT_TRUE(db::insert_charger(*db_, charger("IMP-0003", "DE*OLD*E1*1")));
    auto clashes = import(file(10), true);
    ASSERT_TRUE(clashes);
    ASSERT_EQ(clashes->size(), 1u);
    EXPECT_EQ((*clashes)[0].charger, 3u);
    clashes = import(file(3), true);
    ASSERT_TRUE(clashes);
    EXPECT_TRUE(clashes->empty());
    EXPECT_EQ(stored(), 1u);
}

} // namespace
