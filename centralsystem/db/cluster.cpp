// The cluster's nodes and charger ownership in the store (cluster.hpp).
#include "centralsystem/db/cluster.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kLiveOwners =
    "SELECT o.chargebox_id, o.node_id, n.address, o.epoch FROM cluster_owners o "
    "JOIN cluster_nodes n ON n.node_id = o.node_id WHERE o.connected = 1 AND n.lease_until > ?1";

Owner read_owner(const store::Statement& q) {
    Owner o;
    o.chargebox_id = q.text(0);
    o.node = q.text(1);
    o.address = q.text(2);
    o.epoch = q.int64(3);
    return o;
}

// What `node` recorded (its parts, the chargers under its limits) passes to `retired_as`, a name no lease holds.
Result<void> rename_limits(Connection& db, const std::string& node, const std::string& retired_as) {
    if (auto r = db.run("UPDATE cluster_site_parts SET node_id = ?2 WHERE node_id = ?1", node, retired_as); !r) {
        return r;
    }
    return db.run("UPDATE cluster_owners SET limited_by = ?2 WHERE limited_by = ?1", node, retired_as);
}

SitePart read_part(const store::Statement& q) {
    SitePart p;
    p.site_id = q.int64(0);
    p.node = q.text(1);
    p.part_a = q.real(2);
    return p;
}

} // namespace

Result<void> migrate_cluster(Connection& db) {
    // The owner row stays when the charger disconnects (connected = 0), so the next connection's epoch is higher.
    return db.migrate("centralsystem-cluster", {store::portable_migration(1, R"sql(
        CREATE TABLE cluster_nodes (
            node_id TEXT PRIMARY KEY,
            address TEXT NOT NULL DEFAULT '',
            started {int64} NOT NULL,
            lease_until {int64} NOT NULL);
        CREATE TABLE cluster_owners (
            chargebox_id TEXT PRIMARY KEY,
            node_id TEXT NOT NULL,
            epoch {int64} NOT NULL,
            connected INTEGER NOT NULL DEFAULT 1,
            last_seen {int64} NOT NULL);
        CREATE INDEX cluster_owners_by_node ON cluster_owners(node_id);
    )sql"),
                                                // Which process holds a node's lease (random per start).
                                                store::portable_migration(2, R"sql(
        ALTER TABLE cluster_nodes ADD COLUMN instance TEXT NOT NULL DEFAULT '';
    )sql"),
                                                // The most each node's chargers on a site may draw under its limits,
                                                // and whose limits each charger is under (its owner once it took
                                                // the charger's sessions over).
                                                store::portable_migration(3, R"sql(
        CREATE TABLE cluster_site_parts (
            node_id TEXT NOT NULL,
            site_id {int64} NOT NULL,
            part_a {real} NOT NULL,
            PRIMARY KEY (node_id, site_id));
        ALTER TABLE cluster_owners ADD COLUMN limited_by TEXT NOT NULL DEFAULT '';
        UPDATE cluster_owners SET limited_by = node_id;
        CREATE INDEX cluster_owners_by_limits ON cluster_owners(limited_by);
    )sql")});
}

Result<void> renew_lease(Connection& db, const std::string& node, const std::string& address,
                         const std::string& instance, std::int64_t now_ms, std::int64_t lease_until_ms) {
    auto renewed = db.first(
        [](const store::Statement& q) { return q.text(0); },
        "INSERT INTO cluster_nodes(node_id, address, started, lease_until, instance) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(node_id) DO UPDATE SET address = excluded.address, lease_until = excluded.lease_until "
        "WHERE cluster_nodes.instance = excluded.instance RETURNING node_id",
        node, address, now_ms, lease_until_ms, instance);
    if (!renewed) {
        return renewed.error();
    }
    if (!*renewed) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                "another process took the lease of --node-id " + node + ": this one no longer serves");
    }
    return {};
}

