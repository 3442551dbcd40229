#pragma once
// The process' limit on open files (RLIMIT_NOFILE): every program raises its soft limit to the hard one at start, and
// a server keeps its connections under what is left of it.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

namespace ocpp {

inline constexpr std::uint64_t kUnlimitedFiles = std::numeric_limits<std::uint64_t>::max();

struct FileLimit {
    std::uint64_t soft = 0;        // after raising (kUnlimitedFiles when unlimited)
    std::uint64_t hard = 0;        // the ceiling only root may lift
    std::uint64_t soft_before = 0; // as the process was started
};

// Raises the soft limit to the hard one (a lowered soft limit is a default of the shell, not a decision); the
// limits afterwards. Where it cannot be read, every field is kUnlimitedFiles.
FileLimit raise_file_limit();
// The soft limit now.
std::uint64_t current_file_limit();
// Descriptors the process holds now (entries of /proc/self/fd); nullopt where that cannot be read.
std::optional<std::size_t> open_file_count();
// How many connections fit under `limit` when `open_now` descriptors are in use and up to `headroom` stay free for
// everything else (database, logs, plain HTTP requests): the headroom shrinks to half of what is left on a small
// limit, so that some connections always fit while any descriptor is free.
std::size_t connections_that_fit(std::uint64_t limit, std::size_t open_now, std::size_t headroom);

} // namespace ocpp
