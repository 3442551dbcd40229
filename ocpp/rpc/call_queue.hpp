#pragma once
// CallQueue: the CALLs one side sends. A bounded queue in front, at most max_in_flight outstanding (OCPP-J allows
// one), each outstanding call with a deadline on the injected clock. Answers are matched by message id.
#include <algorithm>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/clock.hpp"

namespace ocpp::rpc {

template <class Data> class CallQueue {
public:
    struct Call {
        std::string id;
        std::string action;
        Clock::Duration timeout{};
        Data data{};
        Clock::TimePoint sent_at{};
        Clock::TimePoint deadline{};
    };

    explicit CallQueue(std::size_t capacity, std::size_t max_in_flight = 1)
        : capacity_(capacity)
        , max_in_flight_(std::max<std::size_t>(1, max_in_flight)) {}

    // Queues a call (moved from only on success); false when capacity calls are already waiting.
    bool push(Call&& call) {
        if (queue_.size() >= capacity_) {
            return false;
        }
        queue_.push_back(std::move(call));
        return true;
    }

    // True when a new call can go into flight at once: nothing waits and there is room.
    bool ready() const { return queue_.empty() && flight_.size() < max_in_flight_; }

    // Puts a call into flight without queueing it (only when ready()); the result stays valid until the next change.
    const Call* start(Call&& call, Clock::TimePoint now) {
        call.sent_at = now;
        call.deadline = now + call.timeout;
        flight_.push_back(std::move(call));
        return &flight_.back();
    }

    // Moves the next waiting call into flight if there is room; the result stays valid until the next change.
    const Call* start_next(Clock::TimePoint now) {
        if (queue_.empty() || flight_.size() >= max_in_flight_) {
            return nullptr;
        }
        Call call = std::move(queue_.front());
        queue_.pop_front();
        return start(std::move(call), now);
    }

    // Takes the outstanding call with this id (an answer arrived); nullopt when none is outstanding under it.
    std::optional<Call> complete(std::string_view id) {
        auto it = std::find_if(flight_.begin(), flight_.end(), [&](const Call& c) { return c.id == id; });
        if (it == flight_.end()) {
            return std::nullopt;
        }
        Call call = std::move(*it);
        flight_.erase(it);
        return call;
    }

    // Takes every outstanding call whose deadline has passed.
    std::vector<Call> expire(Clock::TimePoint now) {
        std::vector<Call> out;
        for (auto it = flight_.begin(); it != flight_.end();) {
            if (it->deadline <= now) {
                out.push_back(std::move(*it));
                it = flight_.erase(it);
            } else {
                ++it;
            }
        }
        return out;
    }

    std::optional<Clock::TimePoint> next_deadline() const {
        std::optional<Clock::TimePoint> next;
        for (const auto& c : flight_) {
            if (!next || c.deadline < *next) {
                next = c.deadline;
            }
        }
        return next;
    }

    // Takes everything, outstanding calls first (the connection closed).
    std::vector<Call> drain() {
        std::vector<Call> out(std::make_move_iterator(flight_.begin()), std::make_move_iterator(flight_.end()));
        out.insert(out.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        flight_.clear();
        queue_.clear();
        return out;
    }

    std::size_t queued() const { return queue_.size(); }
    std::size_t in_flight() const { return flight_.size(); }

private:
    std::size_t capacity_;
    std::size_t max_in_flight_;
    std::list<Call> queue_; // a list allocates nothing while empty (thousands of idle connections)
    std::vector<Call> flight_;
};

} // namespace ocpp::rpc
