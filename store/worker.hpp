#pragma once
// StoreWorker: the one thread that touches the database. Event loops submit jobs and get the result posted back to
// their own executor, so no loop ever waits on the disk. Jobs waiting together are committed in one transaction
// (group commit), each inside its own savepoint so that one failing job does not undo the others.
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "ocpp/util/executor.hpp"
#include "ocpp/util/histogram.hpp"
#include "ocpp/util/job_queue.hpp"
#include "store/connection.hpp"

namespace store {

class StoreWorker {
public:
    using Job = std::function<void(Connection&)>; // runs on the worker thread inside a transaction

    StoreWorker(std::unique_ptr<Connection> db, std::size_t max_queue = 10000);
    ~StoreWorker(); // finishes queued jobs, then stops
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    // Runs work(db) on the worker, then done(result) on `reply_on`. False when the queue is full (nothing queued).
    template <class T>
    bool submit(std::function<Result<T>(Connection&)> work, ocpp::Executor& reply_on,
                std::function<void(Result<T>)> done) {
        auto result = std::make_shared<std::optional<Result<T>>>();
        return enqueue(
            [work = std::move(work), result](Connection& db) -> bool {
                result->emplace(work(db));
                return result->value().ok();
            },
            [result](const std::string& why) { result->emplace(ocpp::make_error(why)); },
            [result, &reply_on, done = std::move(done)]() mutable {
                reply_on.post([result, done = std::move(done)]() mutable { done(std::move(result->value())); });
            });
    }

    std::size_t queue_depth() const;
    std::uint64_t commits() const; // transactions committed so far (a batch is one)
    // Time from BEGIN to COMMIT of each batch (for /metrics); readable from any thread.
    const ocpp::Histogram& commit_latency() const { return commit_latency_; }

private:
    struct Item {
        std::function<bool(Connection&)> run;         // false: roll this job back to its savepoint
        std::function<void(const std::string&)> fail; // the commit failed: the job's result becomes this error
        std::function<void()> complete;               // after the commit
    };
    bool enqueue(std::function<bool(Connection&)> run, std::function<void(const std::string&)> fail,
                 std::function<void()> complete);
    void loop();

    std::unique_ptr<Connection> db_;
    ocpp::JobQueue<Item> queue_;
    std::atomic<std::uint64_t> commits_{0};
    ocpp::Histogram commit_latency_;
    std::thread thread_;
};

} // namespace store
