// The store worker on both backends: StartTransaction, two meter values and StopTransaction per charging session,
// submitted 500 at a time as event loops do, answered after the group commit. SQLite (a file, WAL) is the
// baseline; PostgreSQL is a throwaway local server (store/testing), so both pay the same machine.
#include <atomic>
#include <thread>

#include <benchmark/benchmark.h>

#include "centralsystem/db/queries.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "store/testing/postgres_server.hpp"
#include "store/worker.hpp"

namespace {

constexpr int kBatch = 500;

std::unique_ptr<store::Connection> open_backend(bool postgres, testsupport::PostgresServer& server) {
    std::unique_ptr<store::Connection> db;
    if (postgres) {
        if (!server.start()) {
            return nullptr;
        }
        auto url = server.create_database("bench");
        auto pg = url ? store::Postgres::open(*url) : ocpp::Result<std::unique_ptr<store::Postgres>>(url.error());
        if (!pg) {
            return nullptr;
        }
        db = std::move(*pg);
    } else {
        const std::string path = "/tmp/ocppkit-store-bench.db";
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path + suffix).c_str());
        }
        auto lite = store::Sqlite::open(path);
        if (!lite) {
            return nullptr;
        }
        db = std::move(*lite);
    }
    if (!cs::db::migrate(*db)) {
        return nullptr;
    }
    cs::Charger c;
    c.chargebox_id = "CB-1";
    c.created_at = "2026-01-01T00:00:00Z";
    if (!cs::db::insert_charger(*db, c)) {
        return nullptr;
    }
    return db;
}

void BM_StoreSessions(benchmark::State& state) {
    const bool postgres = state.range(0) == 1;
    testsupport::PostgresServer server;
    auto db = open_backend(postgres, server);
    if (!db) {
        state.SkipWithError("cannot open the database");
        return;
    }
    store::StoreWorker worker(std::move(db));
    ocpp::ManualClock clock;
    ocpp::ManualExecutor loop(clock);
    std::int64_t session = 0;
    for (auto _ : state) {
        std::atomic<int> answered{0};
        for (int i = 0; i < kBatch; ++i, ++session) {
            const std::string ts = "2026-01-01T00:00:00." + std::to_string(session) + "Z";
            worker.submit<bool>(
                [session, ts](store::Connection& c) -> ocpp::Result<bool> {
                    auto start = cs::db::start_transaction(c, "CB-1", 1, "TAG", 0, ts);
                    if (!start) {
                        return start.error();
                    }
                    const std::vector<cs::MeterSample> samples{
                        {ts, "Energy.Active.Import.Register", "Wh", "", "", "", 100.0},
                        {ts, "Power.Active.Import", "W", "", "", "", 11000.0}};
                    if (auto r = cs::db::add_meter_values(c, "CB-1", 1, start->transaction_id, samples); !r) {
                        return r.error();
                    }
                    cs::db::StopInput stop;
                    stop.transaction_id = start->transaction_id;
                    stop.meter_stop = 200;
                    stop.ts = ts;
                    stop.reason = "Local";
                    auto stopped = cs::db::stop_transaction(c, "CB-1", stop);
                    return stopped ? ocpp::Result<bool>(true) : ocpp::Result<bool>(stopped.error());
                },
                loop, [&answered](ocpp::Result<bool>) { ++answered; });
        }
        for (int spins = 0; answered < kBatch && spins < 600000; ++spins) {
            if (loop.run_pending() == 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(50));
            }
        }
        if (answered < kBatch) {
            state.SkipWithError("the store worker did not answer in time");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["commits"] = static_cast<double>(worker.commits());
}

BENCHMARK(BM_StoreSessions)->Arg(0)->Arg(1)->ArgName("postgresql")->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
