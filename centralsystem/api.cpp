// Routing of the REST API, bearer-token check and /healthz.
#include "centralsystem/api.hpp"

#include <memory>

#include <openssl/crypto.h>

#include "centralsystem/api_routes.hpp"
#include "ocpp/net/session.hpp"

namespace cs {

namespace {

using namespace api;

constexpr std::string_view kPrefix = "/api/v1/";

bool token_ok(const HttpRequest& req, const std::string& token) {
    const std::string_view header = req.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.substr(0, kBearer.size()) != kBearer) {
        return false;
    }
    const std::string_view given = header.substr(kBearer.size());
    return given.size() == token.size() && CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

HttpResponse method_not_allowed(const char* allowed) {
    HttpResponse r = json_error(405, std::string("method not allowed here; use ") + allowed);
    r.headers.emplace_back("Allow", allowed);
    return r;
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
    if (path.substr(0, kPrefix.size()) != kPrefix) {
        if (auto page = portal.serve(req)) {
            return respond(std::move(*page));
        }
        return respond(json_error(404, "not found: the API lives under /api/v1/"));
    }
    if (!config.token.empty() && !token_ok(req, config.token)) {
        HttpResponse r = json_error(401, "missing or wrong bearer token", "Authorization");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return respond(std::move(r));
    }
    const auto parts = split_path(path.substr(kPrefix.size()));
    const std::string& m = req.method;
    const std::size_t n = parts.size();
    if (n >= 1 && parts[0] == "chargers") {
        if (n == 1) {
            return m == "POST"  ? create_charger(cs, req, respond)
                   : m == "GET" ? list_chargers(cs, req, respond)
                                : respond(method_not_allowed("GET, POST"));
        }
        const std::string& id = parts[1];
        if (n == 2 && id == "import" && m == "POST") {
            return import_chargers(cs, req, respond);
        }
        if (n == 2) {
            return m == "GET"     ? get_charger(cs, id, respond)
                   : m == "PATCH" ? patch_charger(cs, id, req, respond)
                                  : respond(method_not_allowed("GET, PATCH"));
        }
        if (n == 3 && parts[2] == "commission") {
            return m == "POST" ? commission_charger(cs, id, req, respond) : respond(method_not_allowed("POST"));
        }
        if (n == 3 && parts[2] == "transactions") {
            return m == "GET" ? charger_transactions(cs, id, req, respond) : respond(method_not_allowed("GET"));
        }
        if (n == 3 && parts[2] == "prices") {
            return m == "POST"  ? post_price_set(cs, id, req, respond)
                   : m == "GET" ? list_price_sets(cs, id, respond)
                                : respond(method_not_allowed("GET, POST"));
        }
        if (n == 4 && parts[2] == "prices") {
            return m == "PUT" || m == "DELETE" ? change_price_set(cs, id, parts[3], req, respond)
                                               : respond(method_not_allowed("PUT, DELETE"));
        }
        if (n == 4 && parts[2] == "commands") {
            return m == "POST" ? send_command(cs, id, parts[3], req, respond) : respond(method_not_allowed("POST"));
        }
    }
    if (n == 1 && parts[0] == "dashboard") {
        return m == "GET" ? dashboard(cs, req, respond) : respond(method_not_allowed("GET"));
    }
    if (n == 1 && parts[0] == "notifications") {
        return m == "GET" ? list_notifications(cs, req, respond) : respond(method_not_allowed("GET"));
    }
    if (n == 2 && parts[0] == "notifications" && parts[1] == "read") {
        return m == "POST" ? mark_notifications_read(cs, req, respond) : respond(method_not_allowed("POST"));
    }
    if (n >= 1 && parts[0] == "idtags") {
        if (n == 1) {
            return m == "POST"  ? put_id_tag(cs, req, respond)
                   : m == "GET" ? list_id_tags(cs, respond)
                                : respond(method_not_allowed("GET, POST"));
        }
        if (n == 2) {
            return m == "GET" ? get_id_tag(cs, parts[1], respond) : respond(method_not_allowed("GET"));
        }
    }
    respond(json_error(404, "no such resource: " + std::string(path)));
}

} // namespace

ocpp::net::HttpHandler make_api_handler(CentralSystem& cs, ApiConfig config) {
    auto portal = std::make_shared<const Portal>(config.portal);
    return [&cs, config = std::move(config), portal](const HttpRequest& req, ocpp::net::HttpResponder respond) {
        route(cs, config, *portal, req, std::move(respond));
    };
}

} // namespace cs
