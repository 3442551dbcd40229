#pragma once
// TemplateGuard: on the loop, the charging-profile templates with applies on their way and those being deleted.
// An apply records what the chargers accepted only once all have answered, so a delete meanwhile would leave them
// holding a profile no record names and nobody can clear: the two exclude each other.
#include <cstdint>
#include <map>
#include <set>

namespace cs::sites {

class TemplateGuard {
public:
    // An apply of template `id` starts sending; false when the template is being deleted.
    bool begin_apply(std::int64_t id) {
        if (deleting_.count(id) != 0) {
            return false;
        }
        ++applying_[id];
        return true;
    }
    // That apply has recorded its outcomes.
    void end_apply(std::int64_t id) {
        auto it = applying_.find(id);
        if (it != applying_.end() && --it->second == 0) {
            applying_.erase(it);
        }
    }
    // A delete of template `id` starts; false while an apply of it is on its way.
    bool begin_delete(std::int64_t id) {
        if (applying_.count(id) != 0) {
            return false;
        }
        deleting_.insert(id);
        return true;
    }
    void end_delete(std::int64_t id) { deleting_.erase(id); }

private:
    std::map<std::int64_t, int> applying_;
    std::set<std::int64_t> deleting_;
};

} // namespace cs::sites
