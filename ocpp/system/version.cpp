// The version comes from the project's CMake version (OCPPKIT_VERSION is defined for this file only).
#include "ocpp/system/version.hpp"

namespace ocpp {

std::string version_line(std::string_view program) {
    std::string line(program);
    line += " " OCPPKIT_VERSION " (OCPP 1.6-J with the security whitepaper)\n";
    return line;
}

bool is_version_flag(std::string_view arg) {
    return arg == "--version" || arg == "-V";
}

} // namespace ocpp
