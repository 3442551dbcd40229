#pragma once
// WorkerPool: a few threads for CPU-heavy work (password hashing, a CSV import's hashing) that must not run on an
// event loop. Jobs queue up to a bound; the result goes back to the caller's executor (submit<T>), or the job posts
// it itself. The threads may run at a lower priority (a higher nice value), so that on a busy machine the event
// loops come first.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "ocpp/util/executor.hpp"
#include "ocpp/util/job_queue.hpp"

namespace ocpp {

class WorkerPool {
public:
    WorkerPool(std::size_t threads, std::size_t max_queue, int nice = 0);
    ~WorkerPool(); // drops what is still queued, tells running jobs to stop (stopping()), lets them finish, joins
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues job; false when the queue is full or the pool is stopping (nothing queued).
    bool submit(std::function<void()> job);
    // Runs work(stop) on a pool thread, then done(result) on `reply_on` unless the pool stopped meanwhile; false when
    // the queue is full. Long work should check `stop` now and then and give up when it is set.
    template <class T>
    bool submit(std::function<T(const std::atomic<bool>& stop)> work, Executor& reply_on, std::function<void(T)> done) {
        return submit([this, work = std::move(work), &reply_on, done = std::move(done)] {
            const std::atomic<bool>& stop = stopping();
            auto result = std::make_shared<T>(work(stop));
            if (!stop) {
                reply_on.post([result, done] { done(std::move(*result)); });
            }
        });
    }
    std::size_t queue_depth() const;
    // Set from destruction on.
    const std::atomic<bool>& stopping() const { return queue_.closed(); }

private:
    void run(int nice);

    JobQueue<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
};

} // namespace ocpp
