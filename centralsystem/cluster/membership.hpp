#pragma once
// Membership: this node's part in a cluster of central-system nodes on one PostgreSQL database. It holds the node's
// lease (renewed every second on the store worker), records which node holds each charger's connection (a new
// connection takes ownership with a higher epoch) and keeps, on the loop, the set of chargers other live nodes hold,
// so that every node answers "is this charger online?" alike. A local connection whose charger another node took
// with a newer epoch is closed: the charger moved. Lives on the central system's loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "centralsystem/db/cluster.hpp"
#include "centralsystem/db/database.hpp"
#include "centralsystem/protocol/links.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/util/executor.hpp"

namespace cs::cluster {

// How this node takes part in the cluster (options --node-id, --node-address, --cluster-secret, --node-lease).
struct ClusterConfig {
    std::string node_id;                    // unique per node; default hostname:port
    std::string address;                    // "HOST:PORT" where the other nodes reach this node's API
    std::string secret;                     // authenticates requests forwarded between nodes; empty: no forwarding
    std::chrono::milliseconds lease{10000}; // how long the node counts as alive after its last renewal
    std::chrono::milliseconds renew_every{1000};
    std::string instance; // random per process: tells two processes under one id apart (set by claim_node_id's caller)
    // Called once (on the loop) when a renewal finds another process holding this node's id: the process must stop.
    std::function<void()> on_lease_lost;
};

// A node is healthy while its last lease renewal succeeded and is younger than the lease: otherwise the other nodes
// count it dead (or soon will), so the load balancer must send its chargers elsewhere.
bool lease_healthy(std::optional<std::int64_t> last_renewed_ms, bool last_failed, std::int64_t now_ms,
                   std::chrono::milliseconds lease);

// Takes this node's id for its lease before it serves anything (call once, before the loop runs; waits up to 30 s
// for the store). A lease another process still holds is waited out once, when it runs out within one lease (the
// same node restarted after a crash: `waiting` is told why); an error naming the id and the holder's address when a
// live process keeps it.
ocpp::Result<void> claim_node_id(const ClusterConfig& config, store::StoreWorker& worker, ocpp::Executor& loop,
                                 const std::function<void(const std::string&)>& waiting = {});
// A random instance token for ClusterConfig::instance (32 hex digits).
std::string new_instance_token();

class Membership {
public:
    Membership(ClusterConfig config, ocpp::Executor& loop, Database& db, ChargerLinks& links, const ocpp::Logger& log);
    ~Membership();
    Membership(const Membership&) = delete;
    Membership& operator=(const Membership&) = delete;

    // Starts the lease and listens to the chargers' connections (call on the loop, once).
    void start();
    // Ends the lease at once and marks this node's chargers offline (queued on the store worker; call on the loop).
    void stop();

    // True when another live node holds the charger's connection (as of the last renewal, at most a second old).
    bool online_elsewhere(const std::string& id) const { return remote_.count(id) != 0; }
    // True while this node closes a connection because the charger moved to another node (not an "offline").
    bool moved_away(const std::string& id) const { return moved_.count(id) != 0; }
    // The other live nodes that hold chargers, each with the address of its API (as of the last renewal).
    std::vector<std::pair<std::string, std::string>> nodes_elsewhere() const;
    // How many chargers other live nodes hold.
    std::size_t online_elsewhere_count() const { return remote_.size(); }
    // Which live node holds the charger: another node's as of the last renewal, else asked of the store; done runs
    // on the loop.
    void find_owner(const std::string& id, std::function<void(ocpp::Result<std::optional<db::Owner>>)> done);
    const ClusterConfig& config() const { return config_; }
    // This node's lease is in force and its last renewal succeeded (/healthz answers 503 otherwise).
    bool healthy() const { return lease_healthy(last_renewed_ms_, last_failed_, now_ms(), config_.lease); }
    // How many nodes were live at the last renewal, this one included (0 before the first).
    std::size_t live_nodes() const { return live_nodes_; }
    // What load management needs of the cluster: how many nodes are live, per site the parts of nodes that are
    // gone while a charger they held may still draw under their limits (db::gone_parts, summed per site), and per
    // site the parts the other live nodes recorded (db::live_parts without this node's, summed per site).
    using GoneParts = std::map<std::int64_t, double>;
    using Parts = std::map<std::int64_t, double>;
    // Runs on the loop whenever any of them changes (all from one renewal, together).
    using ViewChanged = std::function<void(std::size_t live, const GoneParts& gone, const Parts& others)>;
    void on_view(ViewChanged changed) { view_changed_ = std::move(changed); }
    // Unix milliseconds now (the wall clock the leases are measured in).
    std::int64_t now_ms() const;

private:
    void tick();
    struct Snapshot {
        std::vector<db::NodeRow> nodes;
        std::vector<db::Owner> owners;
        std::vector<db::GonePart> gone;
        std::vector<db::SitePart> live_parts;
    };
    void apply(Snapshot snapshot);

    ClusterConfig config_;
    ocpp::Executor& loop_;
    Database& db_;
    ChargerLinks& links_;
    const ocpp::Logger& log_;
    std::unique_ptr<ocpp::Timer> timer_;
    bool ticking_ = false; // a renewal is on the store worker
    bool stopped_ = false;
    bool lease_lost_ = false; // another process took this id's lease; on_lease_lost was called
    std::size_t live_nodes_ = 0;
    std::optional<std::int64_t> last_renewed_ms_; // when the last successful renewal started
    bool last_failed_ = false;
    GoneParts gone_;
    Parts others_; // the other live nodes' recorded parts, per site
    ViewChanged view_changed_;
    std::unordered_map<std::string, db::Owner> remote_;    // chargers other live nodes hold
    std::unordered_map<std::string, std::int64_t> epochs_; // this node's connections and the epoch each took
    std::unordered_set<std::string> moved_;                // connections closed here because the charger moved
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace cs::cluster
