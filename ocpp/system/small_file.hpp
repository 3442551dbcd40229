#pragma once
// Reading a small file given on the command line (a configuration, a password list, a certificate) as a value:
// a directory, a missing or unreadable file, or one too large is an error naming the path, never an exception.
// Pipes and devices are read as they are (/dev/stdin, a shell's <(...)).
#include <cstddef>
#include <optional>
#include <string>

#include "ocpp/util/result.hpp"

namespace ocpp {

// What keeps a file from being read, as a value; message names the path ("\"/etc\" is a directory, not a file").
struct FileProblem {
    enum class Kind { Missing, Directory, Unreadable, TooLarge };
    Kind kind = Kind::Unreadable;
    std::string message;
};

inline constexpr std::size_t kMaxSmallFile = 16 * 1024 * 1024;

// Why `path` cannot be read as a regular file now, or nullopt when it can.
std::optional<FileProblem> file_problem(const std::string& path);

// The whole file, or why not (the message names the path); at most max_bytes.
Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes = kMaxSmallFile);

} // namespace ocpp
