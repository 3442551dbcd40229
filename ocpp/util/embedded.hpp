#pragma once
// A file embedded into the binary at build time (see cmake/EmbedFiles.cmake).
#include <string_view>

namespace ocpp {

struct EmbeddedFile {
    std::string_view name; // file name without directories
    std::string_view contents;
};

} // namespace ocpp
