// Load statistics: latency histogram quantiles against known distributions, merging, totals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "simulator/fleet/stats.hpp"

namespace sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// The exact q-quantile of sorted samples (same rank rule as the histogram: the ceil(q*n)-th smallest).
double exact_ms(const std::vector<std::int64_t>& sorted_us, double q) {
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * sorted_us.size())));
    return static_cast<double>(sorted_us[rank - 1]) / 1000.0;
}

void expect_quantiles_close(const LatencyHistogram& h, std::vector<std::int64_t> samples_us) {
    std::sort(samples_us.begin(), samples_us.end());
    for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
        const double exact = exact_ms(samples_us, q);
        EXPECT_NEAR(h.quantile_ms(q), exact, exact * 0.03 + 1e-9) << "q=" << q;
    }
    EXPECT_DOUBLE_EQ(h.max_ms(), static_cast<double>(samples_us.back()) / 1000.0);
}

TEST(LatencyHistogram, EmptyIsZero) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.quantile_ms(0.5), 0.0);
    EXPECT_EQ(h.quantile_ms(0.99), 0.0);
    EXPECT_EQ(h.max_ms(), 0.0);
    EXPECT_EQ(h.mean_ms(), 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (int us = 0; us < 32; ++us) {
        h.record(microseconds(us));
    }
    EXPECT_EQ(h.count(), 32u);
    EXPECT_DOUBLE_EQ(h.quantile_ms(0.5), 0.015); // the 16th of 0..31 is 15
    EXPECT_DOUBLE_EQ(h.quantile_ms(1.0), 0.031);
    EXPECT_DOUBLE_EQ(h.quantile_ms(0.0), 0.0);
    EXPECT_DOUBLE_EQ(h.max_ms(), 0.031);
}

