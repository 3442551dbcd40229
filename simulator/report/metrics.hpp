#pragma once
// --metrics-listen: the fleet's statistics in the Prometheus text format, served at /metrics by ocpp::net's HTTP
// layer on a loop and thread of its own. The main thread renders the text once per second; a scrape reads the
// latest copy, so a scrape never waits for the fleet and never touches its loops.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ocpp/log/log.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"
#include "simulator/fleet/stats.hpp"

namespace sim {

// Counters and histograms per action, connections, boots, sessions and the offline queue (names start
// ocpp_simulator_).
std::string prometheus_text(const Stats& stats, std::uint64_t planned_chargers);

class MetricsServer {
public:
    // Listens on HOST:PORT (port 0 picks a free one); the error names the address.
    static ocpp::Result<std::unique_ptr<MetricsServer>> start(const std::string& host_port, const ocpp::Logger& log);
    ~MetricsServer(); // stops the server and joins its thread
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;
    // Replaces what /metrics answers; from any thread.
    void update(std::string text);
    std::uint16_t port() const { return port_; }

private:
    MetricsServer() = default;
    std::unique_ptr<ocpp::net::EventLoop> loop_;
    std::unique_ptr<ocpp::net::Server> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_; // guards text_
    std::shared_ptr<const std::string> text_ = std::make_shared<const std::string>();
};

} // namespace sim
