// Mailbox: work from other threads runs on the target in order, in batches, and nothing runs once it is cut.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "ocpp/util/mailbox.hpp"
#include "ocpp/util/manual_executor.hpp"

namespace ocpp {
namespace {

TEST(Mailbox, ItemsFromAnotherThreadRunOnTheTargetInOrderWithOnePostPerBatch) {
    ManualClock clock;
    ManualExecutor target(clock);
    auto box = std::make_shared<Mailbox>(target);
    std::vector<int> seen; // touched only where the target runs its work: this thread
    std::thread producer([&] {
        for (int i = 0; i < 1000; ++i) {
            box->post([&seen, i] { seen.push_back(i); });
        }
    });
    producer.join();
    EXPECT_EQ(box->waiting(), 1000u);
    EXPECT_EQ(target.run_pending(), 1u) << "one drain carries the whole batch";
    ASSERT_EQ(seen.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
    }
    EXPECT_EQ(box->waiting(), 0u);
}

TEST(Mailbox, AnItemPostedWhileDrainingRunsInTheNextBatch) {
    ManualClock clock;
    ManualExecutor target(clock);
    auto box = std::make_shared<Mailbox>(target);
    std::vector<std::string> seen;
    box->post([&] {
        seen.push_back("first");
        box->post([&] { seen.push_back("posted by the first"); });
    });
    box->post([&] { seen.push_back("second"); });
    target.run_pending();
    EXPECT_EQ(seen, (std::vector<std::string>{"first", "second", "posted by the first"}));
}

TEST(Mailbox, NothingPostedAfterCutRuns) {
    ManualClock clock;
    ManualExecutor target(clock);
    auto box = std::make_shared<Mailbox>(target);
    int ran = 0;
    box->post([&] { ++ran; });
    box->cut();
    box->post([&] { ran += 10; });
    target.run_pending();
    EXPECT_EQ(ran, 1) << "what was posted before the cut still runs, nothing after it";
}

} // namespace
} // namespace ocpp
