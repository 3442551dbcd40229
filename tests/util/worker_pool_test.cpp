// WorkerPool: jobs run off the caller's thread, the queue is bounded, and a pool going away drops what is queued.
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "ocpp/util/histogram.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, RunsJobsOnItsOwnThreadsWithinTheBound) {
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::atomic<int> ran{0};
    std::thread::id worker;
    {
        ocpp::WorkerPool pool(1, 2, 10);
        std::promise<std::thread::id> started;
        ASSERT_TRUE(pool.submit([&] {
            started.set_value(std::this_thread::get_id());
            gate.wait();
            ++ran;
        }));
        worker = started.get_future().get(); // the first job is running, the queue is empty
        EXPECT_NE(worker, std::this_thread::get_id());
        EXPECT_TRUE(pool.submit([&] { ++ran; }));
        EXPECT_TRUE(pool.submit([&] { ++ran; }));
        EXPECT_FALSE(pool.submit([&] { ++ran; })) << "a third queued job is over the bound";
        EXPECT_EQ(pool.queue_depth(), 2u);
        release.set_value();
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (ran < 3 && std::chrono::steady_clock::now() < end) {
            std::this_thread::sleep_for(1ms);
        }
    }
    EXPECT_EQ(ran, 3);
}

TEST(WorkerPool, DestructionDropsQueuedJobsAndFinishesTheRunningOne) {
    std::atomic<int> ran{0};
    std::promise<void> started;
    {
        ocpp::WorkerPool pool(1, 10);
        ASSERT_TRUE(pool.submit([&] {
            started.set_value();
            std::this_thread::sleep_for(50ms);
            ++ran;
        }));
        started.get_future().wait();
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(pool.submit([&] { ++ran; }));
        }
    }
    EXPECT_EQ(ran, 1);
}

TEST(WorkerPool, SubmitWithAResultAnswersOnTheCallersExecutor) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor loop(clock);
    ocpp::WorkerPool pool(1, 4);
    std::thread::id worker;
    std::optional<int> got;
    ASSERT_TRUE(pool.submit<int>(
        [&](const std::atomic<bool>& stop) {
            worker = std::this_thread::get_id();
            return stop ? 0 : 42;
        },
        loop, [&](int v) { got = v; }));
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!got && std::chrono::steady_clock::now() < end) {
        if (loop.run_pending() == 0) {
            std::this_thread::sleep_for(1ms);
        }
    }
    EXPECT_EQ(got, 42);
    EXPECT_NE(worker, std::this_thread::get_id()) << "the work ran on the pool, the answer on the loop";
}

TEST(WorkerPool, DestructionTellsTheRunningJobToStopAndDropsItsAnswer) {
    ocpp::ManualClock clock;
    ocpp::ManualExecutor loop(clock);
    std::promise<void> started;
    std::atomic<bool> saw_stop{false};
    bool answered = false;
    {
        ocpp::WorkerPool pool(1, 4);
        ASSERT_TRUE(pool.submit<int>(
            [&](const std::atomic<bool>& stop) {
                started.set_value();
                const auto end = std::chrono::steady_clock::now() + 5s;
                while (!stop && std::chrono::steady_clock::now() < end) {
                    std::this_thread::sleep_for(1ms);
                }
                saw_stop = stop.load();
                return 1;
            },
            loop, [&](int) { answered = true; }));
        started.get_future().wait();
    }
    EXPECT_TRUE(saw_stop);
    loop.run_pending();
    EXPECT_FALSE(answered);
}

TEST(Histogram, CountsIntoCumulativeBuckets) {
    ocpp::Histogram h({0.001, 0.01});
    h.observe(500us);
    h.observe(1ms); // on the bound: counted in it (le)
    h.observe(5ms);
    h.observe(2s);
    const auto s = h.snapshot();
    ASSERT_EQ(s.cumulative.size(), 3u);
    EXPECT_EQ(s.cumulative[0], 2u);
    EXPECT_EQ(s.cumulative[1], 3u);
    EXPECT_EQ(s.cumulative[2], 4u);
    EXPECT_EQ(s.count, 4u);
    EXPECT_NEAR(s.sum_seconds, 2.0065, 1e-9);
}

} // namespace
