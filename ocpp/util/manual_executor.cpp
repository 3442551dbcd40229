#include "ocpp/util/manual_executor.hpp"

namespace ocpp {

class ManualTimer final : public Timer {
public:
    explicit ManualTimer(ManualExecutor& ex)
        : ex_(ex) {}
    ~ManualTimer() override { cancel(); }
    void start(Clock::Duration delay, std::function<void()> fn) override {
        cancel();
        auto shared_fn = std::make_shared<std::function<void()>>(std::move(fn));
        key_ = ex_.arm(delay, [this, shared_fn] {
            armed_ = false;
            (*shared_fn)();
        });
        armed_ = true;
    }
    void cancel() override {
        if (armed_) {
            ex_.disarm(key_);
            armed_ = false;
        }
    }

private:
    ManualExecutor& ex_;
    ManualExecutor::Key key_{};
    bool armed_ = false;
};

std::unique_ptr<Timer> ManualExecutor::make_timer() {
    return std::make_unique<ManualTimer>(*this);
}

ManualExecutor::Key ManualExecutor::arm(Clock::Duration delay, std::function<void()> fn) {
    Key key{clock_.now() + (delay.count() < 0 ? Clock::Duration{} : delay), next_seq_++};
    timers_.emplace(key, std::move(fn));
    return key;
}

void ManualExecutor::post(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(std::move(fn));
}

std::size_t ManualExecutor::run_pending() {
    std::size_t n = 0;
    for (;;) {
        std::function<void()> fn;
        {
            std::lock_guard<std::mutex> lock(posted_mutex_);
            if (posted_.empty()) {
                return n;
            }
            fn = std::move(posted_.front());
            posted_.pop_front();
        }
        fn();
        ++n;
    }
}

void ManualExecutor::advance(Clock::Duration d) {
    const auto end = clock_.now() + d;
    run_pending();
    while (!timers_.empty() && timers_.begin()->first.first <= end) {
        auto it = timers_.begin();
        if (it->first.first > clock_.now()) {
            clock_.advance(it->first.first - clock_.now());
        }
        auto fn = std::move(it->second);
        timers_.erase(it);
        fn();
        run_pending();
    }
    if (end > clock_.now()) {
        clock_.advance(end - clock_.now());
    }
    run_pending();
}

} // namespace ocpp
