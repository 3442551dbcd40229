#include "ocpp/system/file_limit.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>

namespace ocpp {
namespace {

std::uint64_t value(rlim_t v) {
    return v == RLIM_INFINITY ? kUnlimitedFiles : static_cast<std::uint64_t>(v);
}

} // namespace

FileLimit raise_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return FileLimit{kUnlimitedFiles, kUnlimitedFiles, kUnlimitedFiles};
    }
    const std::uint64_t before = value(lim.rlim_cur);
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            lim = raised;
        }
    }
    return FileLimit{value(lim.rlim_cur), value(lim.rlim_max), before};
}

std::uint64_t current_file_limit() {
    rlimit lim{};
    return ::getrlimit(RLIMIT_NOFILE, &lim) == 0 ? value(lim.rlim_cur) : kUnlimitedFiles;
}

std::optional<std::size_t> open_file_count() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) {
        return std::nullopt;
    }
    std::size_t count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') {
            ++count;
        }
    }
    ::closedir(dir);
    return count > 0 ? count - 1 : 0; // less the directory's own descriptor
}

std::size_t connections_that_fit(std::uint64_t limit, std::size_t open_now, std::size_t headroom) {
    if (limit <= open_now) {
        return 0;
    }
    const std::uint64_t left = limit - open_now;
    const std::uint64_t kept = std::min<std::uint64_t>(headroom, left / 2);
    const std::uint64_t fit = left - kept;
    return fit > std::numeric_limits<std::size_t>::max() ? std::numeric_limits<std::size_t>::max()
                                                         : static_cast<std::size_t>(fit);
}

} // namespace ocpp
