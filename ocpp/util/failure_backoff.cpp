#include "ocpp/util/failure_backoff.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace ocpp {

FailureBackoff::FailureBackoff(const Clock& clock, BackoffConfig config)
    : clock_(clock)
    , config_(config) {
    config_.threshold = std::max(1, config_.threshold);
    config_.first_delay = std::max(config_.first_delay, Clock::Duration(std::chrono::milliseconds(1)));
    config_.max_delay = std::max(config_.max_delay, config_.first_delay);
    config_.forget_after = std::max(config_.forget_after, config_.max_delay);
    config_.max_keys = std::max<std::size_t>(1, config_.max_keys);
}

const FailureBackoff::Record* FailureBackoff::find(std::string_view key) const {
    const auto it = records_.find(key);
    if (it == records_.end() || stale(*it->second, clock_.now())) {
        return nullptr;
    }
    return &*it->second;
}

std::optional<Clock::Duration> FailureBackoff::blocked(std::string_view key) const {
    const Record* r = find(key);
    const auto now = clock_.now();
    if (r == nullptr || r->blocked_until <= now) {
        return std::nullopt;
    }
    return r->blocked_until - now;
}

int FailureBackoff::failures(std::string_view key) const {
    const Record* r = find(key);
    return r == nullptr ? 0 : r->failures;
}

std::optional<Clock::Duration> FailureBackoff::failed(std::string_view key) {
    const auto now = clock_.now();
    auto it = records_.find(key);
    if (it == records_.end()) {
        while (records_.size() >= config_.max_keys) {
            records_.erase(order_.back().key);
            order_.pop_back();
        }
        order_.push_front(Record{std::string(key), 0, now, now});
        it = records_.emplace(order_.front().key, order_.begin()).first;
    } else {
        order_.splice(order_.begin(), order_, it->second); // iterators (and the key's view) stay valid
    }
    Record& r = order_.front();
    if (stale(r, now)) {
        r.failures = 0;
    }
    ++r.failures;
    r.last_failure = now;
    const int beyond = r.failures - config_.threshold + 1;
    if (beyond <= 0) {
        return std::nullopt;
    }
    auto delay = config_.first_delay;
    for (int i = 1; i < beyond && delay < config_.max_delay; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, config_.max_delay);
    r.blocked_until = now + delay;
    return delay;
}

std::string source_of_endpoint(std::string_view endpoint) {
    if (!endpoint.empty() && endpoint.front() == '[') {
        const auto close = endpoint.find(']');
        if (close == std::string_view::npos) {
            return std::string(endpoint);
        }
        const std::string address(endpoint.substr(1, close - 1));
        unsigned char bytes[16];
        if (::inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
            return address;
        }
        const bool v4_mapped = std::all_of(bytes, bytes + 10, [](unsigned char b) { return b == 0; }) &&
                               bytes[10] == 0xff && bytes[11] == 0xff;
        char text[64];
        if (v4_mapped) {
            std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
            return text;
        }
        std::fill(bytes + 8, bytes + 16, 0);
        ::inet_ntop(AF_INET6, bytes, text, sizeof text);
        return std::string(text) + "/64";
    }
    const auto colon = endpoint.rfind(':');
    if (colon != std::string_view::npos && endpoint.find(':') == colon) {
        return std::string(endpoint.substr(0, colon));
    }
    return std::string(endpoint);
}

} // namespace ocpp
