#pragma once
// `ocpp-simulator flow`: the operator's flow of SPEC §3 at scale. Each charger is created through the central
// system's REST API (by hand or from a claiming code), put into operation, gets an id tag; then the simulated
// chargers (the fleet of `run`) connect with their passwords, boot and charge one session each; finally the REST API
// must show every session with its energy. Each step is counted and timed; any failure makes the exit code 1.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/util/result.hpp"
#include "simulator/fleet/stats.hpp"

namespace sim {

// One line of --claim-codes: a claiming code, and the charger's password when the line has one.
struct ClaimLine {
    std::string code;
    std::string password; // empty: --password applies
};

struct FlowOptions {
    std::string central;  // http(s)://HOST:PORT of the central system (REST API)
    std::string ocpp_url; // ws(s)://HOST:PORT/ocpp; derived from `central` when not given
    std::string api_token;
    std::uint64_t chargers = 1;
    bool chargers_given = false;
    int connectors = 1;
    std::string id_prefix = "FLOW";
    std::string password; // for every charger; empty = a random one each
    std::string claim_codes_file;
    std::vector<ClaimLine> claims; // loaded from claim_codes_file
    std::string provider = "ocppkit-flow";
    std::string evse_operator = "DE*OKF"; // country and operator of the EVSE IDs
    double power_kw = 11.0;
    std::optional<double> price_per_kwh; // when set, each charger gets a price set (for revenue on the dashboard)
    double price_per_session = 0;
    std::string currency = "EUR";
    double session_seconds = 3;    // length of the one session each charger charges
    int meter_interval_s = 1;      // MeterValues during the session
    double duration_s = 0;         // keep the fleet running this long (0 = until every session is verified)
    double sessions_per_hour = 0;  // further random sessions per charger while the fleet runs
    int heartbeat_interval_s = 60; // until the central system sets one
    double ramp = 200;             // connections per second
    int concurrency = 4;           // REST requests in flight (threads, one HTTP client each)
    double timeout_s = 120;        // for the whole connect-and-charge phase
    double http_timeout_s = 10;    // per REST request
    int threads = 0;               // event loops for the fleet; 0 = hardware concurrency
    std::string report_file;       // JSON report
    ocpp::LogLevel log_level = ocpp::LogLevel::Warn;
    bool help = false;
};

// Parses the arguments after "flow" (args[0] is the first option). Errors name the flag and what is wrong; the caller
// prints them and exits with 2. Reads and checks --claim-codes.
ocpp::Result<FlowOptions> parse_flow_options(const std::vector<std::string>& args);
std::string flow_usage();

// Reads a --claim-codes file: one code per line, optionally ",PASSWORD"; blank lines and # comments are skipped.
// Errors name FILE:LINE.
ocpp::Result<std::vector<ClaimLine>> parse_claim_codes(const std::string& text, const std::string& file_name);

// The counts and latencies of one step over all chargers.
struct FlowStep {
    std::string name;
    std::uint64_t ok = 0, failed = 0;
    std::uint64_t skipped = 0; // not tried or not finished because the run was interrupted (Ctrl-C): not failures
    LatencyHistogram latency;
    std::vector<std::string> errors; // the first kErrorsKept, each naming the charger
    static constexpr std::size_t kErrorsKept = 20;
    void fail(const std::string& error);
};

// Runs the flow; returns the exit code (0 every step passed for every charger, 1 a step failed, 2 bad options).
int run_flow(const FlowOptions& options);
// argv after "ocpp-simulator" (args[0] == "flow"): parse, run, exit code.
int flow_main(const std::vector<std::string>& args);

} // namespace sim