Result<std::optional<LeaseHolder>> claim_lease(Connection& db, const std::string& node, const std::string& address,
                                               const std::string& instance, std::int64_t now_ms,
                                               std::int64_t lease_until_ms) {
    // One statement: of two processes starting at once under one id, the second finds the first's row (locked until
    // its transaction ends) and takes it only when that lease has lapsed.
    auto claimed = db.first(
        [](const store::Statement& q) { return q.text(0); },
        "INSERT INTO cluster_nodes(node_id, address, started, lease_until, instance) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(node_id) DO UPDATE SET address = excluded.address, started = excluded.started, "
        "lease_until = excluded.lease_until, instance = excluded.instance "
        "WHERE cluster_nodes.lease_until <= ?3 OR cluster_nodes.instance = excluded.instance "
        "RETURNING node_id",
        node, address, now_ms, lease_until_ms, instance);
    if (!claimed) {
        return claimed.error();
    }
    if (*claimed) {
        return std::optional<LeaseHolder>();
    }
    auto holder = db.first(
        [](const store::Statement& q) {
            LeaseHolder h;
            h.address = q.text(0);
            h.lease_until_ms = q.int64(1);
            return h;
        },
        "SELECT address, lease_until FROM cluster_nodes WHERE node_id = ?1", node);
    if (!holder) {
        return holder.error();
    }
    return *holder;
}

Result<void> end_lease(Connection& db, const std::string& node, const std::string& instance, std::int64_t now_ms) {
    auto ended = db.first([](const store::Statement& q) { return q.text(0); },
                          "UPDATE cluster_nodes SET lease_until = ?2 WHERE node_id = ?1 AND instance = ?3 "
                          "RETURNING node_id",
                          node, now_ms, instance);
    if (!ended) {
        return ended.error();
    }
    if (!*ended) {
        return {}; // another process holds the id: its chargers are not ours to release
    }
    if (auto r = release_all(db, node, now_ms); !r) {
        return r;
    }
    // This process never renews again: what it recorded stays reserved under a name of its own while its chargers
    // may draw under its limits, and goes once they no longer do (drop_spent_parts). Not retire_limits' name: this
    // process took that one for what its crashed predecessor left, which may still be there for the same site.
    return rename_limits(db, node, node + " (stopped " + instance + ")");
}

Result<std::int64_t> take_ownership(Connection& db, const std::string& id, const std::string& node,
                                    std::int64_t now_ms) {
    auto epoch =
        db.first([](const store::Statement& q) { return q.int64(0); },
                 "INSERT INTO cluster_owners(chargebox_id, node_id, epoch, connected, last_seen, limited_by) "
                 "VALUES(?1, ?2, 1, 1, ?3, ?2) ON CONFLICT(chargebox_id) DO UPDATE SET node_id = excluded.node_id, "
                 "epoch = cluster_owners.epoch + 1, connected = 1, last_seen = excluded.last_seen "
                 "RETURNING epoch",
                 id, node, now_ms);
    if (!epoch) {
        return epoch.error();
    }
    return epoch->value_or(0);
}

Result<void> release_ownership(Connection& db, const std::string& id, const std::string& node, std::int64_t now_ms) {
    return db.run("UPDATE cluster_owners SET connected = 0, last_seen = ?3 WHERE chargebox_id = ?1 AND node_id = ?2",
                  id, node, now_ms);
}

Result<void> release_all(Connection& db, const std::string& node, std::int64_t now_ms) {
    return db.run("UPDATE cluster_owners SET connected = 0, last_seen = ?2 WHERE node_id = ?1 AND connected = 1", node,
                  now_ms);
}

Result<std::vector<Owner>> live_owners(Connection& db, std::int64_t now_ms) {
    return db.all(read_owner, kLiveOwners, now_ms);
}

Result<std::optional<Owner>> live_owner(Connection& db, const std::string& id, std::int64_t now_ms) {
    return db.first(read_owner, std::string(kLiveOwners) + " AND o.chargebox_id = ?2", now_ms, id);
}

Result<void> record_site_part(Connection& db, const std::string& node, std::int64_t site, double part_a) {
    return db.run("INSERT INTO cluster_site_parts(node_id, site_id, part_a) VALUES(?1, ?2, ?3) "
                  "ON CONFLICT(node_id, site_id) DO UPDATE SET part_a = excluded.part_a",
                  node, site, part_a);
}

Result<void> retire_limits(Connection& db, const std::string& node, const std::string& instance) {
    return rename_limits(db, node, node + " (before " + instance + ")");
}

