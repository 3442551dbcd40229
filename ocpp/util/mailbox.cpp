#include "ocpp/util/mailbox.hpp"

#include <cstdio>
#include <exception>

namespace ocpp {

namespace {
constexpr std::size_t kKeptCapacity = 4096; // a batch's storage kept for the next one; a larger one goes
}

void Mailbox::post(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (target_ == nullptr) {
        return;
    }
    items_.push_back(std::move(fn));
    if (!scheduled_) {
        scheduled_ = true;
        target_->post([self = shared_from_this()] { self->drain(); });
    }
}

void Mailbox::cut() {
    std::lock_guard<std::mutex> lock(mutex_);
    target_ = nullptr;
}

std::size_t Mailbox::waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
}

void Mailbox::drain() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batch.swap(spare_);
        batch.swap(items_); // items_ takes the spare storage, batch the items
        scheduled_ = false;
    }
    for (auto& fn : batch) {
        try {
            fn();
        } catch (const std::exception& e) {
            // One item's failure must not drop the rest of the batch (other connections' messages and closes).
            std::fprintf(stderr, "ocpp::Mailbox: exception escaped an item: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "ocpp::Mailbox: unknown exception escaped an item\n");
        }
    }
    batch.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    if (spare_.capacity() < batch.capacity() && batch.capacity() <= kKeptCapacity) {
        spare_.swap(batch);
    }
}

} // namespace ocpp
