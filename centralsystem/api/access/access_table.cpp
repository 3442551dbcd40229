// The permission of every REST route, in one place: what role it needs and which chargers' data it reaches. Reads
// need Read; setting chargers up (create, import, edit, commission) needs Install; everything else that changes
// something needs Operate; users and the operator CA need Admin. A route missing here needs Admin (a test checks
// that every route of api_routes() is listed).
#include "centralsystem/api/access/access.hpp"

namespace cs::api {

namespace {

constexpr Permission reads_all{Need::Read, Reach::Everyone};
constexpr Permission reads_charger{Need::Read, Reach::Charger};
constexpr Permission operate_all{Need::Operate, Reach::Everyone};
constexpr Permission operate_charger{Need::Operate, Reach::Charger};

} // namespace

const std::vector<std::tuple<const char*, const char*, Permission>>& permission_table() {
    static const std::vector<std::tuple<const char*, const char*, Permission>> table{
        {"GET", "/api/v1/session", {Need::Read, Reach::Own}},
        {"POST", "/api/v1/session", {Need::Read, Reach::Own}},
        {"DELETE", "/api/v1/session", {Need::Read, Reach::Own}},
        {"GET", "/api/v1/users", {Need::Admin, Reach::Everyone}},
        {"POST", "/api/v1/users", {Need::Admin, Reach::Everyone}},
        {"DELETE", "/api/v1/users/{userName}", {Need::Admin, Reach::Everyone}},
        {"POST", "/api/v1/users/{userName}/tokens", {Need::Admin, Reach::Everyone}},
        {"GET", "/api/v1/users/{userName}/tokens", {Need::Admin, Reach::Everyone}},
        {"DELETE", "/api/v1/users/{userName}/tokens/{tokenId}", {Need::Admin, Reach::Everyone}},
        // The operators' models are shared by every provider: a provider's user cannot delete them.
        {"DELETE", "/api/v1/hardware-models/{vendor}/{model}", {Need::Operate, Reach::Everyone}},
        {"GET", "/api/v1/chargers", {Need::Read, Reach::Listed}},
        {"POST", "/api/v1/chargers", {Need::Install, Reach::Everyone}},
        {"POST", "/api/v1/chargers/import", {Need::Install, Reach::Everyone}},
        {"GET", "/api/v1/chargers/{chargeBoxId}", reads_charger},
        {"PATCH", "/api/v1/chargers/{chargeBoxId}", {Need::Install, Reach::Charger}},
        {"POST", "/api/v1/chargers/{chargeBoxId}/commission", {Need::Install, Reach::Charger}},
        {"DELETE", "/api/v1/chargers/{chargeBoxId}", {Need::Install, Reach::Charger}},
        {"POST", "/api/v1/chargers/{chargeBoxId}/decommission", operate_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/audit", reads_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/profiles", reads_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/transactions", reads_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/prices", reads_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/prices", operate_charger},
        {"PUT", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}", operate_charger},
        {"DELETE", "/api/v1/chargers/{chargeBoxId}/prices/{priceSetId}", operate_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/certificates", reads_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/install", operate_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/delete", operate_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/query", operate_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/certificates/renew", operate_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/connectors/{connectorId}/composite-schedule", reads_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/logs", reads_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/logs", operate_charger},
        {"GET", "/api/v1/commands", {Need::Read, Reach::Own}},
        {"POST", "/api/v1/chargers/{chargeBoxId}/commands/{action}", operate_charger},
        {"GET", "/api/v1/dashboard", {Need::Read, Reach::Listed}},
        {"GET", "/api/v1/cluster", reads_all},
        {"GET", "/api/v1/notifications", reads_all},
        {"POST", "/api/v1/notifications/read", operate_all},
        {"GET", "/api/v1/security-events", reads_all},
        {"GET", "/api/v1/ca", reads_all},
        {"POST", "/api/v1/ca/import", {Need::Admin, Reach::Everyone}},
        {"GET", "/api/v1/firmware", reads_all},
        {"POST", "/api/v1/firmware", operate_all},
        {"GET", "/api/v1/firmware/{firmwareId}", reads_all},
        {"POST", "/api/v1/firmware/{firmwareId}/updates", operate_all},
        {"GET", "/api/v1/firmware/{firmwareId}/updates/{updateId}", reads_all},
        {"GET", "/api/v1/chargers/{chargeBoxId}/data-transfers", reads_charger},
        {"GET", "/api/v1/chargers/{chargeBoxId}/diagnostics", reads_charger},
        {"POST", "/api/v1/chargers/{chargeBoxId}/diagnostics", operate_charger},
        {"GET", "/api/v1/data-transfers", reads_all},
        {"GET", "/api/v1/rollouts", reads_all},
        {"POST", "/api/v1/rollouts", operate_all},
        {"GET", "/api/v1/rollouts/files", reads_all},
        {"POST", "/api/v1/rollouts/files", operate_all},
        {"GET", "/api/v1/rollouts/{jobId}", reads_all},
        {"POST", "/api/v1/rollouts/{jobId}/cancel", operate_all},
        {"GET", "/api/v1/idtags", reads_all},
        {"POST", "/api/v1/idtags", operate_all},
        {"GET", "/api/v1/idtags/{idTag}", reads_all},
        {"GET", "/api/v1/sessions", {Need::Read, Reach::Listed}},
        {"GET", "/api/v1/sessions/export", {Need::Read, Reach::Listed}},
        {"GET", "/api/v1/local-lists", reads_all},
        {"POST", "/api/v1/local-lists", operate_all},
        {"GET", "/api/v1/local-lists/{group}", reads_all},
        {"PATCH", "/api/v1/local-lists/{group}", operate_all},
        {"DELETE", "/api/v1/local-lists/{group}", operate_all},
        {"POST", "/api/v1/local-lists/{group}/chargers", operate_all},
        {"POST", "/api/v1/local-lists/{group}/idtags", operate_all},
        {"POST", "/api/v1/local-lists/{group}/sync", operate_all},
        {"GET", "/api/v1/logs/{logId}/file", reads_all},
        {"GET", "/api/v1/openapi.yaml", {Need::Read, Reach::Own}},
        {"GET", "/api/v1/sites", reads_all},
        {"POST", "/api/v1/sites", operate_all},
        {"GET", "/api/v1/sites/{siteId}", reads_all},
        {"PUT", "/api/v1/sites/{siteId}", operate_all},
        {"DELETE", "/api/v1/sites/{siteId}", operate_all},
        {"GET", "/api/v1/reservations", reads_all},
        {"POST", "/api/v1/reservations", operate_all},
        {"GET", "/api/v1/reservations/{reservationId}", reads_all},
        {"DELETE", "/api/v1/reservations/{reservationId}", operate_all},
        {"GET", "/api/v1/security-jobs", reads_all},
        {"POST", "/api/v1/security-jobs", operate_all},
        {"GET", "/api/v1/security-jobs/{jobId}", reads_all},
        {"GET", "/api/v1/profile-templates", reads_all},
        {"POST", "/api/v1/profile-templates", operate_all},
        {"GET", "/api/v1/profile-templates/{templateId}", reads_all},
        {"DELETE", "/api/v1/profile-templates/{templateId}", operate_all},
        {"POST", "/api/v1/profile-templates/{templateId}/apply", operate_all},
        {"POST", "/api/v1/profile-templates/{templateId}/clear", operate_all},
        {"GET", "/api/v1/hardware-models", {Need::Read, Reach::Own}},
        {"POST", "/api/v1/hardware-models", {Need::Install, Reach::Own}},
        {"GET", "/api/v1/claims/{claimCode}", {Need::Install, Reach::Everyone}},
    };
    return table;
}

bool allows(Role role, Need need) {
    switch (need) {
    case Need::Read:
        return true;
    case Need::Install:
        return role == Role::Installer || role == Role::Operator || role == Role::Admin;
    case Need::Operate:
        return role == Role::Operator || role == Role::Admin;
    case Need::Admin:
        return role == Role::Admin;
    }
    return false;
}

std::optional<Role> role_from(std::string_view name) {
    for (Role r : {Role::ReadOnly, Role::Installer, Role::Operator, Role::Admin}) {
        if (role_name(r) == name) {
            return r;
        }
    }
    return std::nullopt;
}

std::string_view role_name(Role role) {
    switch (role) {
    case Role::ReadOnly:
        return "read-only";
    case Role::Installer:
        return "installer";
    case Role::Operator:
        return "operator";
    case Role::Admin:
        return "admin";
    }
    return "read-only";
}

} // namespace cs::api
