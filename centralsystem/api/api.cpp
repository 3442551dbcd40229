// Routing of the REST API through a table of (method, path template, handler), bearer-token check and /healthz.
// The same table is what the OpenAPI document is checked against (api_routes()).
#include "centralsystem/api/api.hpp"

#include <memory>

#include "centralsystem/api/routes.hpp"
#include "ocpp/net/session.hpp"

namespace cs {

namespace {

using namespace api;

constexpr std::string_view kPrefix = "/api/v1/";

// The values of a route's {parameters}, in order.
using Params = std::vector<std::string>;
struct Route {
    const char* method;
    const char* path; // OpenAPI path template, e.g. "/api/v1/chargers/{chargeBoxId}"
    std::function<void(CentralSystem&, const HttpRequest&, const Params&, Respond)> handle;
};

// Literal segments are listed before a {parameter} in the same place ("import" before "{chargeBoxId}").
const std::vector<Route>& route_table() {
    static const std::vector<Route> table = {
        {"GET", "/api/v1/chargers", [](auto& cs, auto& req, auto&, auto r) { list_chargers(cs, req, r); }},
        {"POST", "/api/v1/chargers", [](auto& cs, auto& req, auto&, auto r) { create_charger(cs, req, r); }},
        {"POST", "/api/v1/chargers/import", [](auto& cs, auto& req, auto&, auto r) { import_chargers(cs, req, r); }},
        {"GET", "/api/v1/chargers/{chargeBoxId}", [](auto& cs, auto&, auto& p, auto r) { get_charger(cs, p[0], r); }},
        {"PATCH", "/api/v1/chargers/{chargeBoxId}",
         [](auto& cs, auto& req, auto& p, auto r) { patch_charger(cs, p[0], req, r); }},
        {"POST", "/api/v1/chargers/{chargeBoxId}/commission",
         [](auto& cs, auto& req, auto& p, auto r) { commission_charger(cs, p[0], req, r); }},
        {"GET", "/api/v1/chargers/{chargeBoxId}/transactions",
         [](auto& cs, auto& req, auto& p, auto r) { charger_transactions(cs, p[0], req, r); }},
        {"GET", "/api/v1/chargers/{chargeBoxId}/prices",
         [](auto& cs, auto&, auto& p, auto r) { list_price_sets(cs, p[0], r); }},
        {"POST", "/api/v1/chargers/{chargeBoxId}/prices",
         [](auto& cs, auto& req, auto& p, auto r) { post_price_set(cs, p[0], req, r); }},
        {"PUT", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}",
         [](auto& cs, auto& req, auto& p, auto r) { change_price_set(cs, p[0], p[1], req, r); }},
        {"DELETE", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}",
         [](auto& cs, auto& req, auto& p, auto r) { change_price_set(cs, p[0], p[1], req, r); }},
        {"POST", "/api/v1/chargers/{chargeBoxId}/commands/{action}",
         [](auto& cs, auto& req, auto& p, auto r) { send_command(cs, p[0], p[1], req, r); }},
        {"GET", "/api/v1/dashboard", [](auto& cs, auto& req, auto&, auto r) { dashboard(cs, req, r); }},
        {"GET", "/api/v1/notifications", [](auto& cs, auto& req, auto&, auto r) { list_notifications(cs, req, r); }},
        {"POST", "/api/v1/notifications/read",
         [](auto& cs, auto& req, auto&, auto r) { mark_notifications_read(cs, req, r); }},
        {"GET", "/api/v1/idtags", [](auto& cs, auto&, auto&, auto r) { list_id_tags(cs, r); }},
        {"POST", "/api/v1/idtags", [](auto& cs, auto& req, auto&, auto r) { put_id_tag(cs, req, r); }},
        {"GET", "/api/v1/idtags/{idTag}", [](auto& cs, auto&, auto& p, auto r) { get_id_tag(cs, p[0], r); }},
        {"GET", "/api/v1/openapi.yaml", [](auto&, auto&, auto&, auto r) { openapi_document(r); }},
    };
    return table;
}

std::vector<std::string> split_path(std::string_view rest) {
    std::vector<std::string> parts;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        if (!seg.empty()) {
            parts.push_back(ocpp::net::percent_decode(seg).value_or("\x01"));
        }
        if (slash == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(slash + 1);
    }
    return parts;
}

// The {parameter} values when `parts` (the path, split) fits the template; nullopt when not.
std::optional<Params> match(const char* path, const std::vector<std::string>& parts) {
    const auto pattern = split_path(path);
    if (pattern.size() != parts.size()) {
        return std::nullopt;
    }
    Params params;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (pattern[i].front() == '{') {
            params.push_back(parts[i]);
        } else if (pattern[i] != parts[i]) {
            return std::nullopt;
        }
    }
    return params;
}

void route(CentralSystem& cs, const ApiConfig& config, const Portal& portal, const HttpRequest& req, Respond respond) {
    std::string_view path = req.path;
    if (path == "/healthz") {
        return respond(json_response(200, json_object([&](Writer& w) {
                                         member(w, "status", "ok");
                                         w.Key("connections");
                                         w.Uint64(config.connections ? config.connections() : cs.connected());
                                         w.Key("chargersConnected");
                                         w.Uint64(cs.connected());
                                         w.Key("chargersKnown");
                                         w.Uint64(cs.known_chargers());
                                         w.Key("storeQueue");
                                         w.Uint64(cs.worker().queue_depth());
                                     })));
    }
    if (path == "/metrics") {
        HttpResponse r;
        r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        r.body = cs.render_metrics(config.connections ? config.connections() : cs.connected());
        return respond(std::move(r));
    }
    if (path.substr(0, kPrefix.size()) != kPrefix) {
        if (auto page = portal.serve(req)) {
            return respond(std::move(*page));
        }
        return respond(json_error(404, "not found: the API lives under /api/v1/"));
    }
    if (!config.token.empty() && !ocpp::net::bearer_token_matches(req.header("authorization"), config.token)) {
        HttpResponse r = json_error(401, "missing or wrong bearer token", "Authorization");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return respond(std::move(r));
    }
    const auto parts = split_path(path);
    std::string allowed;
    std::string matched; // the first template that fits: a literal one wins over a {parameter}
    for (const auto& r : route_table()) {
        auto params = match(r.path, parts);
        if (!params || (!matched.empty() && matched != r.path)) {
            continue;
        }
        matched = r.path;
        if (req.method == r.method) {
            return r.handle(cs, req, *params, std::move(respond));
        }
        allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
    }
    if (!allowed.empty()) {
        HttpResponse r = json_error(405, "method not allowed here; use " + allowed);
        r.headers.emplace_back("Allow", allowed);
        return respond(std::move(r));
    }
    respond(json_error(404, "no such resource: " + std::string(path)));
}

} // namespace

std::vector<std::pair<std::string, std::string>> api_routes() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : route_table()) {
        out.emplace_back(r.method, r.path);
    }
    return out;
}

ocpp::net::HttpHandler make_api_handler(CentralSystem& cs, ApiConfig config) {
    auto portal = std::make_shared<const Portal>(config.portal);
    return [&cs, config = std::move(config), portal](const HttpRequest& req, ocpp::net::HttpResponder respond) {
        route(cs, config, *portal, req, std::move(respond));
    };
}

} // namespace cs
