#pragma once
// An ocpp::net::EventLoop run by a thread of its own, for tests that drive our Server, Client or Peer from the test's
// thread.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include "ocpp/net/event_loop.hpp"

namespace ocppkit::test {

class LoopThread {
public:
    // When the loop's thread starts: at construction, or at start() once the test has wired its objects.
    enum class Start { Now, Later };

    explicit LoopThread(Start when = Start::Now)
        : loop_(ocpp::net::EventLoop::create()) {
        if (when == Start::Now) {
            start();
        }
    }
    ~LoopThread() { stop(); }
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;

    ocpp::net::EventLoop& loop() { return *loop_; }

    // Starts the thread (once); nothing when it runs already.
    void start() {
        if (!thread_.joinable()) {
            thread_ = std::thread([this] { loop_->run(); });
        }
    }
    // Stops the loop and joins the thread.
    void stop() {
        if (thread_.joinable()) {
            loop_->stop();
            thread_.join();
        }
    }
    // Runs teardown on the loop, then stops the loop from there and joins the thread.
    void stop(std::function<void()> teardown) {
        loop_->post([this, teardown = std::move(teardown)] {
            teardown();
            loop_->stop();
        });
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    // Runs fn on the loop thread and returns its result; throws when it does not finish within 10 s.
    template <class F> auto call(F fn) -> decltype(fn()) {
        using R = decltype(fn());
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
        auto future = task->get_future();
        loop_->post([task] { (*task)(); });
        if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
            throw std::runtime_error("loop call timed out");
        }
        return future.get();
    }

private:
    std::unique_ptr<ocpp::net::EventLoop> loop_;
    std::thread thread_;
};

} // namespace ocppkit::test
