// Applying a charging-profile template to chargers and clearing it again (sites.hpp): SetChargingProfile or
// ClearChargingProfile to each listed charger at once (in a cluster, those of other nodes relayed a few at a time), the
// outcome per charger in one answer, and what the chargers accepted kept as installed (GET
// /api/v1/chargers/{id}/profiles lists it beside load management's own profiles).
#include <functional>
#include <limits>
#include <memory>
#include <set>

#include "centralsystem/api/cluster.hpp"
#include "centralsystem/api/sites/sites.hpp"
#include "centralsystem/db/sites/profile_templates.hpp"
#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::api {

using namespace ocpp::v16;

namespace {

constexpr std::size_t kMaxApplyChargers = 1000;

struct Target {
    std::vector<std::string> chargers;
    int connector = 0;
    std::optional<int> transaction;
};

std::variant<Target, Problem> parse_target(const rapidjson::Value& body, bool apply) {
    ObjectReader r(body, "");
    Target t;
    std::optional<int> connector, transaction;
    if (apply && (!r.integer("connectorId", connector, true, 0, 99) ||
                  !r.integer("transactionId", transaction, false, std::numeric_limits<int>::min(),
                             std::numeric_limits<int>::max()))) {
        return *r.problem();
    }
    const auto* chargers = r.raw("chargers");
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (chargers == nullptr || !chargers->IsArray() || chargers->Empty()) {
        return Problem{422, "chargers", "chargers must be a non-empty array of Chargebox IDs"};
    }
    if (chargers->Size() > kMaxApplyChargers) {
        return Problem{422, "chargers",
                       "chargers has " + std::to_string(chargers->Size()) + " entries, at most " +
                           std::to_string(kMaxApplyChargers)};
    }
    std::set<std::string> seen;
    for (rapidjson::SizeType i = 0; i < chargers->Size(); ++i) {
        const std::string field = "chargers/" + std::to_string(i);
        if (!(*chargers)[i].IsString()) {
            return Problem{422, field, "each charger must be a Chargebox ID (a string)"};
        }
        const std::string id((*chargers)[i].GetString(), (*chargers)[i].GetStringLength());
        if (auto bad = chargebox_id_problem(field, id)) {
            return Problem{422, field, *bad};
        }
        if (!seen.insert(id).second) {
            return Problem{422, field, "charger \"" + id + "\" is listed twice"};
        }
        t.chargers.push_back(id);
    }
    t.connector = connector.value_or(0);
    t.transaction = transaction;
    return t;
}

// The outcome of one charger.
struct Outcome {
    std::string charger, status, error;
};

// Collects the answers of all chargers and answers once, after `finish` stored what must be stored.
struct Batch {
    std::vector<Outcome> outcomes;
    std::size_t waiting = 0;
    std::function<void(std::vector<Outcome>)> finish;
    void done(std::size_t i, std::string status, std::string error) {
        outcomes[i].status = std::move(status);
        outcomes[i].error = std::move(error);
        if (--waiting == 0) {
            finish(std::move(outcomes));
        }
    }
};

std::string outcome_error(ocpp::CallStatus status, const std::string& description) {
    if (status == ocpp::CallStatus::Timeout || status == ocpp::CallStatus::Closed) {
        return "the charger did not answer";
    }
    return description.empty() ? "the charger's answer could not be used" : description;
}

HttpResponse outcomes_json(const db::ProfileTemplateRow& t, const std::vector<Outcome>& outcomes) {
    return json_response(200, json_object([&](Writer& w) {
                             w.Key("templateId");
                             w.Int64(t.id);
                             w.Key("chargingProfileId");
                             w.Int64(sites::kTemplateProfileIdBase + t.id);
                             w.Key("results");
                             w.StartArray();
                             for (const auto& o : outcomes) {
                                 w.StartObject();
                                 member(w, "chargeBoxId", o.charger);
                                 member(w, "status", o.status);
                                 member(w, "error", o.error);
                                 w.EndObject();
                             }
                             w.EndArray();
                         }));
}

// A charger this node does not hold: relayed (paced) to the live node that does, else "not connected".
void relay_or_not_connected(CentralSystem& cs, RelayPacer& pacer, const std::string& charger, const char* action,
                            std::string payload, const std::shared_ptr<Batch>& batch, std::size_t i) {
    if (!RelayPacer::held_elsewhere(cs, charger)) {
        return batch->done(i, "not connected", "the charger is not connected");
    }
    pacer.relay(charger, action, std::move(payload), [batch, i](std::string status, std::string error) {
        batch->done(i, std::move(status), std::move(error));
    });
}

using FoundTemplate = std::optional<db::ProfileTemplateRow>;

// Finds the template, then runs `go` with it on the loop (404 when there is none).
void with_template(CentralSystem& cs, const std::string& id, Respond respond,
                   std::function<void(const db::ProfileTemplateRow&)> go) {
    const auto n = template_id(id);
    if (n == 0) {
        return respond(json_error(404, "no template " + id, "templateId"));
    }
    cs.store<FoundTemplate>([n](store::Connection& db) { return db::find_profile_template(db, n); },
                            [&cs, respond, id, go](ocpp::Result<FoundTemplate> r) {
                                if (!r) {
                                    return respond(store_failed(cs, r.error()));
                                }
                                if (!*r) {
                                    return respond(json_error(404, "no template " + id, "templateId"));
                                }
                                go(**r);
                            });
}

// A charger that joined a site while a TxDefaultProfile or TxProfile template was on its way (the site check passed
// before the profile was recorded) gets it cleared again; the record stays until the charger confirms.
void take_back_if_in_site(CentralSystem& cs, const db::ProfileTemplateRow& t, Outcome& o) {
    const auto site = cs.load_manager().site_of_charger(o.charger);
    if (!site) {
        return;
    }
    o.error = "the charger joined site " + std::to_string(*site) +
              " while the profile was on its way; it is cleared again, as load management sets its profiles";
    auto peer = cs.peer(o.charger);
    if (!peer) {
        return;
    }
    const int id = static_cast<int>(sites::kTemplateProfileIdBase + t.id);
    ClearChargingProfileReq call;
    call.id = id;
    peer->call(call, [&cs, charger = o.charger, id](ocpp::CallOutcome<ClearChargingProfileConf> out) {
        if (out.status != ocpp::CallStatus::Ok || !out.conf) {
            return;
        }
        cs.store<bool>(
            [charger, id](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::forget_installed_profile(db, charger, id); !r) {
                    return r.error();
                }
                return true;
            },
            [](ocpp::Result<bool>) {});
    });
}

} // namespace

