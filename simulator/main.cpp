// ocpp-simulator: parse the command line, run the fleet, exit with its code. The work is in simulator_lib.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "ocpp/system/file_limit.hpp"
#include "ocpp/system/version.hpp"
#include "simulator/flow/flow.hpp"
#include "simulator/options.hpp"
#include "simulator/report/compare.hpp"
#include "simulator/run.hpp"
#include "simulator/scenario/command.hpp"

int main(int argc, char** argv) {
    ocpp::raise_file_limit(); // every connection is a descriptor: take all the process may have
    if (argc >= 2 && ocpp::is_version_flag(argv[1])) {
        std::fputs(ocpp::version_line("ocpp-simulator").c_str(), stdout);
        return 0;
    }
    try {
        if (argc >= 2 && std::string(argv[1]) == "scenario") {
            return scen::scenario_main(std::vector<std::string>(argv + 2, argv + argc));
        }
        if (argc >= 2 && std::string(argv[1]) == "report") {
            return sim::report_main(std::vector<std::string>(argv + 2, argv + argc));
        }
        if (argc >= 2 && std::string(argv[1]) == "flow") {
            return sim::flow_main(std::vector<std::string>(argv + 1, argv + argc));
        }
        auto command = sim::parse_command_line(argc, argv);
        if (!command) {
            std::fprintf(stderr, "ocpp-simulator: %s\n", command.error().message.c_str());
            return 2;
        }
        if (command->kind == sim::Command::Kind::Help) {
            std::fputs(sim::usage().c_str(), stdout);
            return 0;
        }
        return sim::run_simulator(command->options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-simulator: fatal: %s\n", e.what());
        return 1;
    }
}
