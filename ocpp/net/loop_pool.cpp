#include "ocpp/net/loop_pool.hpp"

namespace ocpp::net {

LoopPool::LoopPool(std::size_t loops) {
    for (std::size_t i = 0; i < loops; ++i) {
        loops_.push_back(EventLoop::create());
    }
}

LoopPool::~LoopPool() {
    stop();
}

void LoopPool::start() {
    if (!threads_.empty()) {
        return;
    }
    for (auto& loop : loops_) {
        threads_.emplace_back([l = loop.get()] { l->run(); });
    }
    running_ = true;
}

void LoopPool::stop() {
    for (auto& loop : loops_) {
        loop->stop();
    }
    for (auto& thread : threads_) {
        thread.join();
    }
    threads_.clear();
    running_ = false;
}

} // namespace ocpp::net
