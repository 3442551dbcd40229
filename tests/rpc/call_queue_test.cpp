// CallQueue on a manual clock: one call in flight, FIFO, bounded, matched by id, expired on its deadline.
#include <chrono>

#include <gtest/gtest.h>

#include "ocpp/rpc/call_queue.hpp"

namespace ocpp::rpc {
namespace {

using namespace std::chrono_literals;
using Queue = CallQueue<std::string>;

Queue::Call call(std::string id, Clock::Duration timeout = 30s, std::string data = "") {
    Queue::Call c;
    c.id = std::move(id);
    c.action = "Heartbeat";
    c.timeout = timeout;
    c.data = std::move(data);
    return c;
}

class CallQueueTest : public testing::Test {
protected:
    ManualClock clock_;
};

TEST_F(CallQueueTest, OneCallInFlightAtATime) {
    Queue q(10);
    ASSERT_TRUE(q.push(call("1")));
    ASSERT_TRUE(q.push(call("2")));
    const auto* first = q.start_next(clock_.now());
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->id, "1");
    EXPECT_EQ(q.start_next(clock_.now()), nullptr) << "a second CALL while one is outstanding";
    EXPECT_EQ(q.in_flight(), 1u);
    EXPECT_EQ(q.queued(), 1u);
    ASSERT_TRUE(q.complete("1"));
    const auto* second = q.start_next(clock_.now());
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->id, "2");
}

TEST_F(CallQueueTest, ReadyCallStartsWithoutQueueing) {
    Queue q(10);
    EXPECT_TRUE(q.ready()) << "nothing in flight, nothing waiting";
    const auto* started = q.start(call("1", 5s), clock_.now());
    ASSERT_NE(started, nullptr);
    EXPECT_EQ(started->id, "1");
    EXPECT_EQ(started->deadline, clock_.now() + 5s);
    EXPECT_EQ(q.in_flight(), 1u);
    EXPECT_EQ(q.queued(), 0u);
    EXPECT_FALSE(q.ready()) << "one CALL is outstanding";
    ASSERT_TRUE(q.push(call("2")));
    ASSERT_TRUE(q.complete("1"));
    EXPECT_FALSE(q.ready()) << "a waiting call goes first";
    const auto* next = q.start_next(clock_.now());
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->id, "2");
    clock_.advance(31s);
    const auto expired = q.expire(clock_.now());
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, "2");
    EXPECT_TRUE(q.ready());
}

TEST_F(CallQueueTest, FirstInFirstOut) {
    Queue q(10);
    for (const char* id : {"a", "b", "c", "d"}) {
        ASSERT_TRUE(q.push(call(id)));
    }
    std::string order;
    while (const auto* c = q.start_next(clock_.now())) {
        order += c->id;
        ASSERT_TRUE(q.complete(c->id));
    }
    EXPECT_EQ(order, "abcd");
    EXPECT_EQ(q.queued(), 0u);
}

TEST_F(CallQueueTest, PushFailsAtCapacity) {
    Queue q(2);
    EXPECT_TRUE(q.push(call("1")));
    EXPECT_TRUE(q.push(call("2")));
    EXPECT_FALSE(q.push(call("3")));
    EXPECT_EQ(q.queued(), 2u);
    // The bound is on waiting calls: sending one frees a place.
    ASSERT_NE(q.start_next(clock_.now()), nullptr);
    EXPECT_TRUE(q.push(call("3")));
    EXPECT_FALSE(q.push(call("4")));
    Queue none(0);
    EXPECT_FALSE(none.push(call("1")));
}

TEST_F(CallQueueTest, RefusedPushLeavesTheCallToTheCaller) {
    Queue q(1);
    ASSERT_TRUE(q.push(call("1")));
    Queue::Call second = call("2", 30s, "payload");
    EXPECT_FALSE(q.push(std::move(second)));
    // push() moves from the call only when it takes it, so the caller can still answer or log it.
    EXPECT_EQ(second.id, "2");         // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(second.data, "payload"); // NOLINT(bugprone-use-after-move)
}

