#pragma once
// /api/v1/sites: load-management sites (their limit, schedule, minimum per session, fail-safe limit and chargers)
// and what the sharing does now; /api/v1/chargers/{id}/connectors/{n}/composite-schedule asks a charger.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/sites.hpp"

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
// GET ...?duration=seconds&unit=A|W: GetCompositeSchedule to the charger, its answer as JSON.
void composite_schedule(CentralSystem& cs, const std::string& id, const std::string& connector, const HttpRequest& req,
                        Respond respond);

} // namespace cs::api
