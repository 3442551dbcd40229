#pragma once
// The toolkit's version, printed by every program's --version, so that a bug report names the build it came from.
#include <string>
#include <string_view>

namespace ocpp {

// "<program> <version> (OCPP 1.6-J with the security whitepaper)", one line with its newline.
std::string version_line(std::string_view program);
// True when `arg` asks for the version (--version or -V).
bool is_version_flag(std::string_view arg);

} // namespace ocpp
