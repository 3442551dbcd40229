#pragma once
// The fleet: many chargers over a few event loops, one thread each (never a thread per charger). Chargers are
// assigned round-robin to the loops, started at a ramp with a cap on connection attempts in flight, and each loop
// publishes a copy of its Stats once per second for the main thread to merge.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/validation/registry.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/fleet/stats.hpp"
#include "simulator/options.hpp"

namespace sim {

// ---- Planning (fleet_plan.cpp): pure functions of the options, tested without sockets.

// One charger this process runs.
struct PlannedCharger {
    ChargerSpec spec;
    std::uint64_t global_index = 0; // 1-based over the whole fleet
    std::uint64_t seed = 0;         // derived from --seed and the global index: independent of threads and shards
};

// prefix + the 1-based global index, zero-padded to 6 digits or as many as `total` needs.
std::string charger_id(const std::string& prefix, std::uint64_t index, std::uint64_t total);
// How many chargers of a fleet of `total` the shard runs: global indices g with (g - 1) mod n == i - 1.
std::uint64_t shard_size(std::uint64_t total, Shard shard);
// The base URL with the charger ID appended as the last path segment.
std::string charger_url(const std::string& base, const std::string& id);
// A well-mixed per-charger seed (splitmix64 of seed and index).
std::uint64_t charger_seed(std::uint64_t seed, std::uint64_t global_index);
// Loop i's share of a process-wide limit split over n loops (at least 1).
std::size_t share_of(std::size_t total, std::size_t i, std::size_t n);
// The chargers of this shard with their specs; an error when --password-file lacks one of them.
ocpp::Result<std::vector<PlannedCharger>> plan_chargers(const Options& options);

// "10,064"
std::string with_commas(std::uint64_t n);

// RLIMIT_NOFILE after raising the soft limit to the hard one.
struct FdLimit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};
FdLimit raise_fd_limit();
// Open files needed besides the connections (loops, log, report, libraries).
inline constexpr std::uint64_t kSpareFiles = 64;
// The refusal, when `chargers` connections plus kSpareFiles exceed `limit`; nullopt when they fit.
std::optional<std::string> check_fd_limit(std::uint64_t chargers, std::uint64_t limit);
// Local ports per source address run out at about this many connections to one server address and port.
inline constexpr std::uint64_t kConnectionsPerSourceAddress = 28'000;
// The warning, when the chargers need more source addresses than given; nullopt when they suffice.
std::optional<std::string> check_source_addresses(std::uint64_t chargers, std::size_t source_addresses);

// ---- Running (fleet.cpp)

struct FleetConfig {
    std::size_t threads = 1;
    double ramp = 200;                      // chargers started per second, whole process
    std::size_t handshakes_in_flight = 500; // connection attempts outstanding, whole process
    double churn_pct = 0; // every churn_interval, this share of connected chargers drops its connection
    std::uint64_t seed = 1;
    ocpp::net::ClientConfig client;
    ocpp::PeerConfig peer;
    std::chrono::milliseconds open_handshake_timeout{30000};
    std::chrono::milliseconds publish_interval{1000};
    std::chrono::milliseconds churn_interval{60000};
};
FleetConfig fleet_config(const Options& options);

// Where the loops and clients come from: ocpp::net's in the program (see run.hpp), fakes in tests.
struct FleetTransport {
    std::function<std::unique_ptr<ocpp::net::EventLoop>()> make_loop;
    std::function<std::unique_ptr<ocpp::net::Client>(ocpp::net::EventLoop&, const ocpp::net::ClientConfig&,
                                                     const ocpp::Logger&)>
        make_client;
};

// The charger counts its connection attempts and their outcomes; the fleet only gates them.
class Fleet {
public:
    Fleet(FleetConfig config, std::vector<PlannedCharger> chargers, const ocpp::validation::Registry& schemas,
          const ocpp::Logger& log, FleetTransport transport);
    ~Fleet(); // stops without grace if stop() was not called
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    // Creates the loops and their threads; the ramp starts the chargers.
    void start();
    // The merge of the copies the loops published last (about once per second); from any thread.
    Stats snapshot() const;
    std::size_t size() const { return total_; }
    // Stops every charger (sessions end, connections close) and waits until all are done, `grace` has passed or
    // `abandon` returns true; then stops the loops and joins their threads. True when every charger finished.
    bool stop(std::chrono::milliseconds grace, const std::function<bool()>& abandon = {});

private:
    struct Worker; // one event loop with its chargers (fleet.cpp)
    FleetConfig config_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    FleetTransport transport_;
    std::size_t total_ = 0;
    std::vector<std::unique_ptr<Worker>> workers_;
    // Firmware downloads and diagnostics uploads of every charger; declared after workers_ so that it goes first and
    // no transfer posts to a loop that is gone.
    std::unique_ptr<ocpp::transfer::TransferService> transfers_;
    std::unique_ptr<ocpp::WorkerPool> workers_pool_; // key pairs of certificate requests; after workers_ likewise
    bool started_ = false;
    bool stopped_ = false;
};

} // namespace sim