TEST_F(CallQueueTest, CompleteMatchesOnlyTheOutstandingCall) {
    Queue q(10);
    ASSERT_TRUE(q.push(call("1", 30s, "boot")));
    ASSERT_TRUE(q.push(call("2")));
    EXPECT_FALSE(q.complete("1")) << "not sent yet";
    clock_.advance(5s);
    ASSERT_NE(q.start_next(clock_.now()), nullptr);
    EXPECT_FALSE(q.complete("2")) << "still waiting in the queue";
    EXPECT_FALSE(q.complete("unknown"));
    EXPECT_FALSE(q.complete(""));
    EXPECT_EQ(q.queued(), 1u);
    auto done = q.complete("1");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->action, "Heartbeat");
    EXPECT_EQ(done->data, "boot");
    EXPECT_EQ(done->sent_at, clock_.now());
    EXPECT_EQ(q.in_flight(), 0u);
    EXPECT_FALSE(q.complete("1")) << "an answer is matched once";
}

TEST_F(CallQueueTest, ExpiresOnTheDeadlineAndNotBefore) {
    Queue q(10);
    ASSERT_TRUE(q.push(call("1", 30s)));
    clock_.advance(10s); // time spent waiting in the queue does not count
    const auto sent = clock_.now();
    ASSERT_NE(q.start_next(sent), nullptr);
    EXPECT_EQ(q.next_deadline(), sent + 30s);

    clock_.advance(30s - 1ms);
    EXPECT_TRUE(q.expire(clock_.now()).empty());
    EXPECT_EQ(q.in_flight(), 1u);
    clock_.advance(1ms);
    auto expired = q.expire(clock_.now());
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, "1");
    EXPECT_EQ(expired[0].deadline, sent + 30s);
    EXPECT_EQ(q.in_flight(), 0u);
    EXPECT_FALSE(q.next_deadline());
    EXPECT_FALSE(q.complete("1")) << "a late answer matches nothing";
    EXPECT_TRUE(q.expire(clock_.now() + 1h).empty());
}

TEST_F(CallQueueTest, NextDeadlineOnlyForCallsInFlight) {
    Queue q(10, 2);
    EXPECT_FALSE(q.next_deadline());
    ASSERT_TRUE(q.push(call("slow", 60s)));
    ASSERT_TRUE(q.push(call("fast", 10s)));
    ASSERT_TRUE(q.push(call("queued", 1s)));
    EXPECT_FALSE(q.next_deadline()) << "nothing sent yet";
    const auto t0 = clock_.now();
    ASSERT_NE(q.start_next(t0), nullptr);
    ASSERT_NE(q.start_next(t0), nullptr);
    EXPECT_EQ(q.start_next(t0), nullptr) << "max_in_flight is 2";
    EXPECT_EQ(q.next_deadline(), t0 + 10s);
    clock_.advance(10s);
    auto expired = q.expire(clock_.now());
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, "fast");
    EXPECT_EQ(q.next_deadline(), t0 + 60s);
}

TEST_F(CallQueueTest, MaxInFlightOfZeroMeansOne) {
    Queue q(10, 0);
    ASSERT_TRUE(q.push(call("1")));
    ASSERT_TRUE(q.push(call("2")));
    EXPECT_NE(q.start_next(clock_.now()), nullptr);
    EXPECT_EQ(q.start_next(clock_.now()), nullptr);
}

TEST_F(CallQueueTest, DrainTakesOutstandingFirstThenQueuedInOrder) {
    Queue q(10);
    for (const char* id : {"1", "2", "3"}) {
        ASSERT_TRUE(q.push(call(id)));
    }
    ASSERT_NE(q.start_next(clock_.now()), nullptr);
    ASSERT_TRUE(q.complete("1"));
    ASSERT_NE(q.start_next(clock_.now()), nullptr); // "2" outstanding, "3" waiting
    ASSERT_TRUE(q.push(call("4")));
    const auto all = q.drain();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id, "2");
    EXPECT_EQ(all[1].id, "3");
    EXPECT_EQ(all[2].id, "4");
    EXPECT_EQ(q.queued(), 0u);
    EXPECT_EQ(q.in_flight(), 0u);
    EXPECT_FALSE(q.next_deadline());
    EXPECT_TRUE(q.drain().empty());
}

} // namespace
} // namespace ocpp::rpc
