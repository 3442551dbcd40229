#pragma once
// Turns an ocpp-tester capture (tester/capture/CAPTURE.md) into a scenario: the charger's frames are replayed, the
// central system's answers are expected by shape (volatile values such as times and transaction ids only have to exist,
// and transaction ids are captured into variables that later frames use), and its calls are expected and answered the
// way the charger answered them.
#include <string>

#include "ocpp/util/result.hpp"

namespace scen {

struct CaptureOptions {
    std::string name;                            // the scenario's name
    std::string id_pattern = "REPLAY{index:04}"; // chargers.id
};

// The scenario as YAML text; the error names the capture line that is not a capture record.
ocpp::Result<std::string> scenario_from_capture(const std::string& jsonl, const std::string& file_name,
                                                const CaptureOptions& options);

} // namespace scen
