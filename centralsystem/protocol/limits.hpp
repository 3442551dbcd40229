#pragma once
// What one charger may cost the store and the notification list: a budget of stored meter samples per transaction
// per minute (SampleBudget) and at most one notification per subject per minute (NoticeThrottle). Both are bounded
// in memory whatever a charger sends.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ocpp/util/clock.hpp"

namespace cs {

// Stored meter samples per (charger, transaction) in windows of one minute; samples without a transaction count
// under the charger's own key. Not thread-safe: one thread uses it (the store worker, inside store jobs, so that
// only samples that pass the ownership check count).
class SampleBudget {
public:
    static constexpr std::size_t kKeysPerCharger = 16; // more transaction ids in one minute evict the smallest
    static constexpr auto kWindow = std::chrono::minutes(1);

    explicit SampleBudget(int per_minute)
        : per_minute_(per_minute) {}
    struct Take {
        std::size_t allowed = 0; // how many of the samples may be stored (the first ones)
        bool first_trim = false; // this is the first trim of the key's current window: say so once
    };
    Take take(const std::string& charger, std::optional<std::int64_t> transaction, std::size_t samples,
              ocpp::Clock::TimePoint now);
    int per_minute() const { return per_minute_; }

private:
    struct Entry {
        std::optional<std::int64_t> transaction;
        ocpp::Clock::TimePoint since;
        std::size_t count = 0;
        bool trimmed = false;
    };
    int per_minute_; // 0: no limit
    std::unordered_map<std::string, std::vector<Entry>> chargers_;
};

// One notification per subject (e.g. "foreign:CB-B:otherCharger") per minute; the loop's thread only. At most kSubjects
// are remembered: when full, expired ones go, and a new subject beyond that is quiet until some expire. Every call
// costs amortized constant time, however full the table: expiry walks a queue in time order, never the table.
class NoticeThrottle {
public:
    static constexpr std::size_t kSubjects = 1000;
    static constexpr auto kWindow = std::chrono::minutes(1);
    // True when a notification about `subject` may be stored now.
    bool allow(const std::string& subject, ocpp::Clock::TimePoint now);

private:
    // Forgets the subjects whose window ended by `now`, oldest first; each queued entry is looked at once.
    void expire(ocpp::Clock::TimePoint now);

    std::unordered_map<std::string, ocpp::Clock::TimePoint> last_;
    // (time, subject) in the order they were allowed; a subject allowed again is queued again and its older entry
    // is skipped when it comes up (its time no longer matches last_).
    std::deque<std::pair<ocpp::Clock::TimePoint, std::string>> order_;
};

} // namespace cs
