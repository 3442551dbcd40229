#pragma once
// The REST API's handlers, one file per resource; api.cpp routes to them. Each answers through `respond`,
// usually later, when the store worker has done its part.
#include <string>
#include <variant>

#include "centralsystem/api/base_url.hpp"
#include "centralsystem/api/json.hpp"
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"

namespace cs::api {

using Respond = ocpp::net::HttpResponder;

// A charger as the API shows it (api_charger_json.cpp); `connected` says whether it is online now;
// `decommissioned_at` when it was taken out of operation (details only; "" = leave the member out).
void write_charger(Writer& w, const Charger& c, bool connected, std::string_view decommissioned_at = {});
std::string charger_json(CentralSystem& cs, const Charger& c, std::string_view decommissioned_at = {});
// "https://" when the request came in over TLS (base_url.hpp's came_over_tls), else "http://": the scheme of the
// addresses this server hands out for it.
inline std::string request_scheme(const HttpRequest& req) {
    return came_over_tls(req) ? "https://" : "http://";
}
// 503 naming the store's failure (and logged).
HttpResponse store_failed(CentralSystem& cs, const ocpp::Error& e);

// The client's address without its port ("127.0.0.1:51234" -> "127.0.0.1", "[::1]:5" -> "::1"): wrong claiming
// codes are counted per client, and each new connection has another port.
std::string client_host(const std::string& remote);
void create_charger(CentralSystem& cs, const HttpRequest& req, Respond respond);
void list_chargers(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_charger(CentralSystem& cs, const std::string& id, Respond respond);
void patch_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void commission_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
// Correcting data (corrections.cpp, audit.cpp): delete a planned charger, take one out of operation, its audit trail.
void delete_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void decommission_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void charger_audit(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void charger_transactions(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void post_price_set(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void list_price_sets(CentralSystem& cs, const std::string& id, Respond respond);
// PUT (replace, same body as POST) or DELETE /api/v1/chargers/{id}/prices/{priceSetId}.
void change_price_set(CentralSystem& cs, const std::string& id, const std::string& price_id, const HttpRequest& req,
                      Respond respond);
void dashboard(CentralSystem& cs, const HttpRequest& req, Respond respond);
// GET /api/v1/cluster: the cluster's nodes, live or not (cluster_status.cpp).
void cluster_status(CentralSystem& cs, Respond respond);
void list_notifications(CentralSystem& cs, const HttpRequest& req, Respond respond);
void mark_notifications_read(CentralSystem& cs, const HttpRequest& req, Respond respond);
void put_id_tag(CentralSystem& cs, const HttpRequest& req, Respond respond);
// GET /api/v1/idtags?q=&status=&offset=&limit=: searched and paged, with the total.
void list_id_tags(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_id_tag(CentralSystem& cs, const std::string& tag, Respond respond);
// GET /api/v1/openapi.yaml (api_openapi.cpp).
void openapi_document(Respond respond);
void import_chargers(CentralSystem& cs, const HttpRequest& req, Respond respond);
void send_command(CentralSystem& cs, const std::string& id, const std::string& action, const HttpRequest& req,
                  Respond respond);
// GET /api/v1/commands: the actions send_command takes, each with its OCPP 1.6 request schema (for forms).
void list_commands(Respond respond);
// /api/v1/security-jobs: bulk password rotation and profile upgrades (api/security/security_jobs.cpp).
void create_security_job(CentralSystem& cs, const HttpRequest& req, Respond respond);
void list_security_jobs(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_security_job(CentralSystem& cs, const std::string& id, Respond respond);

// In api/security/: the operator CA (operator_ca.cpp), the chargers' certificates (certificates.cpp), security events
// (security_events.cpp).
void get_operator_ca(CentralSystem& cs, Respond respond);
void import_operator_ca(CentralSystem& cs, const HttpRequest& req, Respond respond);
void charger_certificates(CentralSystem& cs, const std::string& id, Respond respond);
void install_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void delete_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void query_installed_certificates(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void renew_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void list_security_events(CentralSystem& cs, const HttpRequest& req, Respond respond);
// A PEM text member (line breaks allowed, unlike ObjectReader::text); false with the problem set when it is wrong.
bool pem_member(ObjectReader& reader, const char* name, std::optional<std::string>& out, bool required,
                std::size_t max_length);

// Input checks (api_input.cpp).
struct NewCharger {
    Charger charger; // password_hash still empty
    std::optional<std::string> password, claim_code;
};
std::variant<NewCharger, Problem> parse_new_charger(const rapidjson::Value& body);
struct PatchInput {
    db::ChargerPatch patch; // password_hash still empty
    std::optional<std::string> password;
    std::optional<std::vector<ChargePoint>> charge_points; // replaces them all (planned chargers only)
};
std::variant<PatchInput, Problem> parse_patch(const rapidjson::Value& body);
std::variant<Commission, Problem> parse_commission(const rapidjson::Value& body);
std::variant<IdTag, Problem> parse_id_tag(const rapidjson::Value& body);
// POST /api/v1/chargers/{id}/prices; times come back normalized (UTC), chargebox_id and created_at unset.
std::variant<PriceSet, Problem> parse_price_set(const rapidjson::Value& body);
// Why `value` is not allowed for the charge point field `name` (standard, format or powerType), or nullopt.
std::optional<std::string> check_choice(std::string_view name, const std::string& value);
// "DE*ABC*E123456*1" (eMI3 / ISO 15118, separators optional); upper-cased, or nullopt when not of that form.
std::optional<std::string> normalize_evse_id(std::string_view text);
// Why `id` is not a Chargebox ID (the one rule of ocpp/text/chargebox_id.hpp), as "<field>: <reason>", or nullopt.
std::optional<std::string> chargebox_id_problem(std::string_view field, std::string_view id);

} // namespace cs::api
