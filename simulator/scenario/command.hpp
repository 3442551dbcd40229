#pragma once
// `ocpp-simulator scenario FILE... [options]` and `ocpp-simulator scenario from-capture CAPTURE.jsonl`.
#include <memory>
#include <string>
#include <vector>

#include "simulator/scenario/runner.hpp"

namespace scen {

// Runs the command; args are what follows "scenario". Exit code 0 all passed, 1 a scenario failed, 2 bad usage
// or a scenario file that does not parse.
int scenario_main(const std::vector<std::string>& args);

// The RestClient of this build (libcurl on a worker thread), or nullptr when there is none.
std::unique_ptr<RestClient> make_rest_client();

std::string scenario_usage();

} // namespace scen
