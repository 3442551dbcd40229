#pragma once
// The central system's options checked together, once every source (command line, environment, config file) is
// applied: what one option needs of another.
#include "centralsystem/options.hpp"

namespace cs {

// The first combination that cannot work, named by its options; nothing when they fit.
ocpp::Result<void> check_option_combinations(const Options& o);

} // namespace cs