TEST(LatencyHistogram, UniformDistributionWithinThreePercent) {
    // 1 µs .. 100 ms, every value once.
    LatencyHistogram h;
    std::vector<std::int64_t> samples;
    for (std::int64_t us = 1; us <= 100'000; ++us) {
        h.record(microseconds(us));
        samples.push_back(us);
    }
    EXPECT_EQ(h.count(), 100'000u);
    EXPECT_NEAR(h.quantile_ms(0.5), 50.0, 50.0 * 0.03);
    EXPECT_NEAR(h.quantile_ms(0.99), 99.0, 99.0 * 0.03);
    EXPECT_NEAR(h.mean_ms(), 50.0005, 1e-6);
    expect_quantiles_close(h, samples);
}

TEST(LatencyHistogram, LogNormalDistributionWithinThreePercent) {
    // Latencies of a network service: median ~5 ms with a long tail up to seconds.
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> dist(std::log(5000.0), 1.0);
    LatencyHistogram h;
    std::vector<std::int64_t> samples;
    for (int i = 0; i < 200'000; ++i) {
        const auto us = static_cast<std::int64_t>(dist(rng));
        h.record(microseconds(us));
        samples.push_back(us);
    }
    expect_quantiles_close(h, samples);
}

TEST(LatencyHistogram, ExtremesAreClampedNotLost) {
    LatencyHistogram h;
    h.record(std::chrono::hours(30)); // beyond the last bucket
    h.record(microseconds(-5));       // a clock oddity counts as 0
    EXPECT_EQ(h.count(), 2u);
    EXPECT_DOUBLE_EQ(h.max_ms(), 30.0 * 3600 * 1000);
    EXPECT_DOUBLE_EQ(h.quantile_ms(0.5), 0.0);
    EXPECT_LE(h.quantile_ms(1.0), h.max_ms());
    EXPECT_GT(h.quantile_ms(1.0), 0.0);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
    std::mt19937_64 rng(3);
    std::exponential_distribution<double> dist(1.0 / 20'000.0);
    LatencyHistogram a, b, all;
    for (int i = 0; i < 50'000; ++i) {
        const auto d = microseconds(static_cast<std::int64_t>(dist(rng)));
        (i % 3 == 0 ? a : b).record(d);
        all.record(d);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_DOUBLE_EQ(a.max_ms(), all.max_ms());
    EXPECT_NEAR(a.mean_ms(), all.mean_ms(), 1e-9);
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        EXPECT_DOUBLE_EQ(a.quantile_ms(q), all.quantile_ms(q));
    }
}

Stats sample_stats(std::uint64_t scale) {
    Stats s;
    auto& hb = s.action("Heartbeat");
    hb.sent = 10 * scale;
    hb.ok = 8 * scale;
    hb.call_errors = 1 * scale;
    hb.timeouts = 1 * scale;
    hb.latency.record(milliseconds(5 * scale));
    auto& boot = s.action("BootNotification");
    boot.sent = 2 * scale;
    boot.ok = 1 * scale;
    boot.failed = 1 * scale;
    s.calls_answered["Reset"] = scale;
    s.connect_attempts = 3 * scale;
    s.connects = 2 * scale;
    s.disconnects = scale;
    s.connect_errors["refused"] = scale;
    s.boots_accepted = scale;
    s.sessions_started = 2 * scale;
    s.sessions_completed = scale;
    s.offline_queued = 4 * scale;
    s.offline_replayed = 3 * scale;
    s.connected = 5 * scale;
    s.booted = 4 * scale;
    s.charging = scale;
    return s;
}

TEST(Stats, Totals) {
    const Stats s = sample_stats(1);
    EXPECT_EQ(s.total_sent(), 12u);
    // CALLERRORs 1 + timeouts 1 + failures 1 + connection errors 1
    EXPECT_EQ(s.total_errors(), 4u);
    EXPECT_EQ(Stats{}.total_sent(), 0u);
    EXPECT_EQ(Stats{}.total_errors(), 0u);
}

TEST(Stats, MergeAddsCountersGaugesAndMaps) {
    Stats merged = sample_stats(1);
    Stats other = sample_stats(2);
    other.action("MeterValues").sent = 7;
    other.connect_errors["timeout"] = 9;
    other.calls_answered["TriggerMessage"] = 1;
    merged.merge(other);

    EXPECT_EQ(merged.action("Heartbeat").sent, 30u);
    EXPECT_EQ(merged.action("Heartbeat").ok, 24u);
    EXPECT_EQ(merged.action("Heartbeat").call_errors, 3u);
    EXPECT_EQ(merged.action("Heartbeat").timeouts, 3u);
    EXPECT_EQ(merged.action("Heartbeat").latency.count(), 2u);
    EXPECT_DOUBLE_EQ(merged.action("Heartbeat").latency.max_ms(), 10.0);
    EXPECT_EQ(merged.action("BootNotification").failed, 3u);
    EXPECT_EQ(merged.action("MeterValues").sent, 7u);
    EXPECT_EQ(merged.calls_answered.at("Reset"), 3u);
    EXPECT_EQ(merged.calls_answered.at("TriggerMessage"), 1u);
    EXPECT_EQ(merged.connect_attempts, 9u);
    EXPECT_EQ(merged.connects, 6u);
    EXPECT_EQ(merged.disconnects, 3u);
    EXPECT_EQ(merged.connect_errors.at("refused"), 3u);
    EXPECT_EQ(merged.connect_errors.at("timeout"), 9u);
    EXPECT_EQ(merged.boots_accepted, 3u);
    EXPECT_EQ(merged.sessions_started, 6u);
    EXPECT_EQ(merged.sessions_completed, 3u);
    EXPECT_EQ(merged.offline_queued, 12u);
    EXPECT_EQ(merged.offline_replayed, 9u);
    EXPECT_EQ(merged.connected, 15u);
    EXPECT_EQ(merged.booted, 12u);
    EXPECT_EQ(merged.charging, 3u);
    EXPECT_EQ(merged.total_sent(), 12u + 24u + 7u);
    EXPECT_EQ(merged.total_errors(), 4u + 8u + 9u);
}

} // namespace
} // namespace sim
