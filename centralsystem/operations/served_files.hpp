#pragma once
// ServedFiles: the firmware files roll-out jobs serve, kept in memory once read (a roll-out has hundreds of chargers
// download the same file at once; reading it from disk each time would queue them behind one worker). Bounded: at
// most kMaxFiles files and kMaxBytes in all, the least recently used go first. Safe from any thread.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace cs::operations {

class ServedFiles {
public:
    // The file's content when it is held, else nullptr.
    std::shared_ptr<const std::string> find(const std::string& name);
    // Holds `content` under `name` (making room first).
    void keep(const std::string& name, std::shared_ptr<const std::string> content);

    static constexpr std::size_t kMaxFiles = 4;
    static constexpr std::uint64_t kMaxBytes = 64ull * 1024 * 1024;

private:
    std::mutex mutex_;
    std::list<std::pair<std::string, std::shared_ptr<const std::string>>> files_; // most recently used first
};

} // namespace cs::operations
