// libFuzzer target: a YAML scenario file as someone hands it to `ocpp-simulator scenario` goes through the YAML
// reader and the scenario parser (steps, matchers, charger IDs). A crash, hang or sanitizer report is a bug; a
// parse error is the expected answer to a bad file. Found inputs go to fuzz/crashes/scenario/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "simulator/scenario/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto scenario = scen::parse_scenario(text, "fuzz.yaml");
    if (scenario) {
        for (int i : {1, scenario->chargers}) {
            (void)scen::charger_id(scenario->id_pattern, i);
        }
    }
    return 0;
}
