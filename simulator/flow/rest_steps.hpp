#pragma once
// The REST side of `ocpp-simulator flow` (rest_steps.cpp): the request bodies, and the steps run for many chargers
// at once by a few threads with one HTTP client each.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "simulator/flow/flow.hpp"
#include "simulator/rest/http_client.hpp"

namespace sim::flow {

// One charger of the flow and how far it got.
struct FlowCharger {
    std::size_t index = 0;  // 1-based
    std::string id;         // Chargebox ID (from the create answer when created from a claiming code)
    std::string password;   // its HTTP Basic password
    std::string claim_code; // empty: created by hand
    std::string id_tag;     // registered for it
    bool created = false;
    bool commissioned = false;
    bool priced = false;   // its price set was stored (only with --price-per-kwh)
    bool ready = false;    // created, commissioned and its id tag registered
    bool verified = false; // a completed session with energy is on record
};

// Plans the chargers: IDs, passwords (given, from the claim file, or random), id tags.
std::vector<FlowCharger> plan_flow_chargers(const FlowOptions& o);

// Request bodies.
std::string create_body(const FlowOptions& o, const FlowCharger& c);
std::string commission_body(const FlowOptions& o, const FlowCharger& c);
std::string id_tag_body(const FlowCharger& c);
std::string price_body(const FlowOptions& o);
// "DE*OKF*EFLOW000001*1": the operator, 'E', the letters and digits of the ID (at most 27), '*', the connector.
std::string evse_id(const std::string& evse_operator, const std::string& charger_id, int connector);
// The charger ID when it fits OCPP's 20 characters, else a short stable tag derived from it.
std::string id_tag_for(const std::string& charger_id);

// A step's outcome for one charger: an error message naming what went wrong, or nothing.
using StepResult = std::optional<std::string>;
// Runs `work` for each charger for which `wanted` holds, on `concurrency` threads with one client each; each call is
// timed and counted into `step`. Once `interrupted` holds, the chargers left are counted as skipped.
void run_step(const FlowOptions& o, std::vector<FlowCharger>& chargers, FlowStep& step,
              const std::function<bool(const FlowCharger&)>& wanted,
              const std::function<StepResult(HttpClient&, FlowCharger&)>& work,
              const std::function<bool()>& interrupted);

// The steps (each returns the error for one charger).
StepResult create_charger(const FlowOptions& o, HttpClient& http, FlowCharger& c);
StepResult commission_charger(const FlowOptions& o, HttpClient& http, FlowCharger& c);
StepResult set_price(const FlowOptions& o, HttpClient& http, FlowCharger& c);
StepResult register_id_tag(HttpClient& http, FlowCharger& c);
StepResult verify_sessions(HttpClient& http, FlowCharger& c);

HttpClientConfig http_config(const FlowOptions& o);

} // namespace sim::flow
