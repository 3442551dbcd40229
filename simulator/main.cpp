// ocpp-simulator: parse the command line, run the fleet, exit with its code. The work is in simulator_lib.
#include <cstdio>
#include <exception>

#include "simulator/options.hpp"
#include "simulator/run.hpp"

int main(int argc, char** argv) {
    try {
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
