#pragma once
// ServedFiles: the firmware files roll-out jobs serve, kept in memory once read (a roll-out has hundreds of chargers
// download the same file at once; reading it from disk each time would queue them behind one worker). A file not held
// yet is read once however many ask meanwhile: the first asker reads it, the others wait for that read (a read each
// overflowed the background pool's queue, and the downloads it refused failed). Bounded: at most kMaxFiles files and
// kMaxBytes in all, the least recently used go first, and kMaxWaiters waiting per file. Safe from any thread.
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/util/result.hpp"

namespace cs::operations {

class ServedFiles {
public:
    // The file's content when it is held, else nullptr.
    std::shared_ptr<const std::string> find(const std::string& name);
    // Holds `content` under `name` (making room first).
    void keep(const std::string& name, std::shared_ptr<const std::string> content);

    using Content = ocpp::Result<std::shared_ptr<const std::string>>;
    using Waiter = std::function<void(Content)>;
    enum class Wait {
        Read,   // no read of the file is under way: the caller reads it and hands the result to loaded()
        Joined, // a read is under way: `done` hears its result
        Full,   // kMaxWaiters wait already: `done` was not kept
    };
    // Registers `done` for the content of a file not held.
    Wait wait(const std::string& name, Waiter done);
    // The read of `name` ended: holds the content when it was read, and tells every waiter (outside the lock).
    void loaded(const std::string& name, Content content);

    static constexpr std::size_t kMaxFiles = 4;
    static constexpr std::uint64_t kMaxBytes = 64ull * 1024 * 1024;
    static constexpr std::size_t kMaxWaiters = 10000;

private:
    std::map<std::string, std::vector<Waiter>> reading_; // files being read -> who waits for them
    std::mutex mutex_;
    std::list<std::pair<std::string, std::shared_ptr<const std::string>>> files_; // most recently used first
};

} // namespace cs::operations
