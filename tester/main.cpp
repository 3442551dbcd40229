// ocpp-tester: dispatches to `check` or `serve`. The work is in tester_lib.
#include <cstdio>
#include <cstring>
#include <exception>

#include "ocpp/system/file_limit.hpp"
#include "ocpp/system/version.hpp"
#include "tester/check/command.hpp"
#include "tester/serve/command.hpp"

namespace {
const char* const kUsage = "Usage: ocpp-tester check --listen HOST:PORT --chargebox-id ID [options]\n"
                           "       ocpp-tester serve --listen HOST:PORT [--db URL] [options]\n"
                           "\n"
                           "  check   test one charger on site; prints a claiming code when it passes\n"
                           "  serve   run the tester as a service for many installers at once (REST API)\n"
                           "\n"
                           "`ocpp-tester check --help` and `ocpp-tester serve --help` list the options.\n";
} // namespace

int main(int argc, char** argv) {
    ocpp::raise_file_limit(); // every connection is a descriptor: take all the process may have
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const char* command = argv[1];
    if (std::strcmp(command, "-h") == 0 || std::strcmp(command, "--help") == 0 || std::strcmp(command, "help") == 0) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (ocpp::is_version_flag(command)) {
        std::fputs(ocpp::version_line("ocpp-tester").c_str(), stdout);
        return 0;
    }
    try {
        if (std::strcmp(command, "check") == 0) {
            return tester::check_main(argc - 1, argv + 1);
        }
        if (std::strcmp(command, "serve") == 0) {
            return run_serve(argc - 1, argv + 1);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-tester: fatal: %s\n", e.what());
        return 2;
    }
    std::fprintf(stderr, "ocpp-tester: unknown command \"%s\" (expected check or serve)\n\n%s", command, kUsage);
    return 2;
}
