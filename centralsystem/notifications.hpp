#pragma once
// The operator's notifications (charger offline, faulted, claim redeemed, password captured), kept in memory on
// the loop: the last `capacity` of them, newest first. They do not survive a restart.
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "centralsystem/records.hpp"

namespace cs {

class Notifications {
public:
    explicit Notifications(std::size_t capacity = 1000)
        : capacity_(capacity == 0 ? 1 : capacity) {}

    void add(Notification n) {
        items_.push_front(std::move(n));
        if (items_.size() > capacity_) {
            items_.pop_back();
        }
    }
    // Newest first; at most `limit`.
    std::vector<Notification> newest(std::size_t limit) const {
        const std::size_t n = limit < items_.size() ? limit : items_.size();
        return std::vector<Notification>(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    std::size_t size() const { return items_.size(); }

private:
    std::size_t capacity_;
    std::deque<Notification> items_;
};

} // namespace cs
