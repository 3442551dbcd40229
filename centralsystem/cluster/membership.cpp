#include "centralsystem/cluster/membership.hpp"

#include <algorithm>
#include <cstdio>
#include <future>
#include <map>
#include <random>
#include <thread>

#include "centralsystem/db/security/job_claims.hpp"

namespace cs::cluster {

bool lease_healthy(std::optional<std::int64_t> last_renewed_ms, bool last_failed, std::int64_t now_ms,
                   std::chrono::milliseconds lease) {
    return last_renewed_ms && !last_failed && now_ms - *last_renewed_ms < lease.count();
}

namespace {

std::int64_t wall_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One claim through the store worker (the loop does not run yet, so the answer is awaited here).
ocpp::Result<std::optional<db::LeaseHolder>> claim_once(const ClusterConfig& config, store::StoreWorker& worker,
                                                        ocpp::Executor& loop, std::int64_t now) {
    auto answer = std::make_shared<std::promise<ocpp::Result<std::optional<db::LeaseHolder>>>>();
    auto result = answer->get_future();
    const bool queued = worker.submit<bool>(
        [config, now, answer](store::Connection& db) -> ocpp::Result<bool> {
            // One job, so one transaction (the worker's): no other node sees this id live again before its
            // predecessor's parts are retired.
            auto claimed =
                db::claim_lease(db, config.node_id, config.address, config.instance, now, now + config.lease.count());
            if (claimed && !*claimed) {
                // Ours now: what a crashed predecessor under this id left stays reserved under a name of its own.
                if (auto retired = db::retire_limits(db, config.node_id, config.instance); !retired) {
                    claimed = retired.error();
                } else if (auto released = db::release_job_rows_of(db, config.node_id); !released) {
                    claimed = released.error(); // its security-job rows go back to the chargers' nodes
                }
            }
            const bool ok = claimed.ok();
            ocpp::Result<bool> done = ok ? ocpp::Result<bool>(true) : ocpp::Result<bool>(claimed.error());
            answer->set_value(std::move(claimed));
            return done; // a failure undoes the claim too
        },
        loop, [](ocpp::Result<bool>) {});
    if (!queued || result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
        return ocpp::make_error(ocpp::ErrorKind::Io, "the database did not answer within 30 s");
    }
    return result.get();
}

} // namespace

std::string new_instance_token() {
    std::random_device random;
    std::string token;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
        token += part;
    }
    return token;
}

ocpp::Result<void> claim_node_id(const ClusterConfig& config, store::StoreWorker& worker, ocpp::Executor& loop,
                                 const std::function<void(const std::string&)>& waiting) {
    for (int attempt = 0;; ++attempt) {
        const std::int64_t now = wall_ms_now();
        auto holder = claim_once(config, worker, loop, now);
        if (!holder) {
            return ocpp::make_error("--node-id " + config.node_id + ": " + holder.error().message);
        }
        if (!*holder) {
            return {};
        }
        const std::int64_t left_ms = std::max<std::int64_t>(0, (*holder)->lease_until_ms - now);
        // Within two leases: a crashed process's lease, also when its clock ran a little ahead of ours or it had a
        // longer --node-lease (or a live twin's, which it renews meanwhile): wait it out once.
        if (attempt == 0 && left_ms <= 2 * config.lease.count()) {
            if (waiting) {
                waiting("--node-id " + config.node_id + ": waiting " + std::to_string((left_ms + 999) / 1000) +
                        " s for the lease of the process at " + (*holder)->address + " to run out");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(left_ms + 250));
            continue;
        }
        return ocpp::make_error("--node-id " + config.node_id + " is in use by a live node at " + (*holder)->address +
                                " (its lease runs " + std::to_string((left_ms + 999) / 1000) +
                                " s more): give every node its own --node-id");
    }
}

Membership::Membership(ClusterConfig config, ocpp::Executor& loop, Database& db, ChargerLinks& links,
                       const ocpp::Logger& log)
    : config_(std::move(config))
    , loop_(loop)
    , db_(db)
    , links_(links)
    , log_(log) {}

Membership::~Membership() {
    *alive_ = false;
}

std::int64_t Membership::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(loop_.clock().wall_now().time_since_epoch()).count();
}

void Membership::start() {
    timer_ = loop_.make_timer();
    const std::string me = config_.node_id;
    const std::int64_t now = now_ms();
    // A node starting again under the same id: what it held before is gone.
    db_.run<bool>(
        [me, now](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = db::release_all(db, me, now); !r) {
                return r.error();
            }
            return true;
        },
        [this, alive = alive_](ocpp::Result<bool> r) {
            if (*alive && !r) {
                log_.error("cluster", "releasing this node's earlier chargers: " + r.error().message);
            }
        });
    links_.observers().connected.push_back([this, alive = alive_](const std::string& id) {
        if (!*alive) {
            return;
        }
        moved_.erase(id); // back here: its next close is its own
        const std::string node = config_.node_id;
        const std::int64_t at = now_ms();
        db_.run<std::int64_t>([id, node, at](store::Connection& db) { return db::take_ownership(db, id, node, at); },
                              [this, alive, id](ocpp::Result<std::int64_t> epoch) {
                                  if (!*alive) {
                                      return;
                                  }
                                  if (!epoch) {
                                      log_.error("cluster", "taking \"" + id + "\": " + epoch.error().message);
                                      return;
                                  }
                                  if (links_.peer(id)) {
                                      auto& mine = epochs_[id];
                                      mine = std::max(mine, *epoch);
                                  }
                                  remote_.erase(id);
                              });
    });
    links_.observers().gone.push_back([this, alive = alive_](const std::string& id) {
        if (!*alive) {
            return;
        }
        epochs_.erase(id);
        if (moved_.erase(id) != 0) {
            return; // another node holds it now: nothing to release here
        }
        const std::string node = config_.node_id;
        const std::int64_t at = now_ms();
        db_.run<bool>(
            [id, node, at](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::release_ownership(db, id, node, at); !r) {
                    return r.error();
                }
                return true;
            },
            [this, alive, id](ocpp::Result<bool> r) {
                if (*alive && !r) {
                    log_.error("cluster", "releasing \"" + id + "\": " + r.error().message);
                }
            });
    });
    log_.info("cluster", "node \"" + config_.node_id + "\" (API at " + config_.address + ", lease " +
                             std::to_string(config_.lease.count()) + " ms)");
    tick();
}

