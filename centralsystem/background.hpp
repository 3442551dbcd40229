#pragma once
// Background: one thread for CPU-heavy work that must keep off the event loop and off the store worker (hashing
// the passwords of a CSV import). Jobs run one at a time from a short bounded queue; the result is posted back to
// the caller's executor. On destruction queued jobs are dropped and the running one is asked to stop.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "ocpp/util/executor.hpp"

namespace cs {

class Background {
public:
    explicit Background(std::size_t max_queue = 4);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    // Runs work(stop) on the background thread, then done(result) on `reply_on`; false when the queue is full.
    // Long work should check `stop` now and then and give up when it is set.
    template <class T>
    bool submit(std::function<T(const std::atomic<bool>& stop)> work, ocpp::Executor& reply_on,
                std::function<void(T)> done) {
        return enqueue([work = std::move(work), &reply_on, done = std::move(done)](const std::atomic<bool>& stop) {
            auto result = std::make_shared<T>(work(stop));
            if (!stop) {
                reply_on.post([result, done] { done(std::move(*result)); });
            }
        });
    }

private:
    using Job = std::function<void(const std::atomic<bool>&)>;
    bool enqueue(Job job);
    void loop();

    std::size_t max_queue_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace cs
