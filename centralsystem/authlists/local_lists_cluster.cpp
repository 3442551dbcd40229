// The local lists in a cluster (local_lists.hpp): edits made through another node reach this node's chargers.
#include "centralsystem/authlists/local_lists.hpp"
#include "centralsystem/db/authlists/cluster_lists.hpp"

namespace cs {

namespace {

struct ClusterLook {
    std::vector<std::pair<std::string, std::int64_t>> versions;
    std::vector<std::pair<std::string, std::string>> moved;
};

constexpr std::int64_t kMovedPerLook = 200; // chargers synced for a new group per look

} // namespace

void LocalLists::start_cluster(std::string node, std::chrono::milliseconds every) {
    node_ = std::move(node);
    look_every_ = every;
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
        [node = node_](store::Connection& db) -> ocpp::Result<ClusterLook> {
            ClusterLook look;
            auto versions = db::list_group_versions(db);
            if (!versions) {
                return versions.error();
            }
            look.versions = std::move(*versions);
            auto moved = db::moved_list_chargers(db, node, kMovedPerLook);
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
            // Chargers moved to another group: synced once for it (a sync that fails is not retried every look).
            std::unordered_map<std::string, std::string> synced;
            for (const auto& [id, group] : look->moved) {
                auto it = moved_synced_.find(id);
                if (it == moved_synced_.end() || it->second != group) {
                    sync(id);
                }
                synced.emplace(id, group);
            }
            moved_synced_ = std::move(synced);
        });
}

} // namespace cs
