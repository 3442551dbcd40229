#pragma once
// Metrics: what /metrics shows, in the Prometheus text format. Calls by direction, action and result, a latency
// histogram of the calls we answered, handshake refusals by reason; the gauges are read when rendering.
// Counting happens on the central system's loop (no locks); the store's commit histogram is its own.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/peer/peer.hpp"
#include "ocpp/util/histogram.hpp"

namespace cs {

class Metrics {
public:
    // known_action: false for an action that is not OCPP 1.6 (counted as "other", so labels stay bounded).
    void call(const ocpp::CallRecord& r, bool known_action);
    void refused(std::string_view reason);
    // A MeterValues or StopTransaction that named a transaction not of its sender (or not on its connector) and
    // was not applied. reason: otherCharger | unknown | otherConnector; owner: "" when unknown. At most
    // kForeignPairs distinct (sender, owner) pairs get their own series; the rest count as sender="other",
    // owner="other".
    static constexpr std::size_t kForeignPairs = 100;
    void foreign_transaction(std::string_view action, std::string_view reason, const std::string& sender,
                             const std::string& owner);
    // Meter samples answered but not stored: beyond the per-transaction budget.
    void samples_trimmed(std::size_t n) { samples_trimmed_ += n; }
    // One PBKDF2 run for a handshake: "check" (a presented password against the stored hash) or "store" (hashing a
    // password taken at the handshake).
    void hashed(std::string_view kind);

    struct Gauges {
        std::size_t chargers_connected = 0, connections = 0, chargers_known = 0;
        std::size_t store_queue = 0, hasher_queue = 0;
        std::uint64_t store_commits = 0;
        const ocpp::Histogram* store_commit_latency = nullptr;
    };
    std::string render(const Gauges& g) const;

private:
    struct PerAction {
        std::vector<std::pair<std::string, std::uint64_t>> received, sent; // by result
        std::unique_ptr<ocpp::Histogram> latency;                          // calls we answered
    };
    std::map<std::string, PerAction, std::less<>> actions_;
    std::map<std::string, std::uint64_t, std::less<>> refusals_;
    // (action, reason, sender, owner) -> count; distinct (sender, owner) pairs are capped (kForeignPairs).
    std::map<std::array<std::string, 4>, std::uint64_t> foreign_;
    std::set<std::pair<std::string, std::string>> foreign_pairs_;
    std::uint64_t samples_trimmed_ = 0;
    std::uint64_t hashes_checked_ = 0, hashes_stored_ = 0;
};

} // namespace cs