void apply_profile_template(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_target(doc, true);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto target = std::get<Target>(std::move(parsed));
    with_template(
        cs, id, respond, [&cs, respond, target, caller = caller_credentials(req)](const db::ProfileTemplateRow& t) {
            auto profile = template_profile(t);
            if (!profile) {
                return respond(json_error(500, "template " + std::to_string(t.id) + " is stored unreadable"));
            }
            const auto purpose = profile->chargingProfilePurpose;
            if (purpose == ChargingProfilePurposeType::ChargePointMaxProfile && target.connector != 0) {
                return respond(
                    json_error(422, "a ChargePointMaxProfile goes on connector 0 (the whole charger)", "connectorId"));
            }
            if (purpose == ChargingProfilePurposeType::TxProfile) {
                if (target.connector == 0) {
                    return respond(
                        json_error(422, "a TxProfile goes on the connector of its session (1 or more)", "connectorId"));
                }
                if (!target.transaction || target.chargers.size() != 1) {
                    return respond(
                        json_error(422, "a TxProfile is for one running session: give transactionId and one charger",
                                   "transactionId"));
                }
                profile->transactionId = target.transaction;
            } else if (target.transaction) {
                return respond(json_error(422, "transactionId belongs to TxProfile templates only", "transactionId"));
            }
            if (!cs.template_guard().begin_apply(t.id)) {
                return respond(json_error(409, "template " + std::to_string(t.id) + " is being deleted", "templateId"));
            }
            auto batch = std::make_shared<Batch>();
            batch->outcomes.resize(target.chargers.size());
            batch->waiting = target.chargers.size();
            batch->finish = [&cs, respond, t, target, purpose](std::vector<Outcome> outcomes) {
                std::vector<db::InstalledProfileRow> rows;
                for (auto& o : outcomes) {
                    if (o.status == "Accepted" && purpose != ChargingProfilePurposeType::ChargePointMaxProfile) {
                        take_back_if_in_site(cs, t, o);
                    }
                    if (o.status == "Accepted") {
                        rows.push_back({o.charger, target.connector,
                                        static_cast<int>(sites::kTemplateProfileIdBase + t.id), t.id, t.name, t.purpose,
                                        t.stack_level, cs.now_text()});
                    }
                }
                cs.store<bool>(
                    [rows](store::Connection& db) -> ocpp::Result<bool> {
                        for (const auto& row : rows) {
                            if (auto r = db::record_installed_profile(db, row); !r) {
                                return r.error();
                            }
                        }
                        return true;
                    },
                    [&cs, respond, t, outcomes](ocpp::Result<bool> stored) {
                        cs.template_guard().end_apply(t.id);
                        if (!stored) {
                            return respond(store_failed(cs, stored.error()));
                        }
                        respond(outcomes_json(t, outcomes));
                    });
            };
            auto pacer = std::make_shared<RelayPacer>(cs, caller);
            SetChargingProfileReq call;
            call.connectorId = target.connector;
            call.csChargingProfiles = *profile;
            for (std::size_t i = 0; i < target.chargers.size(); ++i) {
                const auto& charger = target.chargers[i];
                batch->outcomes[i].charger = charger;
                // A site's chargers get their TxProfiles and TxDefaultProfile from its load management alone: a
                // template of either purpose would override the shares that keep the site within its limit.
                const auto site = cs.load_manager().site_of_charger(charger);
                if (site && purpose != ChargingProfilePurposeType::ChargePointMaxProfile) {
                    batch->done(i, "refused",
                                "the charger belongs to site " + std::to_string(*site) +
                                    ", whose load management sets its TxProfiles and TxDefaultProfile");
                    continue;
                }
                auto peer = cs.peer(charger);
                if (!peer) {
                    // In a cluster a charger of another node gets it through that node, a few at a time.
                    relay_or_not_connected(cs, *pacer, charger, "SetChargingProfile", ocpp::v16::to_json_string(call),
                                           batch, i);
                    continue;
                }
                peer->call(call, [batch, i](ocpp::CallOutcome<SetChargingProfileConf> out) {
                    if (out.status == ocpp::CallStatus::Ok && out.conf) {
                        return batch->done(i, to_string(out.conf->status), "");
                    }
                    batch->done(i, "failed", outcome_error(out.status, out.error_description));
                });
            }
        });
}

