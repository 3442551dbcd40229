#pragma once
// Charging-profile templates in the store: a named ChargingProfile body (its id and transaction left to the time it is
// applied), and which template the central system installed on which charger's connector. In the sites' migration
// track ("centralsystem-sites", version 2).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// At most this many templates (the API refuses more).
inline constexpr std::size_t kMaxProfileTemplates = 200;

struct ProfileTemplateRow {
    std::int64_t id = 0;
    std::string name;
    std::string purpose; // ChargePointMaxProfile, TxDefaultProfile or TxProfile
    int stack_level = 0;
    std::string profile; // the ChargingProfile as JSON, chargingProfileId 0 and no transactionId
    std::string created_at;
};

// One template installed on one connector (the charger accepted it).
struct InstalledProfileRow {
    std::string chargebox_id;
    int connector_id = 0;
    int profile_id = 0;
    std::int64_t template_id = 0;
    std::string template_name, purpose;
    int stack_level = 0;
    std::string installed_at;
};

store::Migration profile_templates_migration();

Result<std::vector<ProfileTemplateRow>> list_profile_templates(Connection& db);
Result<std::optional<ProfileTemplateRow>> find_profile_template(Connection& db, std::int64_t id);
// The highest template id handed out: a template's chargingProfileId (a base plus its id) stays below load
// management's ids however many templates were created and deleted over time.
inline constexpr std::int64_t kMaxProfileTemplateId = 59999;
// The new template's id; 0 when the name is taken, kMaxProfileTemplates exist (`full`) or the ids are used up
// (`exhausted`).
struct TemplateAdded {
    std::int64_t id = 0;
    bool full = false;
    bool exhausted = false;
};
Result<TemplateAdded> add_profile_template(Connection& db, const ProfileTemplateRow& row);
// How many connectors hold it; a template still installed is not deleted (false with `installed` set).
Result<std::int64_t> template_installations(Connection& db, std::int64_t id);
Result<bool> delete_profile_template(Connection& db, std::int64_t id);

// The charger accepted it: it replaces a profile of the same id, or of the same purpose and stack level, on that
// connector (as the charger does, OCPP 1.6 section 5.16).
Result<void> record_installed_profile(Connection& db, const InstalledProfileRow& row);
// The charger cleared a profile id (on every connector).
Result<void> forget_installed_profile(Connection& db, const std::string& chargebox_id, int profile_id);
// What the central system installed on a charger, by connector and stack level.
Result<std::vector<InstalledProfileRow>> installed_profiles(Connection& db, const std::string& chargebox_id);

} // namespace cs::db
