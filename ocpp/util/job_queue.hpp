#pragma once
// JobQueue: the bounded, thread-safe queue behind every worker thread here (WorkerPool, store::StoreWorker). Callers
// push and get false when it is full or closed; workers wait for a batch. Closing either drops what is queued (a pool
// of CPU work) or lets the workers drain it first (the store: every write that was accepted is done).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace ocpp {

template <class Job> class JobQueue {
public:
    explicit JobQueue(std::size_t max_queue)
        : max_queue_(max_queue == 0 ? 1 : max_queue) {}
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // Queues job; false when the queue is full or closed (nothing queued).
    bool push(Job job) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (closed_ || queue_.size() >= max_queue_) {
                return false;
            }
            queue_.push_back(std::move(job));
        }
        wake_.notify_one();
        return true;
    }

    // Waits for work and moves up to `max` jobs into `out` (cleared first); false when the worker should end.
    bool pop(std::vector<Job>& out, std::size_t max) {
        out.clear();
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) {
            return false; // closed, and nothing is left (dropped, or drained)
        }
        const std::size_t n = std::min(queue_.size(), std::max<std::size_t>(1, max));
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        return true;
    }

    // Refuses further pushes and wakes every worker; drop: forget what is queued, else the workers drain it.
    void close(bool drop) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_ = true;
            if (drop) {
                queue_.clear();
            }
        }
        wake_.notify_all();
    }

    std::size_t size() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return queue_.size();
    }
    // Set once close() was called; long jobs may poll it to give up early.
    const std::atomic<bool>& closed() const { return closed_; }

private:
    std::size_t max_queue_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::atomic<bool> closed_{false};
};

} // namespace ocpp
