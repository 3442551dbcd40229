#pragma once
// The cluster's shared state in the store: the nodes with their lease (how long each counts as alive) and the
// address other nodes reach its API at, and which node holds each charger's connection (its owner, the connection's
// epoch, when it was last seen), and the part of each site's limit each node's chargers may draw. Kept in a migration
// track of its own ("centralsystem-cluster"). Times are Unix milliseconds of the nodes' wall clocks, so the nodes'
// clocks must agree (NTP) to well under a lease.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

Result<void> migrate_cluster(Connection& db);

// Renews (or starts) a node's lease until `lease_until_ms` and records the address its API is reached at; only while
// the lease is this process's (`instance`): an error of kind Invalid when another process under the same id took it.
Result<void> renew_lease(Connection& db, const std::string& node, const std::string& address,
                         const std::string& instance, std::int64_t now_ms, std::int64_t lease_until_ms);
// The lease's holder when a live process holds the id.
struct LeaseHolder {
    std::string address;
    std::int64_t lease_until_ms = 0;
};
// A process starting: takes the id's lease for `instance` (random per process) when no live process holds it (none
// ever did, it stopped cleanly, or its lease lapsed); else nothing changes and the holder comes back. Two processes
// under one id would share their chargers' ownership rows, so a live lease is never taken over, not even at the same
// address: a node restarted after a crash waits for its old lease to lapse.
Result<std::optional<LeaseHolder>> claim_lease(Connection& db, const std::string& node, const std::string& address,
                                               const std::string& instance, std::int64_t now_ms,
                                               std::int64_t lease_until_ms);
// A node stopping cleanly: its lease ends now, the chargers it held are no longer connected and what it recorded
// passes to a name of its own (`node (stopped instance)`); nothing when the lease is no longer this process's
// (`instance`): another process holds the id and its chargers now.
Result<void> end_lease(Connection& db, const std::string& node, const std::string& instance, std::int64_t now_ms);

// Takes a charger's connection for `node` and returns the connection's epoch (one above the previous owner's). The
// charger stays under the limits of the node that steered it before (`limited_by`) until mark_limited.
Result<std::int64_t> take_ownership(Connection& db, const std::string& id, const std::string& node,
                                    std::int64_t now_ms);
// The charger's connection on `node` closed: it is no longer connected (unless another node holds it by now).
Result<void> release_ownership(Connection& db, const std::string& id, const std::string& node, std::int64_t now_ms);
// Marks every charger `node` held as no longer connected (a node starting again under the same id).
Result<void> release_all(Connection& db, const std::string& node, std::int64_t now_ms);

// A charger held by a live node (its lease not expired at the time asked).
struct Owner {
    std::string chargebox_id;
    std::string node;
    std::string address; // the node's API, "HOST:PORT"
    std::int64_t epoch = 0;
};
// Every charger connected to a live node.
Result<std::vector<Owner>> live_owners(Connection& db, std::int64_t now_ms);
// The live node holding one charger, or nullopt.
Result<std::optional<Owner>> live_owner(Connection& db, const std::string& id, std::int64_t now_ms);

// Load management in a cluster: the most the chargers a node steers on a site may draw under the limits it gave
// them (its part of the site's limit, recorded before it raises to it and lowered only once its chargers hold less).
Result<void> record_site_part(Connection& db, const std::string& node, std::int64_t site, double part_a);
// A process that holds `node`'s lease (`instance`), as it starts or as it stops cleanly: what is recorded under the id
// (by its predecessor, or by itself: the parts, the chargers under those limits) passes to a name of its own
// (`node (before instance)`), which no lease names, so that the other nodes keep those parts reserved until the
// chargers are taken over (by a new process under the id too) or their sessions end; then drop_spent_parts deletes
// them.
Result<void> retire_limits(Connection& db, const std::string& node, const std::string& instance);
// The node that holds the charger had its own limits accepted for every running session of the charger taken over
// (or found none): the charger is no longer under the limits of the node that held it before.
Result<void> mark_limited(Connection& db, const std::string& id, const std::string& node);
// A node's recorded part of a site.
struct SitePart {
    std::int64_t site_id = 0;
    std::string node;
    double part_a = 0;
};
// A part of a node that is no longer live while a charger of the site it steered may still draw under its limits:
// the charger's ownership row still names the node as the one it is limited by (no live node took its sessions
// over yet) and a transaction of it is open. Read at every lease renewal, which deletes the spent ones first
// (drop_spent_parts).
using GonePart = SitePart;
Result<std::vector<GonePart>> gone_parts(Connection& db, std::int64_t now_ms);
// Deletes the parts of retired names (no lease row names them: no process can renew them) that no charger is under
// any more: none of the site's chargers whose ownership row names them as its limits has an open transaction. So a
// node restarted every day leaves no row per site and restart behind, only those its predecessors' chargers still
// charge under. A dead node's part under its own id stays (its process may only have paused and renew its lease
// again) until a process takes the id and retires it. On PostgreSQL one node at a time deletes (the others skip
// it); the answer is how many rows went.
Result<std::int64_t> drop_spent_parts(Connection& db);
// The parts the live nodes recorded (their leases running past `now_ms`), this node's own included: a node raises
// only within what the others' parts leave of a site's limit, so one that joins waits for the others to come down.
Result<std::vector<SitePart>> live_parts(Connection& db, std::int64_t now_ms);

// A node as the cluster sees it.
struct NodeRow {
    std::string node;
    std::string address;
    std::int64_t lease_until_ms = 0;
    std::int64_t chargers = 0; // connected to it now
};
// The nodes with a lease recorded, live or not, the latest lease first (so the live ones before the others), at most
// `limit`; each with the chargers recorded as connected to it.
Result<std::vector<NodeRow>> list_nodes(Connection& db, std::int64_t limit);
// The nodes whose lease runs past `now_ms` (chargers not counted), by id.
Result<std::vector<NodeRow>> live_nodes(Connection& db, std::int64_t now_ms);

} // namespace cs::db
