#pragma once
// WorkerPool: a few threads for CPU-heavy work (password hashing) that must not run on an event loop. Jobs queue up
// to a bound; whoever submits posts the result back to its own executor from inside the job. The threads may run
// at a lower priority (a higher nice value), so that on a busy machine the event loops come first.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ocpp {

class WorkerPool {
public:
    WorkerPool(std::size_t threads, std::size_t max_queue, int nice = 0);
    ~WorkerPool(); // drops what is still queued, lets running jobs finish, joins
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues job; false when the queue is full or the pool is stopping (nothing queued).
    bool submit(std::function<void()> job);
    std::size_t queue_depth() const;

private:
    void run(int nice);

    std::size_t max_queue_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace ocpp
