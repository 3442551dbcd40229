#pragma once
// LoopPool: N event loops, each on a thread of its own, that a threaded Server spreads its connections over.
#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "ocpp/net/event_loop.hpp"

namespace ocpp::net {

class LoopPool {
public:
    explicit LoopPool(std::size_t loops);
    // Stops and joins the threads if stop() was not called.
    ~LoopPool();
    LoopPool(const LoopPool&) = delete;
    LoopPool& operator=(const LoopPool&) = delete;

    // Starts one thread per loop; call once, after the servers on the pool listen.
    void start();
    // Stops every loop and joins its thread. Servers on the pool go before the pool itself (after stop(), or while
    // it runs, but not while another thread stops it).
    void stop();
    std::size_t size() const { return loops_.size(); }
    // Between start() and stop() (both called from one thread).
    bool running() const { return running_.load(); }
    EventLoop& loop(std::size_t i) { return *loops_[i]; }

private:
    std::vector<std::unique_ptr<EventLoop>> loops_;
    std::vector<std::thread> threads_;
    std::atomic<bool> running_{false};
};

} // namespace ocpp::net