void clear_profile_template(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_target(doc, false);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto target = std::get<Target>(std::move(parsed));
    with_template(cs, id, respond,
                  [&cs, respond, target, caller = caller_credentials(req)](const db::ProfileTemplateRow& t) {
                      const int profile_id = static_cast<int>(sites::kTemplateProfileIdBase + t.id);
                      auto batch = std::make_shared<Batch>();
                      batch->outcomes.resize(target.chargers.size());
                      batch->waiting = target.chargers.size();
                      batch->finish = [&cs, respond, t, profile_id](std::vector<Outcome> outcomes) {
                          // Cleared, or unknown to the charger: either way it holds the profile no longer.
                          std::vector<std::string> gone;
                          for (const auto& o : outcomes) {
                              if (o.status == "Accepted" || o.status == "Unknown") {
                                  gone.push_back(o.charger);
                              }
                          }
                          cs.store<bool>(
                              [gone, profile_id](store::Connection& db) -> ocpp::Result<bool> {
                                  for (const auto& c : gone) {
                                      if (auto r = db::forget_installed_profile(db, c, profile_id); !r) {
                                          return r.error();
                                      }
                                  }
                                  return true;
                              },
                              [&cs, respond, t, outcomes](ocpp::Result<bool> stored) {
                                  if (!stored) {
                                      return respond(store_failed(cs, stored.error()));
                                  }
                                  respond(outcomes_json(t, outcomes));
                              });
                      };
                      auto pacer = std::make_shared<RelayPacer>(cs, caller);
                      ClearChargingProfileReq call;
                      call.id = profile_id;
                      for (std::size_t i = 0; i < target.chargers.size(); ++i) {
                          batch->outcomes[i].charger = target.chargers[i];
                          auto peer = cs.peer(target.chargers[i]);
                          if (!peer) {
                              relay_or_not_connected(cs, *pacer, target.chargers[i], "ClearChargingProfile",
                                                     ocpp::v16::to_json_string(call), batch, i);
                              continue;
                          }
                          peer->call(call, [batch, i](ocpp::CallOutcome<ClearChargingProfileConf> out) {
                              if (out.status == ocpp::CallStatus::Ok && out.conf) {
                                  return batch->done(i, to_string(out.conf->status), "");
                              }
                              batch->done(i, "failed", outcome_error(out.status, out.error_description));
                          });
                      }
                  });
}

} // namespace cs::api
