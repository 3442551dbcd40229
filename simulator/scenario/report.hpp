#pragma once
// What a scenario run tells its reader: one line per charger on the terminal, a JSON report and JUnit XML (one
// testcase per scenario and charger).
#include <string>
#include <vector>

#include "simulator/scenario/runner.hpp"

namespace scen {

// "PASS boot-and-heartbeat [SCN0001] 6 steps, 0.21 s" or "FAIL ... step 4 (line 23, expect): expected ...; got ...".
std::string result_line(const ChargerResult& r);
std::string to_json_report(const std::vector<ChargerResult>& results);
std::string to_junit(const std::vector<ChargerResult>& results);

} // namespace scen