Result<void> mark_limited(Connection& db, const std::string& id, const std::string& node) {
    return db.run("UPDATE cluster_owners SET limited_by = ?2 WHERE chargebox_id = ?1 AND node_id = ?2", id, node);
}

Result<std::int64_t> drop_spent_parts(Connection& db) {
    if (db.dialect() == store::Dialect::Postgresql) {
        // One node at a time: the others, renewing in the same second, skip it rather than wait for (or deadlock
        // with) its deletions; whoever comes next does what is left.
        auto mine = db.first([](const store::Statement& q) { return q.int64(0) != 0; },
                             "SELECT CASE WHEN pg_try_advisory_xact_lock(7081968) THEN 1 ELSE 0 END");
        if (!mine) {
            return mine.error();
        }
        if (!mine->value_or(false)) {
            return std::int64_t{0};
        }
    }
    // A name no lease row holds is a retired one (retire_limits): no process renews it again. Its part of a site is
    // spent once none of the site's chargers under its limits has an open transaction: a session that starts later
    // never had a limit of that process.
    return db.execute("DELETE FROM cluster_site_parts WHERE NOT EXISTS (SELECT 1 FROM cluster_nodes n "
                      "WHERE n.node_id = cluster_site_parts.node_id) "
                      "AND NOT EXISTS (SELECT 1 FROM cluster_owners o JOIN site_chargers c "
                      "ON c.chargebox_id = o.chargebox_id JOIN transactions t ON t.chargebox_id = o.chargebox_id "
                      "AND t.stop_ts IS NULL WHERE o.limited_by = cluster_site_parts.node_id "
                      "AND c.site_id = cluster_site_parts.site_id)");
}

Result<std::vector<GonePart>> gone_parts(Connection& db, std::int64_t now_ms) {
    if (auto dropped = drop_spent_parts(db); !dropped) {
        return dropped.error();
    }
    // A node is gone when no live lease names it; a charger it steered is still under its limits while its ownership
    // row says so (no live node has had its own limits accepted by the charger yet) and a transaction of it is open.
    return db.all(read_part,
                  "SELECT p.site_id, p.node_id, p.part_a FROM cluster_site_parts p "
                  "WHERE NOT EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.node_id = p.node_id AND n.lease_until > ?1) "
                  "AND EXISTS (SELECT 1 FROM cluster_owners o JOIN site_chargers c ON c.chargebox_id = o.chargebox_id "
                  "JOIN transactions t ON t.chargebox_id = o.chargebox_id AND t.stop_ts IS NULL "
                  "WHERE o.limited_by = p.node_id AND c.site_id = p.site_id) "
                  "ORDER BY p.site_id, p.node_id",
                  now_ms);
}

Result<std::vector<SitePart>> live_parts(Connection& db, std::int64_t now_ms) {
    return db.all(read_part,
                  "SELECT p.site_id, p.node_id, p.part_a FROM cluster_site_parts p JOIN cluster_nodes n "
                  "ON n.node_id = p.node_id AND n.lease_until > ?1 ORDER BY p.site_id, p.node_id",
                  now_ms);
}

Result<std::vector<NodeRow>> list_nodes(Connection& db, std::int64_t limit) {
    return db.all(
        [](const store::Statement& q) {
            NodeRow n;
            n.node = q.text(0);
            n.address = q.text(1);
            n.lease_until_ms = q.int64(2);
            n.chargers = q.int64(3);
            return n;
        },
        "SELECT n.node_id, n.address, n.lease_until, (SELECT count(*) FROM cluster_owners o WHERE o.node_id = "
        "n.node_id AND o.connected = 1) FROM cluster_nodes n ORDER BY n.lease_until DESC, n.node_id LIMIT ?1",
        limit);
}

Result<std::vector<NodeRow>> live_nodes(Connection& db, std::int64_t now_ms) {
    return db.all(
        [](const store::Statement& q) {
            NodeRow n;
            n.node = q.text(0);
            n.address = q.text(1);
            n.lease_until_ms = q.int64(2);
            return n;
        },
        "SELECT node_id, address, lease_until FROM cluster_nodes WHERE lease_until > ?1 ORDER BY node_id", now_ms);
}

} // namespace cs::db
