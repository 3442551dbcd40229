// The local lists in a cluster (local_lists.hpp): edits made through another node reach this node's chargers, and
// its chargers moved to another group get that group's list, a page of them per look.
#include <algorithm>
#include <iterator>

#include "centralsystem/authlists/local_lists.hpp"
#include "centralsystem/db/authlists/cluster_lists.hpp"

namespace cs {

namespace {

struct ClusterLook {
    std::vector<std::pair<std::string, std::int64_t>> versions;
    std::vector<std::pair<std::string, std::string>> moved;
};

} // namespace

void LocalLists::start_cluster(std::string node, std::chrono::milliseconds every, std::int64_t moved_per_look) {
    node_ = std::move(node);
    look_every_ = every;
    moved_per_look_ = std::max<std::int64_t>(1, moved_per_look);
    look_timer_ = loop_.make_timer();
    cluster_look();
}

void LocalLists::stop_cluster() {
    stopped_ = true;
    if (look_timer_) {
        look_timer_->cancel();
    }
}

void LocalLists::cluster_look() {
    if (stopped_) {
        return;
    }
    look_timer_->start(look_every_, [this] { cluster_look(); });
    if (looking_) {
        return;
    }
    looking_ = true;
    db_.run<ClusterLook>(
        [node = node_, after = moved_after_,
         limit = moved_per_look_](store::Connection& db) -> ocpp::Result<ClusterLook> {
            ClusterLook look;
            auto versions = db::list_group_versions(db);
            if (!versions) {
                return versions.error();
            }
            look.versions = std::move(*versions);
            auto moved = db::moved_list_chargers(db, node, after, limit);
            if (!moved) {
                return moved.error();
            }
            look.moved = std::move(*moved);
            return look;
        },
        [this, alive = alive_](ocpp::Result<ClusterLook> look) {
            if (!*alive) {
                return;
            }
            looking_ = false;
            if (!look) {
                return log_.error("local lists", "reading the groups' versions failed: " + look.error().message);
            }
            // Groups whose version rose since the last look (by an edit here or on another node): their connected
            // chargers here sync once the changes have gathered. The first look only learns the versions.
            std::vector<std::string> rose;
            std::unordered_map<std::string, std::int64_t> versions;
            for (const auto& [group, version] : look->versions) {
                auto it = versions_.find(group);
                if (looked_ && (it == versions_.end() || it->second != version)) {
                    rose.push_back(group);
                }
                versions.emplace(group, version);
            }
            versions_ = std::move(versions);
            looked_ = true;
            if (!rose.empty()) {
                list_changed(rose);
            }
            try_moved(look->moved);
        });
}

void LocalLists::try_moved(const std::vector<std::pair<std::string, std::string>>& moved) {
    const auto now = loop_.clock().now();
    for (const auto& [id, group] : moved) {
        auto [it, fresh] = moved_tried_.try_emplace(id);
        MovedTry& t = it->second;
        t.pass = moved_pass_;
        if (!fresh && t.group == group && (now < t.next || syncing(id) || no_list_.count(id) != 0)) {
            // Tried for this group lately (its sync failed, or its result is not stored yet), or it runs, or its
            // answer was that it keeps no list (it is synced when it boots).
            continue;
        }
        // The first try for this group, or the next one after a failure, which doubles the wait.
        t.wait = fresh || t.group != group ? kMovedRetryFirst : std::min(t.wait * 2, kMovedRetryMost);
        t.group = group;
        t.next = now + t.wait;
        sync(id);
    }
    if (static_cast<std::int64_t>(moved.size()) < moved_per_look_) {
        // Past the last of them: the next look starts from the first again, and those no pass read (synced, or no
        // longer held here) are forgotten.
        moved_after_.clear();
        for (auto it = moved_tried_.begin(); it != moved_tried_.end();) {
            it = it->second.pass == moved_pass_ ? std::next(it) : moved_tried_.erase(it);
        }
        ++moved_pass_;
    } else {
        moved_after_ = moved.back().first;
    }
}

} // namespace cs
