#pragma once
// One run of the ocpp-simulator binary against ocpp-rpc (strict mode) as the central system
// (tests/interop/sim_cs.js): both as child processes on 127.0.0.1, killed by PID at the end.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tests/interop/interop_support.hpp"
#include "tests/support/loop_thread.hpp"

namespace simint {

struct RunResult {
    std::optional<int> sim_exit; // nullopt: still running at its timeout (then killed)
    std::optional<int> cs_exit;  // sim_cs.js after SIGTERM
    std::string sim_stdout, sim_stderr, cs_stdout, cs_stderr;
    std::string cs_line;        // the summary line of sim_cs.js ({"simcs":...})
    rapidjson::Document cs;     // ... parsed (an object when found)
    rapidjson::Document report; // the simulator's --report file (an object when written)
    // Everything both sides printed, for failure messages.
    std::string context() const;
};

// Starts sim_cs.js with cs_args, runs `ocpp-simulator run --url ws://127.0.0.1:PORT/ocpp --report FILE sim_args`
// until it exits (or sim_timeout), then stops sim_cs.js with SIGTERM and collects its summary. Fatal gtest
// failures when a process cannot start; call it under ASSERT_NO_FATAL_FAILURE.
void run_simulator(const ocpp::interop::NodeSetup& setup, const std::vector<std::string>& cs_args,
                   const std::vector<std::string>& sim_args, std::chrono::seconds sim_timeout, RunResult& out);

// Looks up a member path such as {"transactions", "completed"}; nullptr when absent.
const rapidjson::Value* at(const rapidjson::Value& v, std::initializer_list<const char*> path);
// The integer there, or -1 when it is missing or not an integer.
long long number(const rapidjson::Value& v, std::initializer_list<const char*> path);
// The string there, or "(missing)".
std::string text(const rapidjson::Value& v, std::initializer_list<const char*> path);
// The boolean there, false when missing.
bool flag(const rapidjson::Value& v, std::initializer_list<const char*> path);
// The strings of an array there.
std::set<std::string> strings(const rapidjson::Value& v, std::initializer_list<const char*> path);
// The member names of an object there.
std::set<std::string> keys(const rapidjson::Value& v, std::initializer_list<const char*> path);

// prefix + 000001 ... the simulator's charger IDs for a fleet of n (n < 1,000,000).
std::set<std::string> charger_ids(const std::string& prefix, int n);

// The checks every run shares: both processes exited 0, ocpp-rpc saw no strict-validation failure, CALLERROR,
// malformed frame or out-of-order transaction message, and its summary says ok.
void expect_clean_run(const RunResult& r);

} // namespace simint
