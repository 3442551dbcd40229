#pragma once
// What several step kinds share on a run: waiting for and checking the answer to a CALL, matching values, capturing
// them into variables, expanding a template, and waiting for the connection to close.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "simulator/scenario/charger_run.hpp"

namespace scen {

// Waits for the answer to the last send or raw frame and checks it (expect, and send/fault with an inline expect).
void expect_answer(ChargerRun& run, const Expectation& e);
// Checks every matcher on `value`; fails the run at the first that does not hold. `what` names the value.
bool check_matchers(ChargerRun& run, const std::vector<Matcher>& match, const rapidjson::Value& value,
                    const std::string& what);
// The inline expect of a send or fault: waits for the answer and checks it, or goes on when there is none.
void expect_inline(ChargerRun& run, const std::optional<Expectation>& e);
// `text` with its ${...} expanded; nullopt when it does not expand, and the run failed ("`what` to expand").
std::optional<std::string> expand_or_fail(ChargerRun& run, const std::string& text, const std::string& what);
// Sets each variable to the value at its path; fails the run when a path leads nowhere.
bool capture(ChargerRun& run, const std::map<std::string, std::string>& capture, const rapidjson::Value& value);
// Waits up to 5 s for the close the step started (disconnect, fault: drop), then goes on without the connection.
void await_close(ChargerRun& run, const std::string& expected, const std::string& got_if_open);

} // namespace scen
