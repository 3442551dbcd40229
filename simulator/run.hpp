#pragma once
// The `run` command: checks the limits, runs the fleet until --duration passes or SIGINT/SIGTERM arrives, stops it
// gracefully and reports. Returns the process exit code (0, 1 could not run, 2 bad options, 3 threshold exceeded).
#include "simulator/fleet/fleet.hpp"
#include "simulator/options.hpp"

namespace sim {

int run_simulator(const Options& options);

// ocpp::net's event loops and WebSocket clients.
FleetTransport default_transport();

} // namespace sim
