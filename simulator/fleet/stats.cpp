#include "simulator/fleet/stats.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace sim {

// Buckets 0..31 hold exact microsecond values 0..31. Above, each power of two [2^e, 2^(e+1)) is split into 32 equal
// sub-buckets, so a bucket is at most 1/32 of its lower bound wide; reporting its midpoint errs by at most 1/64.
int LatencyHistogram::bucket_of(std::uint64_t us) {
    if (us < kSubBuckets) {
        return static_cast<int>(us);
    }
    int e = 63;
    while ((us >> e) == 0) {
        --e;
    }
    // e >= 5 here; the top 6 bits (a leading 1 and 5 more) pick the sub-bucket.
    const int sub = static_cast<int>(us >> (e - 5)) - kSubBuckets;
    const int bucket = (e - 4) * kSubBuckets + sub;
    return std::min(bucket, kBuckets - 1);
}

// Exclusive upper bound of a bucket, in microseconds.
double LatencyHistogram::bucket_upper_us(int bucket) {
    if (bucket < kSubBuckets) {
        return bucket + 1.0;
    }
    const int e = bucket / kSubBuckets + 4;
    const int sub = bucket % kSubBuckets;
    return std::ldexp(static_cast<double>(kSubBuckets + sub + 1), e - 5);
}

void LatencyHistogram::record(ocpp::Clock::Duration d) {
    const auto us_signed = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    const std::uint64_t us = us_signed > 0 ? static_cast<std::uint64_t>(us_signed) : 0;
    ++buckets_[static_cast<std::size_t>(bucket_of(us))];
    ++count_;
    sum_us_ += static_cast<double>(us);
    max_us_ = std::max(max_us_, us);
}

double LatencyHistogram::bucket_value_us(int bucket) {
    if (bucket < kSubBuckets) {
        return bucket; // exact
    }
    return (bucket_upper_us(bucket - 1) + bucket_upper_us(bucket)) / 2.0;
}

void LatencyHistogram::add_bucket(int bucket, std::uint64_t n) {
    if (bucket < 0 || bucket >= kBuckets || n == 0) {
        return;
    }
    buckets_[static_cast<std::size_t>(bucket)] += n;
    count_ += n;
    const double us = bucket_value_us(bucket);
    sum_us_ += us * static_cast<double>(n);
    max_us_ = std::max(max_us_, static_cast<std::uint64_t>(us));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        buckets_[i] += other.buckets_[i];
    }
    count_ += other.count_;
    sum_us_ += other.sum_us_;
    max_us_ = std::max(max_us_, other.max_us_);
}

double LatencyHistogram::quantile_ms(double q) const {
    if (count_ == 0) {
        return 0.0;
    }
    q = std::clamp(q, 0.0, 1.0);
    // The rank (1-based) of the sample we want: the smallest one with at least q of the samples at or below it.
    const auto rank =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += buckets_[static_cast<std::size_t>(b)];
        if (seen >= rank) {
            return std::min(bucket_value_us(b), static_cast<double>(max_us_)) / 1000.0;
        }
    }
    return max_ms();
}

void ActionStats::merge(const ActionStats& o) {
    sent += o.sent;
    ok += o.ok;
    call_errors += o.call_errors;
    timeouts += o.timeouts;
    failed += o.failed;
    latency.merge(o.latency);
}

void Stats::merge(const Stats& o) {
    for (const auto& [name, a] : o.actions) {
        actions[name].merge(a);
    }
    for (const auto& [name, n] : o.calls_answered) {
        calls_answered[name] += n;
    }
    for (const auto& [cause, n] : o.connect_errors) {
        connect_errors[cause] += n;
    }
    // Every plain counter and gauge adds up.
    for (auto n : {&Stats::connect_attempts, &Stats::connects, &Stats::disconnects, &Stats::boots_accepted,
                   &Stats::boots_pending, &Stats::boots_rejected, &Stats::sessions_started, &Stats::sessions_completed,
                   &Stats::sessions_refused, &Stats::offline_queued, &Stats::offline_replayed, &Stats::offline_dropped,
                   &Stats::connected, &Stats::booted, &Stats::charging, &Stats::offline_queue}) {
        this->*n += o.*n;
    }
    firmware.merge(o.firmware);
}

void FirmwareStats::merge(const FirmwareStats& o) {
    for (const auto& [status, n] : o.firmware) {
        firmware[status] += n;
    }
    for (const auto& [status, n] : o.diagnostics) {
        diagnostics[status] += n;
    }
    if (o.first_update_ms != 0 && (first_update_ms == 0 || o.first_update_ms < first_update_ms)) {
        first_update_ms = o.first_update_ms;
    }
    last_installed_ms = std::max(last_installed_ms, o.last_installed_ms);
}

double FirmwareStats::rollout_s() const {
    if (first_update_ms == 0 || last_installed_ms == 0) {
        return -1;
    }
    return static_cast<double>(last_installed_ms - first_update_ms) / 1000.0;
}

std::uint64_t Stats::total_sent() const {
    std::uint64_t n = 0;
    for (const auto& [name, a] : actions) {
        n += a.sent;
    }
    return n;
}

std::uint64_t Stats::total_errors() const {
    std::uint64_t n = 0;
    for (const auto& [name, a] : actions) {
        n += a.call_errors + a.timeouts + a.failed;
    }
    for (const auto& [cause, count] : connect_errors) {
        n += count;
    }
    return n;
}

} // namespace sim
