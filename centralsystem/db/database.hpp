#pragma once
// Database: how code on the central system's loop reaches the store. A job runs on the store worker's thread (inside
// its group-commit transaction) and its result comes back on the loop; nothing on the loop waits for the disk.
#include <functional>
#include <utility>

#include "ocpp/util/executor.hpp"
#include "store/worker.hpp"

namespace cs {

class Database {
public:
    Database(store::StoreWorker& worker, ocpp::Executor& loop)
        : worker_(worker)
        , loop_(loop) {}

    // Runs work on the store worker and done(result) back on the loop; a full queue is an error result (still on
    // the loop, never inside this call).
    template <class T>
    void run(std::function<ocpp::Result<T>(store::Connection&)> work, std::function<void(ocpp::Result<T>)> done) {
        if (!worker_.submit<T>(std::move(work), loop_, done)) {
            loop_.post([done] { done(ocpp::make_error("the store queue is full; try again")); });
        }
    }
    store::StoreWorker& worker() { return worker_; }
    const store::StoreWorker& worker() const { return worker_; }

private:
    store::StoreWorker& worker_;
    ocpp::Executor& loop_;
};

} // namespace cs
