// TestService, what the tests may cost: the memory budget of the kept tests (captures included; the oldest finished
// tests are evicted first), the per-address limits on starting tests, and the eviction of finished tests after
// keep_finished.
#include <algorithm>

#include "tester/serve/service.hpp"

namespace tester {

namespace {
constexpr auto kEvictEvery = std::chrono::seconds(60);
} // namespace

void TestService::erase(std::map<std::string, std::unique_ptr<TestEntry>>::iterator it) {
    used_bytes_ -= std::min(used_bytes_, kTestOverhead + it->second->capture_bytes);
    tests_.erase(it);
}

bool TestService::make_room(std::size_t bytes) {
    while (used_bytes_ + bytes > config_.max_kept_bytes) {
        auto oldest = tests_.end();
        for (auto it = tests_.begin(); it != tests_.end(); ++it) {
            if (it->second->finished() &&
                (oldest == tests_.end() || it->second->finished_at < oldest->second->finished_at)) {
                oldest = it;
            }
        }
        if (oldest == tests_.end()) {
            return false;
        }
        log_.info("tester.serve", log_name(*oldest->second) + " evicted early: the memory for kept tests is full");
        erase(oldest);
    }
    return true;
}

bool TestService::admit(const std::string& id, std::size_t bytes) {
    TestEntry* e = entry(id);
    // A finished test keeps what it has (and is never evicted from under its own call).
    if (!e || e->finished() || !make_room(bytes)) {
        return false;
    }
    e->capture_bytes += bytes;
    used_bytes_ += bytes;
    return true;
}

std::optional<CreateError> TestService::source_limits(const std::string& source) {
    const auto now = loop_.clock().now();
    if (starts_.size() > 4096) { // forget addresses whose minute has passed
        for (auto it = starts_.begin(); it != starts_.end();) {
            it = now - it->second.window >= std::chrono::minutes(1) ? starts_.erase(it) : std::next(it);
        }
    }
    Starts& starts = starts_[source];
    if (now - starts.window >= std::chrono::minutes(1)) {
        starts = Starts{now, 0};
    }
    const std::string from = source.empty() ? "this address" : source;
    if (starts.count >= config_.max_starts_per_minute) {
        return CreateError{429,
                           std::to_string(starts.count) + " tests were started from " + from +
                               " within a minute, the limit; try again in a minute",
                           ""};
    }
    std::size_t running = 0;
    for (const auto& [_, id] : by_chargebox_) {
        running += tests_.at(id)->source == source ? 1 : 0;
    }
    if (running >= config_.max_tests_per_address) {
        return CreateError{429,
                           std::to_string(running) + " tests started from " + from +
                               " are in progress, the limit; wait for one to finish or DELETE it",
                           ""};
    }
    return std::nullopt;
}

void TestService::evict(std::chrono::steady_clock::time_point now) {
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> finished;
    for (auto it = tests_.begin(); it != tests_.end();) {
        const TestEntry& e = *it->second;
        if (e.finished() && now - e.finished_at >= config_.keep_finished) {
            auto next = std::next(it);
            erase(it);
            it = next;
            continue;
        }
        if (e.finished()) {
            finished.emplace_back(e.finished_at, e.id);
        }
        ++it;
    }
    if (finished.size() > config_.max_finished) {
        std::sort(finished.begin(), finished.end());
        for (std::size_t i = 0; i < finished.size() - config_.max_finished; ++i) {
            erase(tests_.find(finished[i].second));
        }
    }
}

void TestService::arm_eviction() {
    if (!eviction_) {
        eviction_ = loop_.make_timer();
    }
    std::weak_ptr<TestService> weak = weak_from_this();
    eviction_->start(kEvictEvery, [weak] {
        if (auto self = weak.lock()) {
            self->evict(self->loop_.clock().now());
            self->arm_eviction();
        }
    });
}

} // namespace tester
