#pragma once
// /api/v1/sites: load-management sites (their limit, schedule, minimum per session, fail-safe limit and chargers)
// and what the sharing does now; /api/v1/chargers/{id}/connectors/{n}/composite-schedule asks a charger.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/sites/profile_templates.hpp"
#include "centralsystem/db/sites/sites.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::api {

// A site as a request gives it; chargers nullopt: an update leaves them as they are.
struct SiteInput {
    db::SiteRow row;
    std::optional<std::vector<std::string>> chargers;
};
// Checks a site body (site_input.cpp): every problem names its field.
std::variant<SiteInput, Problem> parse_site(const rapidjson::Value& body);

void list_sites(CentralSystem& cs, Respond respond);
void create_site(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_site(CentralSystem& cs, const std::string& id, Respond respond);
// PUT replaces the site's fields (and its chargers when the body has them).
void update_site(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
void delete_site(CentralSystem& cs, const std::string& id, Respond respond);
// /api/v1/profile-templates (templates.cpp, template_apply.cpp): named charging profiles applied to chargers.
// "7" as a template id, or 0.
std::int64_t template_id(const std::string& text);
// A template body {name, profile}: the profile checked by the core's smart-charging rules; reserved stack levels of
// load management refused. Every problem names its field.
std::variant<db::ProfileTemplateRow, Problem> parse_template(const rapidjson::Value& body);
// The stored template as the ChargingProfile it sends (its chargingProfileId set), or nullopt when unreadable.
std::optional<ocpp::v16::ChargingProfile> template_profile(const db::ProfileTemplateRow& t);
void list_profile_templates(CentralSystem& cs, Respond respond);
void create_profile_template(CentralSystem& cs, const HttpRequest& req, Respond respond);
void get_profile_template(CentralSystem& cs, const std::string& id, Respond respond);
// 409 while the template is installed on a charger.
void delete_profile_template(CentralSystem& cs, const std::string& id, Respond respond);
// POST .../apply {chargers, connectorId, transactionId?}: SetChargingProfile to each, the outcome per charger.
void apply_profile_template(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
// POST .../clear {chargers}: ClearChargingProfile of the template's profile id, the outcome per charger.
void clear_profile_template(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond);
// GET /api/v1/chargers/{id}/profiles: the templates installed on it and load management's own profiles.
void charger_profiles(CentralSystem& cs, const std::string& id, Respond respond);

// GET ...?duration=seconds&unit=A|W: GetCompositeSchedule to the charger, its answer as JSON.
void composite_schedule(CentralSystem& cs, const std::string& id, const std::string& connector, const HttpRequest& req,
                        Respond respond);

} // namespace cs::api
