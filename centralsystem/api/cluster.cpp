#include "centralsystem/api/cluster.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "ocpp/http/router.hpp"

namespace cs::api {

namespace {

// The routes that reach a charger through its connection; the first parameter is the Chargebox ID.
const ocpp::http::RouteTable& charger_routes() {
    static const ocpp::http::RouteTable table = [] {
        ocpp::http::RouteTable t;
        for (const auto& [method, pattern] : std::vector<std::pair<const char*, const char*>>{
                 {"POST", "/api/v1/chargers/{chargeBoxId}/commands/{action}"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/install"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/delete"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/query"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/renew"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/logs"},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/diagnostics"},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/connectors/{connectorId}/composite-schedule"},
             }) {
            t.add(method, pattern);
        }
        return t;
    }();
    return table;
}

} // namespace

bool pass_to_owner(CentralSystem& cs, const HttpRequest& req, Respond& respond,
                   std::function<void(const HttpRequest&, Respond)> here) {
    auto* forwarder = cs.forwarder();
    if (!forwarder || !cs.cluster()) {
        return false;
    }
    bool authentic = false;
    if (forwarder->forwarded(req, authentic)) {
        if (!authentic) {
            respond(json_error(401, "a request forwarded between nodes needs the cluster's shared secret",
                               "X-Ocppkit-Cluster-Secret"));
            return true;
        }
        return false; // forwarded to this node: answered here, never passed on again
    }
    auto m = charger_routes().match(req.method, req.path);
    auto* hit = std::get_if<ocpp::http::RouteTable::Match>(&m);
    if (!hit || hit->params.empty() || cs.peer(hit->params[0])) {
        return false;
    }
    // The caller waits as long as the command's own timeout (?timeout=S, else --call-timeout): a request still queued
    // for the owner after that is answered 504 and never sent.
    std::chrono::steady_clock::duration wait = cs.config().call_timeout;
    if (const std::string t = query_param(req.query, "timeout"); !t.empty()) {
        const int seconds = std::atoi(t.c_str());
        if (seconds >= 1 && seconds <= 300 && std::to_string(seconds) == t) {
            wait = std::chrono::seconds(seconds);
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto copy = std::make_shared<HttpRequest>(req);
    const std::string me = cs.cluster()->config().node_id;
    const std::string id = hit->params[0];
    cs.cluster()->find_owner(id, [&cs, copy, id, me, deadline, respond,
                                  here = std::move(here)](ocpp::Result<std::optional<db::Owner>> owner) {
        if (!owner) {
            return respond(store_failed(cs, owner.error()));
        }
        // Held here (it may have connected meanwhile), by nobody, or by a node without an address: answer here.
        if (!*owner || (*owner)->node == me || (*owner)->address.empty() || cs.peer(id)) {
            return here(*copy, respond);
        }
        if (auto* f = cs.forwarder()) {
            return f->forward(*copy, (*owner)->node, (*owner)->address, deadline, respond);
        }
        here(*copy, respond);
    });
    return true;
}

} // namespace cs::api
