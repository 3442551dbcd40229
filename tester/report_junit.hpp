#pragma once
// The Report as JUnit XML, so a CI job or a fleet-rollout script can show the checks like unit tests: one
// <testsuite> per charger, one <testcase> per check; Fail gives <failure>, Skipped <skipped/>, and what was seen
// (warnings first) goes to <system-out>.
#include <string>
#include <string_view>

#include "tester/report.hpp"

namespace tester {

std::string to_junit(const Report& report);

// Escapes text for XML 1.0 content and attribute values: &<>"' as entities, characters XML cannot carry (most
// control characters, invalid UTF-8) as U+FFFD. In attributes, tabs and line breaks become character references so
// they survive attribute normalisation.
std::string xml_escape(std::string_view text, bool attribute = false);

} // namespace tester
