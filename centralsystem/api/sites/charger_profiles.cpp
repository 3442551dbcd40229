// GET /api/v1/chargers/{id}/profiles (sites.hpp): the charging profiles a charger holds as the central system knows
// them, those its templates installed and those its site's load management sets.
#include "centralsystem/api/sites/sites.hpp"
#include "centralsystem/db/sites/profile_templates.hpp"
#include "centralsystem/sites/load_manager.hpp"

namespace cs::api {

namespace {

// Opens the object of one of load management's profiles and writes what every one of them has.
void start_site_profile(Writer& w, int connector, int profile_id, const char* purpose, int stack_level,
                        std::int64_t site, const std::string& state) {
    w.StartObject();
    w.Key("connectorId");
    w.Int(connector);
    w.Key("chargingProfileId");
    w.Int(profile_id);
    member(w, "purpose", purpose);
    w.Key("stackLevel");
    w.Int(stack_level);
    member(w, "source", "site");
    w.Key("siteId");
    w.Int64(site);
    member(w, "state", state);
}

// Load management's own profiles on this charger: the fail-safe and the TxProfile of each of its shared sessions.
void write_load_management_profiles(Writer& w, std::int64_t site, const sites::LoadManager::SiteView& live,
                                    const std::string& id) {
    for (const auto& c : live.chargers) {
        if (c.id != id) {
            continue;
        }
        start_site_profile(w, 0, sites::kFailsafeProfileId, "TxDefaultProfile", 0, site, c.failsafe);
        w.EndObject();
    }
    for (const auto& s : live.sessions) {
        if (s.charger != id) {
            continue;
        }
        start_site_profile(w, s.connector, sites::tx_profile_id(s.connector), "TxProfile", 1, site, s.state);
        w.Key("transactionId");
        w.Int64(s.transaction);
        w.Key("limitA");
        if (s.limit_a) {
            w.Double(*s.limit_a);
        } else {
            w.Null();
        }
        w.EndObject();
    }
}

} // namespace

void charger_profiles(CentralSystem& cs, const std::string& id, Respond respond) {
    using Found = std::optional<std::vector<db::InstalledProfileRow>>;
    cs.store<Found>(
        [id](store::Connection& db) -> ocpp::Result<Found> {
            auto charger = db::find_charger(db, id);
            if (!charger) {
                return charger.error();
            }
            if (!*charger) {
                return Found();
            }
            auto rows = db::installed_profiles(db, id);
            if (!rows) {
                return rows.error();
            }
            return Found(std::move(*rows));
        },
        [&cs, respond, id](ocpp::Result<Found> found) {
            if (!found) {
                return respond(store_failed(cs, found.error()));
            }
            if (!*found) {
                return respond(json_error(404, "no charger \"" + id + "\"", "chargeBoxId"));
            }
            const auto& r = *found;
            const auto site = cs.load_manager().site_of_charger(id);
            const auto live = site ? cs.load_manager().view(*site) : std::nullopt;
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("profiles");
                                      w.StartArray();
                                      for (const auto& p : *r) {
                                          w.StartObject();
                                          w.Key("connectorId");
                                          w.Int(p.connector_id);
                                          w.Key("chargingProfileId");
                                          w.Int(p.profile_id);
                                          member(w, "purpose", p.purpose);
                                          w.Key("stackLevel");
                                          w.Int(p.stack_level);
                                          member(w, "source", "template");
                                          w.Key("templateId");
                                          w.Int64(p.template_id);
                                          member(w, "templateName", p.template_name);
                                          member(w, "installedAt", p.installed_at);
                                          w.EndObject();
                                      }
                                      if (live) {
                                          write_load_management_profiles(w, *site, *live, id);
                                      }
                                      w.EndArray();
                                  })));
        });
}

} // namespace cs::api
