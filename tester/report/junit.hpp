#pragma once
// The Report as JUnit XML, so a CI job or a fleet-rollout script can show the checks like unit tests: one
// <testsuite> per charger, one <testcase> per check; Fail gives <failure>, Skipped <skipped/>, and what was seen
// (warnings first) goes to <system-out>.
#include <string>

#include "tester/report/markup_escape.hpp"
#include "tester/report/report.hpp"

namespace tester {

std::string to_junit(const Report& report);
} // namespace tester
