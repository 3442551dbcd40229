#pragma once
// ManualExecutor: a single-threaded executor driven by a ManualClock, for tests that advance time instead of sleeping.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "ocpp/util/executor.hpp"

namespace ocpp {

class ManualExecutor final : public Executor {
public:
    explicit ManualExecutor(ManualClock& clock)
        : clock_(clock) {}
    void post(std::function<void()> fn) override; // any thread (e.g. a store worker answering)
    std::unique_ptr<Timer> make_timer() override;
    const Clock& clock() const override { return clock_; }

    // Runs posted work (including work posted while running) until none is left; returns how many ran.
    std::size_t run_pending();
    // Moves the clock forward step by step, firing due timers and posted work in time order.
    void advance(Clock::Duration d);
    std::size_t armed_timers() const { return timers_.size(); }

private:
    friend class ManualTimer;
    using Key = std::pair<Clock::TimePoint, std::uint64_t>;
    Key arm(Clock::Duration delay, std::function<void()> fn);
    void disarm(const Key& key) { timers_.erase(key); }

    ManualClock& clock_;
    std::mutex posted_mutex_; // post() may come from another thread; everything else runs on the test's thread
    std::deque<std::function<void()>> posted_;
    std::map<Key, std::function<void()>> timers_;
    std::uint64_t next_seq_ = 0;
};

} // namespace ocpp
