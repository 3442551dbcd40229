#include "ocpp/util/worker_pool.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ocpp {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queue, int nice)
    : queue_(max_queue) {
    for (std::size_t i = 0; i < (threads == 0 ? 1 : threads); ++i) {
        threads_.emplace_back([this, nice] { run(nice); });
    }
}

WorkerPool::~WorkerPool() {
    queue_.close(true);
    for (auto& t : threads_) {
        t.join();
    }
}

bool WorkerPool::submit(std::function<void()> job) {
    return queue_.push(std::move(job));
}

std::size_t WorkerPool::queue_depth() const {
    return queue_.size();
}

void WorkerPool::run(int nice) {
    if (nice != 0) {
        // Linux gives each thread its own nice value; failing to lower the priority is harmless.
        (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice);
    }
    std::vector<std::function<void()>> jobs;
    while (queue_.pop(jobs, 1)) {
        jobs.front()();
    }
}

} // namespace ocpp
