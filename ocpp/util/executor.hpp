#pragma once
// Executor: the event loop a piece of code lives on. Work is posted to it; timers fire on it. One loop per thread.
#include <functional>
#include <memory>

#include "ocpp/util/clock.hpp"

namespace ocpp {

// A one-shot timer bound to an executor. Destroying or cancelling it guarantees the callback will not run.
class Timer {
public:
    virtual ~Timer() = default;
    // Arms the timer (re-arming replaces a pending expiry).
    virtual void start(Clock::Duration delay, std::function<void()> fn) = 0;
    virtual void cancel() = 0;
};

class Executor {
public:
    virtual ~Executor() = default;
    // Runs fn on this executor's thread, later; safe to call from any thread.
    virtual void post(std::function<void()> fn) = 0;
    // Creates a timer that fires on this executor; call only from the executor's own thread.
    virtual std::unique_ptr<Timer> make_timer() = 0;
    // The clock timers are measured against.
    virtual const Clock& clock() const = 0;
};

} // namespace ocpp
