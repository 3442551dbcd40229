#pragma once
// The step kinds of the scenario language: each kind parses its YAML into a Step and runs it on a ChargerRun. The
// parser looks a step's first key up here, the runner calls the kind the step carries; neither knows the kinds.
//
// Adding a step kind:
//   1. Write simulator/scenario/steps/<kind>.cpp defining `extern const StepKind <kind>_step{"<key>", parse, run};`.
//      `parse` reads the step (StepSource: the key's value, the options beside it, the Parser's helpers for texts,
//      numbers, matchers and errors naming file, line and column) into the Step it is given; `run` works it through
//      on the ChargerRun (next() when done, fail() when not, wait_for() to wait for an event). A kind holding steps
//      of its own (repeat) also gives `again`. The helpers of checks.hpp compare answers and capture values.
//   2. Register it in steps/registry.cpp: its `extern` declaration and its line in the list (the list's order is
//      the order the error for an unknown step names the keys in); and list the file in
//      simulator/scenario/CMakeLists.txt.
//   3. Describe it in scenarios/FORMAT.md, and add a scenario or a parse test that uses it.
// A kind needing a field no kind has yet adds it to Step (scenario.hpp).
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "simulator/scenario/scenario.hpp"

namespace scen {

class ChargerRun;
namespace detail {
class Parser;
}

// One step as the parser found it in the file.
struct StepSource {
    detail::Parser& parser;
    const YAML::Node& node;  // the whole step (a bare name or a mapping)
    const std::string& name; // the key that starts it ("send")
    const YAML::Node& value; // that key's value (null for a bare name)
    const YAML::Node& opts;  // the step's mapping: the name and the options beside it (empty for a bare name)
    // Fails unless every key of the step's mapping is its name or one of `options`.
    void allow(std::set<std::string> options) const;
};

struct StepKind {
    const char* key; // what starts the step in a scenario file
    // Reads the step into `step` (its kind and pos already set); may append steps that run before it to `out`.
    void (*parse)(const StepSource& source, Step& step, std::vector<Step>& out);
    // Runs the step: ends with run.next() or run.fail(), at once or after waiting.
    void (*run)(ChargerRun& run, const Step& step);
    // For a kind holding steps: whether its steps run once more after `iteration` runs (nullptr: they ran once).
    // It may fail the run instead, and then returns false.
    bool (*again)(ChargerRun& run, const Step& step, int iteration) = nullptr;
    // Work done for the step when the run starts, before any step runs (an upload URL that earlier steps send);
    // it may fail the run (nullptr: none).
    void (*prepare)(ChargerRun& run, const Step& step) = nullptr;
};

// The kind a scenario names with `key`, or nullptr.
const StepKind* find_step_kind(const std::string& key);
// Every key, in the registry's order ("connect, reconnect, ...").
std::string step_kind_keys();

} // namespace scen
