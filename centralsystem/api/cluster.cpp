// Which node answers a REST request in a cluster (cluster.hpp).
#include "centralsystem/api/cluster.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "centralsystem/db/reservations.hpp"
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

// The command's own timeout (?timeout=S, else --call-timeout): a request still queued for the owner after that is
// answered 504 and never sent.
std::chrono::steady_clock::time_point deadline_of(CentralSystem& cs, const HttpRequest& req) {
    std::chrono::steady_clock::duration wait = cs.config().call_timeout;
    if (const std::string t = query_param(req.query, "timeout"); !t.empty()) {
        const int seconds = std::atoi(t.c_str());
        if (seconds >= 1 && seconds <= 300 && std::to_string(seconds) == t) {
            wait = std::chrono::seconds(seconds);
        }
    }
    return std::chrono::steady_clock::now() + wait;
}

// Passes the request to the node that holds charger `id`, or runs `here` when this node holds it or nobody does.
void to_owner(CentralSystem& cs, std::shared_ptr<HttpRequest> copy, const std::string& id, Respond respond,
              std::function<void(const HttpRequest&, Respond)> here) {
    const auto deadline = deadline_of(cs, *copy);
    const std::string me = cs.cluster()->config().node_id;
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
}

// The routes that name their charger in the body ("chargeBoxId"): a reservation, a local-list sync of one charger.
const ocpp::http::RouteTable& body_charger_routes() {
    static const ocpp::http::RouteTable table = [] {
        ocpp::http::RouteTable t;
        t.add("POST", "/api/v1/reservations");
        t.add("POST", "/api/v1/local-lists/{group}/sync");
        return t;
    }();
    return table;
}

// The charger a request names in its body: "" when it does not say (the handler here answers what is wrong with the
// request, or it is not about one charger).
std::string body_charger(const HttpRequest& req) {
    rapidjson::Document doc;
    if (parse_object(req, doc)) {
        return "";
    }
    auto it = doc.FindMember("chargeBoxId");
    return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

// A sync of a whole group on request: every other node that holds chargers is asked to sync its own (their answers
// are not awaited: the node asked answers for the request, and each node queues the sync of its connected chargers).
void group_sync_everywhere(CentralSystem& cs, const HttpRequest& req) {
    const auto deadline = std::chrono::steady_clock::now() + cs.config().call_timeout;
    for (const auto& [node, address] : cs.cluster()->nodes_elsewhere()) {
        if (!address.empty()) {
            cs.forwarder()->forward(req, node, address, deadline, [](ocpp::net::HttpResponse) {});
        }
    }
}

// A request that names its charger in the body, or a reservation's cancel (its charger is in the store).
bool named_to_owner(CentralSystem& cs, const HttpRequest& req, Respond& respond,
                    std::function<void(const HttpRequest&, Respond)>& here) {
    constexpr std::string_view kPrefix = "/api/v1/reservations";
    if (auto m = body_charger_routes().match(req.method, req.path);
        std::holds_alternative<ocpp::http::RouteTable::Match>(m)) {
        const std::string id = body_charger(req);
        if (id.empty() && req.path != kPrefix) {
            rapidjson::Document doc;
            if (req.body.empty() || (!parse_object(req, doc) && !doc.HasMember("chargeBoxId"))) {
                group_sync_everywhere(cs, req); // and this node syncs its own
            }
            return false;
        }
        if (id.empty() || cs.peer(id)) {
            return false;
        }
        to_owner(cs, std::make_shared<HttpRequest>(req), id, respond, std::move(here));
        return true;
    }
    if (req.method != "DELETE" || req.path.compare(0, kPrefix.size() + 1, std::string(kPrefix) + "/") != 0) {
        return false;
    }
    const std::string number = req.path.substr(kPrefix.size() + 1);
    const long long n = std::atoll(number.c_str());
    if (n < 1 || std::to_string(n) != number) {
        return false;
    }
    auto copy = std::make_shared<HttpRequest>(req);
    cs.store<std::optional<db::ReservationRow>>(
        [n](store::Connection& db) { return db::find_reservation(db, n); },
        [&cs, copy, respond, here = std::move(here)](ocpp::Result<std::optional<db::ReservationRow>> row) {
            if (!row || !*row || cs.peer((*row)->chargebox_id)) {
                return here(*copy, respond); // answered here: a failed read, no such reservation, or its charger's
            }
            to_owner(cs, copy, (*row)->chargebox_id, respond, here);
        });
    return true;
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
    if (named_to_owner(cs, req, respond, here)) {
        return true;
    }
    auto m = charger_routes().match(req.method, req.path);
    auto* hit = std::get_if<ocpp::http::RouteTable::Match>(&m);
    if (!hit || hit->params.empty() || cs.peer(hit->params[0])) {
        return false;
    }
    to_owner(cs, std::make_shared<HttpRequest>(req), hit->params[0], respond, std::move(here));
    return true;
}

std::vector<std::pair<std::string, std::string>> caller_credentials(const HttpRequest& req) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* name : {"authorization", "cookie", "x-csrf-token"}) {
        if (const auto value = req.header(name); !value.empty()) {
            out.emplace_back(name, std::string(value));
        }
    }
    return out;
}