void Membership::stop() {
    stopped_ = true;
    if (timer_) {
        timer_->cancel();
    }
    const std::string node = config_.node_id, instance = config_.instance;
    const std::int64_t now = now_ms();
    db_.run<bool>(
        [node, instance, now](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = db::end_lease(db, node, instance, now); !r) {
                return r.error();
            }
            return true;
        },
        [](ocpp::Result<bool>) {});
}

void Membership::tick() {
    if (stopped_) {
        return;
    }
    timer_->start(config_.renew_every, [this] { tick(); });
    if (ticking_) {
        return; // the store is slow: one renewal in flight at a time
    }
    ticking_ = true;
    const std::string node = config_.node_id, address = config_.address, instance = config_.instance;
    const std::int64_t now = now_ms();
    const std::int64_t until = now + config_.lease.count();
    db_.run<Snapshot>(
        [node, address, instance, now, until](store::Connection& db) -> ocpp::Result<Snapshot> {
            if (auto r = db::renew_lease(db, node, address, instance, now, until); !r) {
                return r.error();
            }
            Snapshot snap;
            auto nodes = db::live_nodes(db, now);
            if (!nodes) {
                return nodes.error();
            }
            snap.nodes = std::move(*nodes);
            auto owners = db::live_owners(db, now);
            if (!owners) {
                return owners.error();
            }
            snap.owners = std::move(*owners);
            auto gone = db::gone_parts(db, now);
            if (!gone) {
                return gone.error();
            }
            snap.gone = std::move(*gone);
            auto parts = db::live_parts(db, now);
            if (!parts) {
                return parts.error();
            }
            snap.live_parts = std::move(*parts);
            return snap;
        },
        [this, alive = alive_, now](ocpp::Result<Snapshot> owners) {
            if (!*alive) {
                return;
            }
            ticking_ = false;
            last_failed_ = !owners;
            if (owners) {
                last_renewed_ms_ = now; // the lease written runs from `now`
            }
            if (!owners) {
                log_.error("cluster", "renewing the lease: " + owners.error().message);
                if (owners.error().kind == ocpp::ErrorKind::Invalid && !lease_lost_) {
                    // Another process holds this node's id now: serving on would write its chargers' ownership.
                    lease_lost_ = true;
                    if (config_.on_lease_lost) {
                        config_.on_lease_lost();
                    }
                }
                return;
            }
            apply(std::move(*owners));
        });
}

void Membership::apply(Snapshot snapshot) {
    const std::size_t live = std::max<std::size_t>(1, snapshot.nodes.size()); // this node renewed: it is live
    GoneParts gone;
    for (const auto& g : snapshot.gone) {
        gone[g.site_id] += g.part_a;
    }
    Parts others;
    for (const auto& p : snapshot.live_parts) {
        if (p.node != config_.node_id) {
            others[p.site_id] += p.part_a;
        }
    }
    if (live != live_nodes_ || gone != gone_ || others != others_) {
        live_nodes_ = live;
        gone_ = std::move(gone);
        others_ = std::move(others);
        if (view_changed_) {
            view_changed_(live_nodes_, gone_, others_);
        }
    }
    remote_.clear();
    for (auto& o : snapshot.owners) {
        if (o.node == config_.node_id) {
            continue;
        }
        if (links_.peer(o.chargebox_id)) {
            auto mine = epochs_.find(o.chargebox_id);
            if (mine == epochs_.end() || mine->second >= o.epoch) {
                continue; // our take is still on its way, or ours is the newer connection
            }
            // The charger connected to another node after it connected here: this connection is a leftover.
            log_.info("cluster", "\"" + o.chargebox_id + "\" is held by node \"" + o.node +
                                     "\" now: closing the older connection here");
            moved_.insert(o.chargebox_id);
            links_.peer(o.chargebox_id)->close(1000, "connected to another node");
            continue;
        }
        std::string id = o.chargebox_id;
        remote_.emplace(std::move(id), std::move(o));
    }
}

std::vector<std::pair<std::string, std::string>> Membership::nodes_elsewhere() const {
    std::map<std::string, std::string> nodes;
    for (const auto& [id, owner] : remote_) {
        nodes.emplace(owner.node, owner.address);
    }
    return {nodes.begin(), nodes.end()};
}

void Membership::find_owner(const std::string& id, std::function<void(ocpp::Result<std::optional<db::Owner>>)> done) {
    // Another live node held it at the last renewal: no round trip through the store worker, which may be busy
    // with a batch of sessions (a charger that moved within that second answers 409 from its old node).
    if (auto it = remote_.find(id); it != remote_.end()) {
        loop_.post([owner = it->second, done = std::move(done)] { done(std::optional<db::Owner>(owner)); });
        return;
    }
    const std::int64_t now = now_ms();
    db_.run<std::optional<db::Owner>>([id, now](store::Connection& db) { return db::live_owner(db, id, now); },
                                      std::move(done));
}

} // namespace cs::cluster
