// EventLoop on an Asio io_context (one thread runs it), and steady timers as ocpp::Timer.
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cstdio>
#include <exception>

#include "ocpp/net/event_loop.hpp"

namespace ocpp::net {

namespace {

// A generation number makes a fired-but-not-yet-run expiry harmless after cancel() or a re-arm; the shared state
// outlives the timer only as a weak reference, so destroying the timer while armed is safe.
class AsioTimer final : public Timer {
public:
    explicit AsioTimer(asio::io_context& io)
        : timer_(io)
        , state_(std::make_shared<State>()) {}
    ~AsioTimer() override {
        state_->fn = nullptr;
        asio::error_code ec;
        timer_.cancel(ec);
    }

    void start(Clock::Duration delay, std::function<void()> fn) override {
        const std::uint64_t gen = ++state_->generation;
        state_->fn = std::move(fn);
        timer_.expires_after(delay.count() < 0 ? Clock::Duration{} : delay);
        timer_.async_wait([weak = std::weak_ptr<State>(state_), gen](const asio::error_code&) {
            auto state = weak.lock();
            if (!state || state->generation != gen || !state->fn) {
                return;
            }
            auto callback = std::move(state->fn);
            state->fn = nullptr;
            callback(); // may destroy the timer; `state` keeps the shared state alive until we return
        });
    }

    void cancel() override {
        ++state_->generation;
        state_->fn = nullptr;
        asio::error_code ec;
        timer_.cancel(ec);
    }

private:
    struct State {
        std::uint64_t generation = 0;
        std::function<void()> fn;
    };
    asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

class AsioEventLoop final : public EventLoop {
public:
    AsioEventLoop()
        : io_(1)
        , work_(asio::make_work_guard(io_)) {}

    void post(std::function<void()> fn) override { asio::post(io_, std::move(fn)); }
    std::unique_ptr<Timer> make_timer() override { return std::make_unique<AsioTimer>(io_); }
    const Clock& clock() const override { return clock_; }

    // stop() is sticky (no restart), so a stop() that races ahead of run() is never lost.
    void run() override {
        for (;;) {
            try {
                io_.run();
                return;
            } catch (const std::exception& e) {
                // A handler threw: report it and keep the loop (and every other connection on it) alive.
                std::fprintf(stderr, "ocpp::net::EventLoop: exception escaped a handler: %s\n", e.what());
            } catch (...) {
                std::fprintf(stderr, "ocpp::net::EventLoop: unknown exception escaped a handler\n");
            }
        }
    }

    void stop() override { io_.stop(); }
    void* native_handle() override { return &io_; }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    SystemClock clock_;
};

} // namespace

std::unique_ptr<EventLoop> EventLoop::create() {
    return std::make_unique<AsioEventLoop>();
}

} // namespace ocpp::net