bool relay_to_owner(CentralSystem& cs, const std::vector<std::pair<std::string, std::string>>& credentials,
                    const std::string& charger, const std::string& action, std::string payload,
                    std::function<void(std::string status, std::string error)> done) {
    if (!cs.cluster() || !cs.forwarder() || !cs.cluster()->online_elsewhere(charger)) {
        return false;
    }
    auto req = std::make_shared<HttpRequest>();
    req->method = "POST";
    req->path = "/api/v1/chargers/" + charger + "/commands/" + action;
    req->headers = credentials;
    req->body = std::move(payload);
    const auto deadline = std::chrono::steady_clock::now() + cs.config().call_timeout;
    const std::string me = cs.cluster()->config().node_id;
    cs.cluster()->find_owner(
        charger, [&cs, req, me, deadline, done = std::move(done)](ocpp::Result<std::optional<db::Owner>> owner) {
            if (!owner) {
                return done("failed", "finding the charger's node failed: " + owner.error().message);
            }
            if (!*owner || (*owner)->node == me || (*owner)->address.empty() || cs.forwarder() == nullptr) {
                return done("not connected", "the charger is not connected to another node now; try again");
            }
            const std::string node = (*owner)->node;
            cs.forwarder()->forward(*req, node, (*owner)->address, deadline, [done, node](ocpp::net::HttpResponse r) {
                rapidjson::Document d;
                d.Parse(r.body.c_str());
                const bool object = !d.HasParseError() && d.IsObject();
                if (r.status == 200 && object && d.HasMember("response") && d["response"].IsObject() &&
                    d["response"].HasMember("status") && d["response"]["status"].IsString()) {
                    return done(d["response"]["status"].GetString(), "");
                }
                const std::string why = object && d.HasMember("error") && d["error"].IsString()
                                            ? d["error"].GetString()
                                            : "HTTP " + std::to_string(r.status);
                done(r.status == 409 ? "not connected" : "failed", "at node \"" + node + "\": " + why);
            });
        });
    return true;
}

RelayPacer::RelayPacer(CentralSystem& cs, std::vector<std::pair<std::string, std::string>> credentials)
    : cs_(cs)
    , credentials_(std::move(credentials)) {}

bool RelayPacer::held_elsewhere(CentralSystem& cs, const std::string& charger) {
    return cs.cluster() && cs.forwarder() && cs.cluster()->online_elsewhere(charger);
}

void RelayPacer::relay(std::string charger, std::string action, std::string payload,
                       std::function<void(std::string status, std::string error)> done) {
    waiting_.push_back({std::move(charger), std::move(action), std::move(payload), std::move(done)});
    pump();
}

void RelayPacer::pump() {
    if (pumping_) {
        return; // a relay answered at once, inside the loop below: the loop sends the next
    }
    pumping_ = true;
    while (in_flight_ < kInFlight && !waiting_.empty()) {
        auto next = std::move(waiting_.front());
        waiting_.pop_front();
        ++in_flight_;
        auto done = std::make_shared<std::function<void(std::string, std::string)>>(std::move(next.done));
        const bool sent = relay_to_owner(cs_, credentials_, next.charger, next.action, std::move(next.payload),
                                         [self = shared_from_this(), done](std::string status, std::string error) {
                                             --self->in_flight_;
                                             (*done)(std::move(status), std::move(error));
                                             self->pump();
                                         });
        if (!sent) {
            --in_flight_;
            (*done)("not connected", "the charger is not connected to another node now; try again");
        }
    }
    pumping_ = false;
}

} // namespace cs::api
