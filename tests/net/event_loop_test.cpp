// EventLoop: posting across threads and steady timers as ocpp::Timer.
#include <atomic>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <thread>

#include "tests/support/loop_thread.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"

namespace ocpp::net::test {

using namespace std::chrono_literals;
using namespace ocppkit::test;
namespace {

TEST(EventLoop, PostRunsOnTheLoopThread) {
    LoopThread lt;
    const auto loop_thread = lt.call([] { return std::this_thread::get_id(); });
    EXPECT_NE(loop_thread, std::this_thread::get_id());
    std::atomic<int> n{0};
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
        posters.emplace_back([&] {
            for (int i = 0; i < 250; ++i) {
                lt.loop().post([&] { ++n; });
            }
        });
    }
    for (auto& t : posters) {
        t.join();
    }
    EXPECT_TRUE(wait_until([&] { return n == 1000; }));
}

// A stop() that comes before run() is sticky: run() returns at once, and a handler posted before the stop stays
// queued (it does not run) because the loop never started.
TEST(EventLoop, StopBeforeRunIsNotLost) {
    std::shared_ptr<EventLoop> loop = EventLoop::create();
    auto ran = std::make_shared<std::atomic<bool>>(false);
    loop->post([ran] { *ran = true; });
    loop->stop();
    auto returned = std::make_shared<std::promise<void>>();
    auto done = returned->get_future();
    std::thread t([loop, returned] {
        loop->run();
        returned->set_value();
    });
    if (done.wait_for(10s) != std::future_status::ready) {
        t.detach(); // the thread holds the loop; leaking both beats hanging the suite
        FAIL() << "run() after stop() did not return within 10 s";
    }
    t.join();
    EXPECT_FALSE(*ran) << "a handler posted before stop() ran although the loop was stopped before run()";
}

TEST(EventLoop, TimerFiresAndCancelPreventsIt) {
    LoopThread lt;
    std::atomic<int> fired{0}, cancelled{0};
    std::unique_ptr<Timer> a, b;
    lt.call([&] {
        a = lt.loop().make_timer();
        b = lt.loop().make_timer();
        a->start(20ms, [&] { ++fired; });
        b->start(20ms, [&] { ++cancelled; });
        b->cancel();
        return 0;
    });
    EXPECT_TRUE(wait_until([&] { return fired == 1; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(cancelled, 0);
    lt.call([&] {
        a.reset();
        b.reset();
        return 0;
    });
}

TEST(EventLoop, CancelAfterExpiryButBeforeTheCallbackRan) {
    LoopThread lt;
    std::atomic<int> fired{0};
    lt.call([&] {
        auto t = lt.loop().make_timer();
        t->start(0ms, [&] { ++fired; });
        std::this_thread::sleep_for(10ms); // expired, but its handler cannot run before we return
        t->cancel();
        t->start(1h, [&] { ++fired; }); // and re-arming must not revive the old expiry
        t.reset();                      // destroyed while armed
        return 0;
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(fired, 0);
}

TEST(EventLoop, RearmReplacesAndCallbackMayDestroyItsTimer) {
    LoopThread lt;
    std::atomic<int> first{0}, second{0};
    std::unique_ptr<Timer> t;
    lt.call([&] {
        t = lt.loop().make_timer();
        t->start(10ms, [&] { ++first; });
        t->start(20ms, [&] {
            ++second;
            t.reset(); // the timer dies inside its own callback
        });
        return 0;
    });
    EXPECT_TRUE(wait_until([&] { return second == 1; }));
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(first, 0);
    EXPECT_EQ(second, 1);
}

TEST(EventLoop, ClockIsSteady) {
    auto loop = EventLoop::create();
    const auto a = loop->clock().now();
    const auto b = loop->clock().now();
    EXPECT_LE(a, b);
    EXPECT_NE(loop->native_handle(), nullptr);
}

} // namespace
} // namespace ocpp::net::test
