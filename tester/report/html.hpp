#pragma once
// The Report as one self-contained HTML page (inline CSS, no scripts, no external assets) that reads on a phone and
// prints on paper: verdict, claiming code, charger facts and every check with what was seen and how to fix it.
#include <string>

#include "tester/report/markup_escape.hpp"
#include "tester/report/report.hpp"

namespace tester {

std::string to_html(const Report& report);
} // namespace tester
