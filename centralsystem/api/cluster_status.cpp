// GET /api/v1/cluster: the nodes of the cluster as the shared database records them, asked of any node alike.
//
// Each node: its id, the address of its API, whether it is live (its lease runs past now), when its lease ends (or
// ended), and how many chargers the database records as connected to it (for a node that died: those that have not
// reconnected to another node yet). Live nodes come first (by id), then the others, the most recently alive first;
// at most kMaxNodes of them (node ids of machines long gone stay in the table). On a single node (SQLite, or
// PostgreSQL without a cluster) `clustered` is false and the list is empty.
#include <algorithm>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/cluster/membership.hpp"
#include "centralsystem/db/cluster.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

constexpr std::int64_t kMaxNodes = 500;

std::string time_of(std::int64_t unix_ms) {
    return ocpp::format_datetime(ocpp::DateTime::from_unix_ms(unix_ms / 1000 * 1000));
}

} // namespace

void cluster_status(CentralSystem& cs, Respond respond) {
    auto* membership = cs.cluster();
    if (!membership) {
        return respond(json_response(200, json_object([](Writer& w) {
                                         w.Key("clustered");
                                         w.Bool(false);
                                         w.Key("nodes");
                                         w.StartArray();
                                         w.EndArray();
                                     })));
    }
    const std::int64_t now = membership->now_ms();
    cs.store<std::vector<db::NodeRow>>(
        [](store::Connection& db) { return db::list_nodes(db, kMaxNodes); },
        [&cs, respond, now](ocpp::Result<std::vector<db::NodeRow>> rows) {
            if (!rows) {
                return respond(store_failed(cs, rows.error()));
            }
            auto* now_member = cs.cluster(); // the node may have stopped its part meanwhile
            const std::string self = now_member ? now_member->config().node_id : std::string();
            const auto lease_s = now_member ? now_member->config().lease.count() / 1000 : 0;
            auto& nodes = *rows;
            std::stable_sort(nodes.begin(), nodes.end(), [now](const db::NodeRow& a, const db::NodeRow& b) {
                const bool live_a = a.lease_until_ms > now, live_b = b.lease_until_ms > now;
                if (live_a != live_b) {
                    return live_a;
                }
                return live_a ? a.node < b.node : a.lease_until_ms > b.lease_until_ms;
            });
            const auto live = std::count_if(nodes.begin(), nodes.end(),
                                            [now](const db::NodeRow& n) { return n.lease_until_ms > now; });
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("clustered");
                                      w.Bool(true);
                                      member(w, "node", self);
                                      w.Key("leaseSeconds");
                                      w.Int64(lease_s);
                                      w.Key("liveNodes");
                                      w.Int64(live);
                                      w.Key("nodes");
                                      w.StartArray();
                                      for (const auto& n : nodes) {
                                          w.StartObject();
                                          member(w, "id", n.node);
                                          member(w, "address", n.address);
                                          w.Key("live");
                                          w.Bool(n.lease_until_ms > now);
                                          w.Key("self");
                                          w.Bool(n.node == self);
                                          member(w, "leaseUntil", time_of(n.lease_until_ms));
                                          w.Key("chargers");
                                          w.Int64(n.chargers);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

} // namespace cs::api
