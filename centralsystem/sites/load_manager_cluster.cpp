// Load management in a cluster (load_manager.hpp): this node's part of each site's limit, recorded in the store
// before this node raises to it, and the sessions of chargers that come over from another node.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "centralsystem/sites/load_manager.hpp"

namespace cs::sites {

namespace {
// A recorded part within this of the one wanted is not written again.
constexpr double kRecordStep = 0.05;
} // namespace

void LoadManager::set_cluster(std::size_t live_nodes, std::map<std::int64_t, double> gone_a,
                              std::map<std::int64_t, double> others_a) {
    if (live_nodes_ == live_nodes && gone_a_ == gone_a && others_a_ == others_a) {
        return;
    }
    if (live_nodes_ != live_nodes) {
        log_.info("sites", "sharing 1/" + std::to_string(live_nodes) + " of each site's limit on this node (" +
                               std::to_string(live_nodes) + " live nodes)");
    }
    if (gone_a_ != gone_a) {
        double total = 0;
        for (const auto& [site, a] : gone_a) {
            total += a;
        }
        char amps[32];
        std::snprintf(amps, sizeof amps, "%.1f", total);
        log_.info("sites", gone_a.empty() ? std::string("nothing is kept reserved for nodes that are gone any more")
                                          : std::string("keeping ") + amps + " A of " + std::to_string(gone_a.size()) +
                                                " sites reserved for the chargers of nodes that are gone");
    }
    // The others' recorded parts alone change no share, only how far a waiting raise may go now.
    const bool shares_change = live_nodes_ != live_nodes || gone_a_ != gone_a;
    live_nodes_ = live_nodes;
    gone_a_ = std::move(gone_a);
    others_a_ = std::move(others_a);
    for (auto& [id, site] : sites_) {
        rebalance(id, shares_change);
    }
}

double LoadManager::part_of(std::int64_t site_id, double site_limit) const {
    if (!live_nodes_) {
        return site_limit;
    }
    const auto gone = gone_a_.find(site_id);
    return node_budget(site_limit, *live_nodes_, gone == gone_a_.end() ? 0.0 : gone->second);
}

double LoadManager::raise_cap(const Site& site, double part, double site_limit) const {
    if (!live_nodes_ || !record_part_) {
        return part;
    }
    // Being recorded lower: raise no further than that already; being recorded higher: only once it is stored.
    double cap = site.recorded_a.value_or(0);
    if (site.recording_a) {
        cap = std::min(cap, *site.recording_a);
    }
    // The other nodes' chargers may draw what those nodes recorded (live or gone): a node that joins, or hears of
    // one later than the others, raises only into the room they leave once their lowerings were accepted.
    const auto sum_of = [&site](const std::map<std::int64_t, double>& parts) {
        const auto it = parts.find(site.row.id);
        return it == parts.end() ? 0.0 : it->second;
    };
    const double room = std::max(0.0, site_limit - sum_of(gone_a_) - sum_of(others_a_));
    return std::min({part, cap, room});
}

void LoadManager::record(Site& site, double part, double held) {
    if (!live_nodes_ || !record_part_ || site.recording_a) {
        return; // the answer to the write in flight re-balances
    }
    // What this node's chargers may draw: its part, or more while lowerings are on their way.
    const double wanted = std::ceil(std::max(part, held) * 10.0 - 1e-9) / 10.0;
    if (site.recorded_a && std::abs(*site.recorded_a - wanted) < kRecordStep) {
        return;
    }
    site.recording_a = wanted;
    std::weak_ptr<bool> alive = alive_;
    const std::int64_t site_id = site.row.id;
    record_part_(site_id, wanted, [this, alive, site_id, wanted](bool ok) {
        if (alive.expired()) {
            return;
        }
        auto it = sites_.find(site_id);
        if (it == sites_.end()) {
            return;
        }
        it->second.recording_a.reset();
        if (ok) {
            it->second.recorded_a = wanted;
        } else {
            log_.error("sites", "recording this node's part of site " + std::to_string(site_id) +
                                    " failed: raises wait for the next try");
        }
        // A failed write is tried again with the next pass (at the latest the site's timer, within a minute).
        if (ok) {
            post_rebalance(site_id);
        }
    });
}

void LoadManager::adopt_sessions(const std::string& id) {
    auto& state = chargers_[id];
    if (state.adopting) {
        return; // its connection and its boot come together: one read
    }
    state.adopting = true;
    std::weak_ptr<bool> alive = alive_;
    db_.run<std::vector<db::OpenSession>>(
        [id](store::Connection& db) { return db::open_sessions(db, id, kMaxSessionsPerCharger); },
        [this, alive, id](ocpp::Result<std::vector<db::OpenSession>> r) {
            if (alive.expired()) {
                return;
            }
            chargers_[id].adopting = false;
            if (!r) {
                log_.error("sites", "reading the open sessions of \"" + id + "\" failed: " + r.error().message);
                return;
            }
            Site* site = site_of(id);
            if (site == nullptr || !links_.peer(id)) {
                return;
            }
            for (const auto& o : *r) {
                const auto max_a = connector_max(*site, id, o.connector);
                if (!max_a) {
                    continue;
                }
                // A session left on the connector here is over: the charger runs one per connector.
                for (auto it = site->sessions.begin(); it != site->sessions.end();) {
                    const bool over =
                        it->second.charger == id && it->second.connector == o.connector && it->first < o.transaction;
                    it = over ? site->sessions.erase(it) : std::next(it);
                }
                auto known = site->sessions.find(o.transaction);
                if (known == site->sessions.end()) {
                    if (site->sessions.size() >= kMaxChargersPerSite * 2) {
                        continue;
                    }
                    known = site->sessions.emplace(o.transaction, Session{}).first;
                    known->second.charger = id;
                    known->second.connector = o.connector;
                    known->second.transaction = o.transaction;
                    known->second.max_a = *max_a;
                }
                // Another node may have steered it meanwhile: its last limit is unknown here, so it counts as its
                // connector's maximum (a TxProfile in force) until it accepts the share this node gives it.
                Session& s = known->second;
                s.confirmed_a = std::max(s.confirmed_a, *max_a);
                s.has_profile = true;
                s.adopted = true;
            }
            mark_if_taken(*site, id);
            rebalance(site->row.id, true);
        });
}

void LoadManager::mark_if_taken(const Site& site, const std::string& id) {
    if (!live_nodes_ || !mark_taken_) {
        return;
    }
    for (const auto& [tx, s] : site.sessions) {
        if (s.charger == id && s.adopted) {
            return;
        }
    }
    mark_taken_(id);
}

} // namespace cs::sites
