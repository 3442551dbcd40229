#include "store/worker.hpp"

#include <vector>

namespace store {

StoreWorker::StoreWorker(std::unique_ptr<Connection> db, std::size_t max_queue)
    : db_(std::move(db))
    , max_queue_(max_queue)
    , thread_([this] { loop(); }) {}

StoreWorker::~StoreWorker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

bool StoreWorker::enqueue(std::function<bool(Connection&)> run, std::function<void(const std::string&)> fail,
                          std::function<void()> complete) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= max_queue_ || stopping_) {
            return false;
        }
        queue_.push_back(Item{std::move(run), std::move(fail), std::move(complete)});
    }
    wake_.notify_one();
    return true;
}

std::size_t StoreWorker::queue_depth() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

std::uint64_t StoreWorker::commits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return commits_;
}

void StoreWorker::loop() {
    for (;;) {
        std::vector<Item> batch;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return; // stopping, and everything queued has been done
            }
            const std::size_t n = std::min<std::size_t>(queue_.size(), 512);
            for (std::size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
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
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++commits_;
        }
        // Only now, with the batch durable, do the callers hear back (durability before acknowledgement).
        for (auto& item : batch) {
            item.complete();
        }
    }
}

} // namespace store
