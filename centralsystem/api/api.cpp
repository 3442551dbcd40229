// Routing of the REST API through a table of (method, path template, handler), bearer-token check and /healthz.
// The same table is what the OpenAPI document is checked against (api_routes()).
#include "centralsystem/api/api.hpp"

#include <memory>
#include <tuple>

#include "centralsystem/api/access/access.hpp"
#include "centralsystem/api/cluster.hpp"
#include "centralsystem/api/local_lists.hpp"
#include "centralsystem/api/operations/operations.hpp"
#include "centralsystem/api/reservations.hpp"
#include "centralsystem/api/routes.hpp"
#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/api/security/logs.hpp"
#include "centralsystem/api/sessions/sessions.hpp"
#include "centralsystem/api/sites/sites.hpp"
#include "centralsystem/api/wizard/wizard.hpp"
#include "ocpp/http/bearer_token.hpp"
#include "ocpp/http/router.hpp"

namespace cs {

namespace {

using namespace api;

constexpr std::string_view kPrefix = "/api/v1/";

using Params = ocpp::http::PathParams;
using Handler = std::function<void(CentralSystem&, const HttpRequest&, const Params&, Respond)>;
using Router = ocpp::http::Router<Handler>;

// Literal segments are listed before a {parameter} in the same place ("import" before "{chargeBoxId}").
const Router& router() {
    static const Router table = [] {
        Router routes;
        for (auto& [method, path, handle] : std::vector<std::tuple<const char*, const char*, Handler>>{
                 {"GET", "/api/v1/chargers", [](auto&cs, auto&req, auto&, auto r) { list_chargers(cs, req, r); }},
                 {"POST", "/api/v1/chargers", [](auto&cs, auto&req, auto&, auto r) { create_charger(cs, req, r); }},
                 {"POST", "/api/v1/chargers/import",
                  [](auto&cs, auto&req, auto&, auto r) { import_chargers(cs, req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_charger(cs, p[0], r); }},
                 {"PATCH", "/api/v1/chargers/{chargeBoxId}",
                  [](auto&cs, auto&req, auto&p, auto r) { patch_charger(cs, p[0], req, r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/commission",
                  [](auto&cs, auto&req, auto&p, auto r) { commission_charger(cs, p[0], req, r); }},
                 {"DELETE", "/api/v1/chargers/{chargeBoxId}",
                  [](auto&cs, auto&req, auto&p, auto r) { delete_charger(cs, p[0], req, r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/decommission",
                  [](auto&cs, auto&req, auto&p, auto r) { decommission_charger(cs, p[0], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/audit",
                  [](auto&cs, auto&req, auto&p, auto r) { charger_audit(cs, p[0], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/transactions",
                  [](auto&cs, auto&req, auto&p, auto r) { charger_transactions(cs, p[0], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/prices",
                  [](auto&cs, auto&, auto&p, auto r) { list_price_sets(cs, p[0], r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/prices",
                  [](auto&cs, auto&req, auto&p, auto r) { post_price_set(cs, p[0], req, r); }},
                 {"PUT", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}",
                  [](auto&cs, auto&req, auto&p, auto r) { change_price_set(cs, p[0], p[1], req, r); }},
                 {"DELETE", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}",
                  [](auto&cs, auto&req, auto&p, auto r) { change_price_set(cs, p[0], p[1], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/certificates",
                  [](auto&cs, auto&, auto&p, auto r) { charger_certificates(cs, p[0], r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/install",
                  [](auto&cs, auto&req, auto&p, auto r) { install_certificate(cs, p[0], req, r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/delete",
                  [](auto&cs, auto&req, auto&p, auto r) { delete_certificate(cs, p[0], req, r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/query",
                  [](auto&cs, auto&req, auto&p, auto r) { query_installed_certificates(cs, p[0], req, r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/renew",
                  [](auto&cs, auto&req, auto&p, auto r) { renew_certificate(cs, p[0], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/connectors/{connectorId}/composite-schedule",
                  [](auto&cs, auto&req, auto&p, auto r) { composite_schedule(cs, p[0], p[1], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/profiles",
                  [](auto&cs, auto&, auto&p, auto r) { charger_profiles(cs, p[0], r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/logs",
                  [](auto&cs, auto&, auto&p, auto r) { list_logs(cs, p[0], r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/logs",
                  [](auto&cs, auto&req, auto&p, auto r) { request_log(cs, p[0], req, r); }},
                 {"GET", "/api/v1/commands", [](auto&, auto&, auto&, auto r) { list_commands(r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/commands/{action}",
                  [](auto&cs, auto&req, auto&p, auto r) { send_command(cs, p[0], p[1], req, r); }},
                 {"GET", "/api/v1/dashboard", [](auto&cs, auto&req, auto&, auto r) { dashboard(cs, req, r); }},
                 {"GET", "/api/v1/cluster", [](auto&cs, auto&, auto&, auto r) { cluster_status(cs, r); }},
                 {"GET", "/api/v1/notifications",
                  [](auto&cs, auto&req, auto&, auto r) { list_notifications(cs, req, r); }},
                 {"POST", "/api/v1/notifications/read",
                  [](auto&cs, auto&req, auto&, auto r) { mark_notifications_read(cs, req, r); }},
                 {"GET", "/api/v1/security-events",
                  [](auto&cs, auto&req, auto&, auto r) { list_security_events(cs, req, r); }},
                 {"GET", "/api/v1/ca", [](auto&cs, auto&, auto&, auto r) { get_operator_ca(cs, r); }},
                 {"POST", "/api/v1/ca/import",
                  [](auto&cs, auto&req, auto&, auto r) { import_operator_ca(cs, req, r); }},
                 {"GET", "/api/v1/firmware", [](auto&cs, auto&, auto&, auto r) { list_firmware(cs, r); }},
                 {"POST", "/api/v1/firmware", [](auto&cs, auto&req, auto&, auto r) { upload_firmware(cs, req, r); }},
                 {"GET", "/api/v1/firmware/{firmwareId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_firmware(cs, p[0], r); }},
                 {"POST", "/api/v1/firmware/{firmwareId}/updates",
                  [](auto&cs, auto&req, auto&p, auto r) { start_firmware_update(cs, p[0], req, r); }},
                 {"GET", "/api/v1/firmware/{firmwareId}/updates/{updateId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_firmware_update(cs, p[0], p[1], r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/data-transfers",
                  [](auto&cs, auto&req, auto&p, auto r) { charger_data_transfers(cs, p[0], req, r); }},
                 {"GET", "/api/v1/chargers/{chargeBoxId}/diagnostics",
                  [](auto&cs, auto&, auto&p, auto r) { list_diagnostics(cs, p[0], r); }},
                 {"POST", "/api/v1/chargers/{chargeBoxId}/diagnostics",
                  [](auto&cs, auto&req, auto&p, auto r) { request_diagnostics(cs, p[0], req, r); }},
                 {"GET", "/api/v1/data-transfers",
                  [](auto&cs, auto&req, auto&, auto r) { list_data_transfers(cs, req, r); }},
                 {"GET", "/api/v1/rollouts", [](auto&cs, auto&, auto&, auto r) { list_rollouts(cs, r); }},
                 {"POST", "/api/v1/rollouts", [](auto&cs, auto&req, auto&, auto r) { create_rollout(cs, req, r); }},
                 {"GET", "/api/v1/rollouts/files", [](auto&cs, auto&, auto&, auto r) { list_rollout_files(cs, r); }},
                 {"POST", "/api/v1/rollouts/files",
                  [](auto&cs, auto&req, auto&, auto r) { upload_rollout_file(cs, req, r); }},
                 {"GET", "/api/v1/rollouts/{jobId}", [](auto&cs, auto&, auto&p, auto r) { get_rollout(cs, p[0], r); }},
                 {"POST", "/api/v1/rollouts/{jobId}/cancel",
                  [](auto&cs, auto&, auto&p, auto r) { cancel_rollout(cs, p[0], r); }},
                 {"GET", "/api/v1/idtags", [](auto&cs, auto&req, auto&, auto r) { list_id_tags(cs, req, r); }},
                 {"POST", "/api/v1/idtags", [](auto&cs, auto&req, auto&, auto r) { put_id_tag(cs, req, r); }},
                 {"GET", "/api/v1/idtags/{idTag}", [](auto&cs, auto&, auto&p, auto r) { get_id_tag(cs, p[0], r); }},
                 {"GET", "/api/v1/sessions", [](auto&cs, auto&req, auto&, auto r) { list_sessions(cs, req, r); }},
                 {"GET", "/api/v1/sessions/export",
                  [](auto&cs, auto&req, auto&, auto r) { export_sessions(cs, req, r); }},
                 {"GET", "/api/v1/local-lists", [](auto&cs, auto&, auto&, auto r) { list_local_lists(cs, r); }},
                 {"POST", "/api/v1/local-lists",
                  [](auto&cs, auto&req, auto&, auto r) { create_list_group(cs, req, r); }},
                 {"GET", "/api/v1/local-lists/{group}",
                  [](auto&cs, auto&, auto&p, auto r) { get_list_group(cs, p[0], r); }},
                 {"PATCH", "/api/v1/local-lists/{group}",
                  [](auto&cs, auto&req, auto&p, auto r) { patch_list_group(cs, p[0], req, r); }},
                 {"DELETE", "/api/v1/local-lists/{group}",
                  [](auto&cs, auto&, auto&p, auto r) { delete_list_group(cs, p[0], r); }},
                 {"POST", "/api/v1/local-lists/{group}/chargers",
                  [](auto&cs, auto&req, auto&p, auto r) { place_list_group_chargers(cs, p[0], req, r); }},
                 {"POST", "/api/v1/local-lists/{group}/idtags",
                  [](auto&cs, auto&req, auto&p, auto r) { assign_list_group_tags(cs, p[0], req, r); }},
                 {"POST", "/api/v1/local-lists/{group}/sync",
                  [](auto&cs, auto&req, auto&p, auto r) { sync_local_list(cs, p[0], req, r); }},
                 {"GET", "/api/v1/logs/{logId}/file",
                  [](auto&cs, auto&, auto&p, auto r) { download_log(cs, p[0], r); }},
                 {"GET", "/api/v1/openapi.yaml", [](auto&, auto&, auto&, auto r) { openapi_document(r); }},
                 {"GET", "/api/v1/profile-templates",
                  [](auto&cs, auto&, auto&, auto r) { list_profile_templates(cs, r); }},
                 {"POST", "/api/v1/profile-templates",
                  [](auto&cs, auto&req, auto&, auto r) { create_profile_template(cs, req, r); }},
                 {"GET", "/api/v1/profile-templates/{templateId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_profile_template(cs, p[0], r); }},
                 {"DELETE", "/api/v1/profile-templates/{templateId}",
                  [](auto&cs, auto&, auto&p, auto r) { delete_profile_template(cs, p[0], r); }},
                 {"POST", "/api/v1/profile-templates/{templateId}/apply",
                  [](auto&cs, auto&req, auto&p, auto r) { apply_profile_template(cs, p[0], req, r); }},
                 {"POST", "/api/v1/profile-templates/{templateId}/clear",
                  [](auto&cs, auto&req, auto&p, auto r) { clear_profile_template(cs, p[0], req, r); }},
                 {"GET", "/api/v1/sites", [](auto&cs, auto&, auto&, auto r) { list_sites(cs, r); }},
                 {"POST", "/api/v1/sites", [](auto&cs, auto&req, auto&, auto r) { create_site(cs, req, r); }},
                 {"GET", "/api/v1/sites/{siteId}", [](auto&cs, auto&, auto&p, auto r) { get_site(cs, p[0], r); }},
                 {"PUT", "/api/v1/sites/{siteId}",
                  [](auto&cs, auto&req, auto&p, auto r) { update_site(cs, p[0], req, r); }},
                 {"DELETE", "/api/v1/sites/{siteId}", [](auto&cs, auto&, auto&p, auto r) { delete_site(cs, p[0], r); }},
                 {"GET", "/api/v1/reservations",
                  [](auto&cs, auto&req, auto&, auto r) { list_reservations(cs, req, r); }},
                 {"POST", "/api/v1/reservations",
                  [](auto&cs, auto&req, auto&, auto r) { create_reservation(cs, req, r); }},
                 {"GET", "/api/v1/reservations/{reservationId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_reservation(cs, p[0], r); }},
                 {"DELETE", "/api/v1/reservations/{reservationId}",
                  [](auto&cs, auto&, auto&p, auto r) { cancel_reservation(cs, p[0], r); }},
                 {"GET", "/api/v1/security-jobs",
                  [](auto&cs, auto&req, auto&, auto r) { list_security_jobs(cs, req, r); }},
                 {"POST", "/api/v1/security-jobs",
                  [](auto&cs, auto&req, auto&, auto r) { create_security_job(cs, req, r); }},
                 {"GET", "/api/v1/security-jobs/{jobId}",
                  [](auto&cs, auto&, auto&p, auto r) { get_security_job(cs, p[0], r); }},
                 {"GET", "/api/v1/hardware-models", [](auto&cs, auto&, auto&, auto r) { list_hardware_models(cs, r); }},
                 {"POST", "/api/v1/hardware-models",
                  [](auto&cs, auto&req, auto&, auto r) { add_hardware_model(cs, req, r); }},
                 {"DELETE", "/api/v1/hardware-models/{vendor}/{model}",
                  [](auto&cs, auto&, auto&p, auto r) { delete_hardware_model(cs, p[0], p[1], r); }},
                 {"GET", "/api/v1/claims/{claimCode}",
                  [](auto&cs, auto&req, auto&p, auto r) { check_claim(cs, p[0], req, r); }},
             }) {
            routes.add(method, path, std::move(handle));
        }
        return routes;
    }();
    return table;
}

// Runs the route's handler for an authorized request under /api/v1/.
void dispatch(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    auto found = router().find(req.method, req.path);
    if (auto* hit = std::get_if<Router::Found>(&found)) {
        return (*hit->handler)(cs, req, hit->params, std::move(respond));
    }
    const auto& miss = std::get<ocpp::http::NoRoute>(found);
    if (miss.status == 405) {
        return respond(ocpp::http::method_not_allowed(miss.allow));
    }
    respond(json_error(404, "no such resource: " + req.path));
}

void route(CentralSystem& cs, const ApiConfig& config, const Portal& portal, Access& access, const HttpRequest& req,
           Respond respond) {
    std::string_view path = req.path;
    if (path == "/healthz") {
        // A cluster node whose lease lapsed or whose last renewal failed is down for the load balancer.
        const bool healthy = !cs.cluster() || cs.cluster()->healthy();
        return respond(json_response(healthy ? 200 : 503, json_object([&](Writer& w) {
                                         member(w, "status", healthy ? "ok" : "lease lapsed");
                                         w.Key("connections");
                                         w.Uint64(config.connections ? config.connections() : cs.connected());
                                         w.Key("chargersConnected");
                                         w.Uint64(cs.connected());
                                         w.Key("chargersKnown");
                                         w.Uint64(cs.known_chargers());
                                         w.Key("storeQueue");
                                         w.Uint64(cs.worker().queue_depth());
                                         if (auto* node = cs.cluster()) {
                                             member(w, "node", node->config().node_id);
                                             w.Key("chargersElsewhere");
                                             w.Uint64(node->online_elsewhere_count());
                                         }
                                     })));
    }
    if (path == "/metrics") {
        HttpResponse r;
        r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        r.body = cs.render_metrics(config.connections ? config.connections() : cs.connected());
        return respond(std::move(r));
    }
    if (path.substr(0, kUploadPrefix.size()) == kUploadPrefix) {
        // A charger's log upload: the path's token authorizes it, not the API's bearer token.
        return upload_log(cs, std::string(path.substr(kUploadPrefix.size())), req, std::move(respond));
    }
    if (path.substr(0, kFirmwarePrefix.size()) == kFirmwarePrefix) {
        // A charger's firmware download: the path's token authorizes it, not the API's bearer token.
        return serve_firmware_file(cs, std::string(path.substr(kFirmwarePrefix.size())), req, std::move(respond));
    }
    if (path.substr(0, kRolloutPrefix.size()) == kRolloutPrefix) {
        // A charger's roll-out download: the path's token authorizes it, not the API's bearer token.
        return serve_rollout_file(cs, std::string(path.substr(kRolloutPrefix.size())), req, std::move(respond));
    }
    if (path.substr(0, kPrefix.size()) != kPrefix) {
        if (auto page = portal.serve(req)) {
            return respond(std::move(*page));
        }
        return respond(json_error(404, "not found: the API lives under /api/v1/"));
    }
    // Who is asking and whether they may (api/access/); then, on a cluster node, what needs another node's charger
    // connection goes to that node (api/cluster.cpp), the rest to the route's handler here.
    access.admit(req, std::move(respond), [&cs](const HttpRequest& admitted, Respond out) {
        if (pass_to_owner(cs, admitted, out, [&cs](const HttpRequest& r, Respond again) { dispatch(cs, r, again); })) {
            return;
        }
        dispatch(cs, admitted, std::move(out));
    });
}

} // namespace

std::vector<std::pair<std::string, std::string>> api_routes() {
    auto routes = router().routes();
    for (auto& r : Access::routes()) { // the session and user routes (api/access/)
        routes.push_back(std::move(r));
    }
    return routes;
}

ocpp::net::HttpHandler make_api_handler(CentralSystem& cs, ApiConfig config) {
    auto portal = std::make_shared<const Portal>(config.portal);
    auto access = std::make_shared<Access>(cs, AccessConfig{config.token});
    return [&cs, config = std::move(config), portal, access](const HttpRequest& req, ocpp::net::HttpResponder respond) {
        route(cs, config, *portal, *access, req, std::move(respond));
    };
}

} // namespace cs
