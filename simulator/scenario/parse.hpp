#pragma once
// Reads a scenario from YAML. Every error reads "FILE:LINE:COLUMN: what is wrong"; unknown keys are errors.
#include <string>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"
#include "simulator/scenario/scenario.hpp"

namespace YAML {
class Node;
}

namespace scen {

ocpp::Result<Scenario> parse_scenario(const std::string& text, const std::string& file);
ocpp::Result<Scenario> load_scenario(const std::string& path);

// A YAML value as JSON: plain scalars become null, booleans and numbers where they read as such, quoted scalars
// stay strings.
void yaml_to_json(const YAML::Node& node, rapidjson::Value& out, rapidjson::Document::AllocatorType& alloc);

} // namespace scen
