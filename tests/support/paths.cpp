#include "tests/support/paths.hpp"

namespace ocppkit::test {

const char* source_dir() {
    return OCPPKIT_SOURCE_DIR;
}
const char* bin_dir() {
    return OCPPKIT_BIN_DIR;
}
std::string program(const char* name) {
    return std::string(OCPPKIT_BIN_DIR) + "/" + name;
}

} // namespace ocppkit::test
