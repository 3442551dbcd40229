#pragma once
// The scenario run as one self-contained HTML page (--html): each scenario and charger with its result, and its steps
// with their start, duration and a bar on the run's time line. No script and no request leaves the page.
#include <string>
#include <vector>

#include "simulator/scenario/runner.hpp"

namespace scen {

std::string to_html_report(const std::vector<ChargerResult>& results);

} // namespace scen
