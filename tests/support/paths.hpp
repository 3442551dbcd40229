#pragma once
// Where the tests find the source tree (scripts, fixtures, models) and the programs they start. Kept out of the
// compile flags of every test file, so that a build of another checkout of the same sources reuses their objects.
#include <string>

namespace ocppkit::test {

const char* source_dir();
const char* bin_dir();
// The path of one of the built programs, e.g. program("ocpp-simulator").
std::string program(const char* name);

} // namespace ocppkit::test
