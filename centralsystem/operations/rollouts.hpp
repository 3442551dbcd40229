#pragma once
// RolloutScheduler: carries out the firmware roll-out jobs (db/operations.hpp) with plain UpdateFirmware. Every tick
// (1 s) it reads the due jobs from the store and, per job: marks chargers sent longer than the job's timeout without
// a final status as "timeout"; queues a failed charger again (DownloadFailed, InstallationFailed, timeout, rejected)
// while it has retries left, after the job's retry interval; and sends UpdateFirmware to waiting chargers while fewer
// than the job's concurrency are in progress — a charger offline is marked "offline", one with a running session
// "busy-charging" (unless the job is forced), and both are tried again on later ticks. A job is done when every
// charger has ended. All state is in the store, so jobs resume after a restart: a charger sent before it keeps its
// status and reports or times out as usual. Runs on the central system's loop.
#include <cstdint>
#include <memory>

#include "centralsystem/db/operations.hpp"
#include "ocpp/util/executor.hpp"

namespace cs {
class CentralSystem;
}

namespace cs::operations {

class RolloutScheduler {
public:
    explicit RolloutScheduler(CentralSystem& cs)
        : cs_(cs) {}
    ~RolloutScheduler() { *alive_ = false; }
    RolloutScheduler(const RolloutScheduler&) = delete;
    RolloutScheduler& operator=(const RolloutScheduler&) = delete;

    // Starts the ticks (call on the loop).
    void start(ocpp::Clock::Duration every = std::chrono::seconds(1));

private:
    struct Snapshot;
    void tick();
    void plan(const Snapshot& s);
    void again();
    void send(const db::RolloutCharger& row, const std::string& location, std::optional<int> retries,
              std::optional<int> retry_interval);

    CentralSystem& cs_;
    ocpp::Clock::Duration every_{};
    std::unique_ptr<ocpp::Timer> timer_;
    bool busy_ = false;                                          // a tick's store work is under way
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // store answers after the end find it false
};

} // namespace cs::operations
