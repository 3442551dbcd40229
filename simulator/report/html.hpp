#pragma once
// The load report as one self-contained HTML page: settings, totals, and plots over time (inline SVG, no script, no
// request to anywhere) of throughput, latency percentiles, connections and errors, overall and per action, with the
// ramp and churn marked on the time axis. Rendered from the JSON report, so `--html` and `report html` agree.
#include <string>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"

namespace sim {

// The page for a report that load_report() or parse_report() accepted; an error when its time series is malformed.
ocpp::Result<std::string> render_html(const rapidjson::Document& report);

// The page's style sheet (screen and print), shared with the scenario summary.
const char* report_css();

} // namespace sim
