// The local lists as a cluster's nodes read them (cluster_lists.hpp).
#include "centralsystem/db/authlists/cluster_lists.hpp"

namespace cs::db {

ocpp::Result<std::vector<std::pair<std::string, std::int64_t>>> list_group_versions(store::Connection& db) {
    return db.all([](const store::Statement& q) { return std::make_pair(q.text(0), q.int64(1)); },
                  "SELECT name, version FROM list_groups ORDER BY name LIMIT 1000");
}

ocpp::Result<std::vector<std::pair<std::string, std::string>>>
moved_list_chargers(store::Connection& db, const std::string& node, const std::string& after, std::int64_t limit) {
    // A charger in no group is in the default one.
    return db.all([](const store::Statement& q) { return std::make_pair(q.text(0), q.text(1)); },
                  "SELECT c.chargebox_id, COALESCE(m.group_name, 'default') FROM local_list_chargers c JOIN "
                  "cluster_owners o ON o.chargebox_id = c.chargebox_id LEFT JOIN list_group_members m ON "
                  "m.chargebox_id = c.chargebox_id WHERE o.node_id = ?1 AND o.connected = 1 AND c.version >= 0 AND "
                  "c.list_group <> COALESCE(m.group_name, 'default') AND c.chargebox_id > ?3 ORDER BY c.chargebox_id "
                  "LIMIT ?2",
                  node, limit, after);
}

} // namespace cs::db
