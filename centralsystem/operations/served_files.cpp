// The in-memory copies of served firmware files (served_files.hpp).
#include "centralsystem/operations/served_files.hpp"

namespace cs::operations {

std::shared_ptr<const std::string> ServedFiles::find(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = files_.begin(); it != files_.end(); ++it) {
        if (it->first == name) {
            files_.splice(files_.begin(), files_, it);
            return files_.front().second;
        }
    }
    return nullptr;
}

void ServedFiles::keep(const std::string& name, std::shared_ptr<const std::string> content) {
    if (!content || content->size() > kMaxBytes) {
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    files_.remove_if([&](const auto& f) { return f.first == name; });
    files_.emplace_front(name, std::move(content));
    std::uint64_t bytes = 0;
    std::size_t count = 0;
    for (auto it = files_.begin(); it != files_.end();) {
        bytes += it->second->size();
        ++count;
        if (count > kMaxFiles || bytes > kMaxBytes) {
            it = files_.erase(it);
        } else {
            ++it;
        }
    }
}

ServedFiles::Wait ServedFiles::wait(const std::string& name, Waiter done) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, first] = reading_.try_emplace(name);
    if (first) {
        it->second.push_back(std::move(done));
        return Wait::Read;
    }
    if (it->second.size() >= kMaxWaiters) {
        return Wait::Full;
    }
    it->second.push_back(std::move(done));
    return Wait::Joined;
}

void ServedFiles::loaded(const std::string& name, Content content) {
    if (content) {
        keep(name, *content);
    }
    std::vector<Waiter> waiters;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto it = reading_.find(name); it != reading_.end()) {
            waiters = std::move(it->second);
            reading_.erase(it);
        }
    }
    for (auto& w : waiters) {
        w(content);
    }
}

} // namespace cs::operations
