#pragma once
// `report compare` and `report merge` on saved JSON reports.
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"
#include "simulator/report/report_file.hpp"

namespace sim {

struct CompareLimits {
    std::optional<double> max_p99_regression_pct;  // fail when an action's p99 grew by more than this
    std::optional<double> max_throughput_drop_pct; // fail when an action's answered calls per second fell by more
};

struct Comparison {
    std::string table;                 // one line per action and one for all: throughput and p99, base -> new
    std::vector<std::string> failures; // one line per threshold exceeded; empty when within them
};

// Both documents passed load_report()/parse_report(). An action in only one report compares against zero.
Comparison compare_reports(const rapidjson::Document& base, const rapidjson::Document& next,
                           const CompareLimits& limits);

// Shards of one fleet as one report: counts add up, latency from the merged sketches, the time series merged by
// interval; the error names the shard that cannot be merged.
ocpp::Result<std::string> merge_reports(const std::vector<rapidjson::Document>& shards,
                                        const std::vector<std::string>& names);

// The reports of a merge, read one after the other; refused once they together exceed `max_total_bytes` (every parsed
// report stays in memory until the merge is written), the error naming the file that went past it.
ocpp::Result<std::vector<rapidjson::Document>> load_reports(const std::vector<std::string>& files,
                                                            std::size_t max_total_bytes = kMaxMergeBytes);

// `ocpp-simulator report html|compare|merge ...`; returns the exit status (0 ok, 2 bad usage or input, 3 a compare
// threshold exceeded).
int report_main(const std::vector<std::string>& args);

} // namespace sim
