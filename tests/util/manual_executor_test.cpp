#include "ocpp/util/manual_executor.hpp"

#include <gtest/gtest.h>
#include <vector>

using namespace std::chrono_literals;

TEST(ManualExecutor, FiresTimersInTimeOrderAsTheClockAdvances) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    std::vector<int> fired;
    auto a = ex.make_timer();
    auto b = ex.make_timer();
    a->start(20s, [&] { fired.push_back(20); });
    b->start(10s, [&] { fired.push_back(10); });
    ex.advance(5s);
    EXPECT_TRUE(fired.empty());
    ex.advance(15s);
    EXPECT_EQ(fired, (std::vector<int>{10, 20}));
    EXPECT_EQ(clock.now().time_since_epoch(), std::chrono::steady_clock::duration(20s));
}

TEST(ManualExecutor, CancelledAndDestroyedTimersNeverFire) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    int fired = 0;
    auto a = ex.make_timer();
    a->start(1s, [&] { ++fired; });
    a->cancel();
    {
        auto b = ex.make_timer();
        b->start(1s, [&] { ++fired; });
    }
    ex.advance(2s);
    EXPECT_EQ(fired, 0);
    EXPECT_EQ(ex.armed_timers(), 0u);
}

TEST(ManualExecutor, ATimerCanRearmItselfFromItsCallback) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    int ticks = 0;
    auto t = ex.make_timer();
    std::function<void()> tick = [&] {
        ++ticks;
        t->start(10s, tick);
    };
    t->start(10s, tick);
    ex.advance(35s);
    EXPECT_EQ(ticks, 3);
}

TEST(ManualExecutor, RunsPostedWorkInOrder) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex(clock);
    std::vector<int> order;
    ex.post([&] {
        order.push_back(1);
        ex.post([&] { order.push_back(3); });
    });
    ex.post([&] { order.push_back(2); });
    EXPECT_EQ(ex.run_pending(), 3u);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}
