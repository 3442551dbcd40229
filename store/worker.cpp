#include "store/worker.hpp"

#include <vector>

namespace store {

StoreWorker::StoreWorker(std::unique_ptr<Connection> db, std::size_t max_queue)
    : db_(std::move(db))
    , queue_(max_queue)
    , thread_([this] { loop(); }) {}

StoreWorker::~StoreWorker() {
    queue_.close(false); // everything accepted is still done
    thread_.join();
}

bool StoreWorker::enqueue(std::function<bool(Connection&)> run, std::function<void(const std::string&)> fail,
                          std::function<void()> complete) {
    return queue_.push(Item{std::move(run), std::move(fail), std::move(complete)});
}

std::size_t StoreWorker::queue_depth() const {
    return queue_.size();
}

std::uint64_t StoreWorker::commits() const {
    return commits_.load();
}

void StoreWorker::loop() {
    std::vector<Item> batch;
    while (queue_.pop(batch, 512)) { // ends when stopping, once everything queued has been done
        const auto started = std::chrono::steady_clock::now();
        auto begun = db_->begin();
        for (auto& item : batch) {
            if (!begun) {
                item.fail(begun.error().message);
                continue;
            }
            (void)db_->exec("SAVEPOINT job");
            if (item.run(*db_)) {
                (void)db_->exec("RELEASE job");
            } else {
                (void)db_->exec("ROLLBACK TO job");
                (void)db_->exec("RELEASE job");
            }
        }
        if (begun) {
            if (auto committed = db_->commit(); !committed) {
                (void)db_->rollback();
                for (auto& item : batch) {
                    item.fail("not stored: " + committed.error().message);
                }
            }
        }
        commit_latency_.observe(std::chrono::steady_clock::now() - started);
        ++commits_;
        // Only now, with the batch durable, do the callers hear back (durability before acknowledgement).
        for (auto& item : batch) {
            item.complete();
        }
    }
}

} // namespace store
