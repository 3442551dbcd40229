#pragma once
// Mailbox: work for one executor from another thread, handed over in batches: the first item posted to an empty
// mailbox schedules one drain on the executor, which runs every item that arrived meanwhile. Under load one wake-up
// and one post carry many items (messages between a connection's loop and the loop of its handlers).
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "ocpp/util/executor.hpp"

namespace ocpp {

class Mailbox : public std::enable_shared_from_this<Mailbox> {
public:
    explicit Mailbox(Executor& target)
        : target_(&target) {}
    // From any thread; runs fn on the target in the order posted. Nothing once cut().
    void post(std::function<void()> fn);
    // From now on posts are dropped (the target is going); items already scheduled still run if it runs.
    void cut();
    // Items waiting (not yet drained).
    std::size_t waiting() const;

private:
    void drain();

    mutable std::mutex mutex_;
    Executor* target_;
    std::vector<std::function<void()>> items_;
    std::vector<std::function<void()>> spare_; // the last batch's storage, reused
    bool scheduled_ = false;
};

} // namespace ocpp
