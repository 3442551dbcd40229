#pragma once
// Runs scenarios on one event loop: every charger of a scenario at once, each a chain of asynchronous steps on the
// project's Client and Peer. Nothing here blocks; REST requests go to a RestClient that works off the loop.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/util/result.hpp"
#include "ocpp/validation/registry.hpp"
#include "simulator/scenario/scenario.hpp"

namespace scen {

// Where and why one charger's run failed.
struct Failure {
    std::string step; // "3", or "4.2 (iteration 3)" inside a repeat
    Pos pos;          // of the step in the file
    std::string kind; // "expect", "send", ...
    std::string expected;
    std::string got;
};

// One step as it ran: for the HTML summary of step timings.
struct StepTiming {
    std::string step;                // "3", "4.2 (iteration 3)"
    std::string kind;                // "send", "expect", ...
    int line = 0;                    // of the step in the file
    double start_s = 0, seconds = 0; // since the charger's run started; how long the step took
    bool passed = true;
};

struct ChargerResult {
    std::string scenario, file, charger;
    bool passed = true;
    std::optional<Failure> failure;
    double seconds = 0;
    int steps_run = 0;
    std::vector<StepTiming> steps; // the first kMaxStepTimings steps run
};

// Step timings kept per charger; a long repeat records its first rounds only.
inline constexpr std::size_t kMaxStepTimings = 2000;

// An HTTP answer from the REST API.
struct RestReply {
    int status = 0;
    std::string body;
    double latency_ms = 0;
};

// Sends REST requests off the event loop; `done` runs on the loop it was given.
class RestClient {
public:
    using Done = std::function<void(ocpp::Result<RestReply>)>;
    virtual ~RestClient() = default;
    virtual void request(const std::string& base_url, const std::string& token, const std::string& method,
                         const std::string& path, const std::string& body, ocpp::Executor& loop, Done done) = 0;
};

// Runs one scenario for all of its chargers on `loop`; `done` runs on the loop with one result per charger. In the
// central-system role `on_listening` gets the URL chargers connect to, once bound.
// Call on the loop's thread. The returned handle keeps the run alive; drop it only after `done` ran (or after the
// loop stopped).
std::shared_ptr<void> run_scenario(ocpp::net::EventLoop& loop, const Scenario& scenario, const Overrides& overrides,
                                   const ocpp::validation::Registry& schemas, const ocpp::Logger& log, RestClient* rest,
                                   std::function<void(std::vector<ChargerResult>)> done,
                                   const std::function<void(const std::string&)>& on_listening = {});

// Runs scenarios one after the other on a new event loop on this thread and returns every result.
std::vector<ChargerResult> run_all(const std::vector<Scenario>& scenarios, const Overrides& overrides,
                                   const ocpp::Logger& log, RestClient* rest,
                                   const std::function<void(const ChargerResult&)>& on_result = {},
                                   const std::function<void(const std::string&)>& on_listening = {});

} // namespace scen
