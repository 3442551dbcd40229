// /api/v1/profile-templates (sites.hpp): named charging profiles, checked by the core's smart-charging rules when
// they are made, so that applying one fails only where a charger's own limits refuse it.
#include <set>

#include "centralsystem/api/sites/sites.hpp"
#include "centralsystem/db/sites/profile_templates.hpp"
#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::api {

using namespace ocpp::v16;
namespace sc = ocpp::smartcharging;

namespace {

// The field a core rejection is about, for the 422 that names it.
std::string field_of(sc::RejectReason r) {
    switch (r) {
    case sc::RejectReason::StackLevelOutOfRange:
        return "profile/stackLevel";
    case sc::RejectReason::UnitNotAllowed:
        return "profile/chargingSchedule/chargingRateUnit";
    case sc::RejectReason::BadMinChargingRate:
        return "profile/chargingSchedule/minChargingRate";
    case sc::RejectReason::BadDuration:
        return "profile/chargingSchedule/duration";
    case sc::RejectReason::RelativeWithStartSchedule:
    case sc::RejectReason::RecurringWithoutStartSchedule:
        return "profile/chargingSchedule/startSchedule";
    case sc::RejectReason::RecurringWithoutRecurrencyKind:
        return "profile/recurrencyKind";
    case sc::RejectReason::ValidToNotAfterValidFrom:
        return "profile/validTo";
    case sc::RejectReason::NoPeriods:
    case sc::RejectReason::TooManyPeriods:
    case sc::RejectReason::FirstPeriodNotZero:
    case sc::RejectReason::PeriodsNotAscending:
    case sc::RejectReason::BadLimit:
    case sc::RejectReason::BadNumberPhases:
        return "profile/chargingSchedule/chargingSchedulePeriod";
    default:
        return "profile";
    }
}

void write_template(Writer& w, const db::ProfileTemplateRow& t) {
    w.StartObject();
    w.Key("id");
    w.Int64(t.id);
    member(w, "name", t.name);
    w.Key("chargingProfileId");
    w.Int64(sites::kTemplateProfileIdBase + t.id);
    member(w, "purpose", t.purpose);
    w.Key("stackLevel");
    w.Int(t.stack_level);
    w.Key("profile");
    w.RawValue(t.profile.data(), t.profile.size(), rapidjson::kObjectType);
    member(w, "createdAt", t.created_at);
    w.EndObject();
}

} // namespace

std::int64_t template_id(const std::string& text) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
        return 0;
    }
    return std::stoll(text);
}

std::optional<ChargingProfile> template_profile(const db::ProfileTemplateRow& t) {
    rapidjson::Document doc;
    doc.Parse(t.profile.data(), t.profile.size());
    ChargingProfile p;
    Decoder d;
    if (doc.HasParseError() || !read_value(doc, p, d)) {
        return std::nullopt;
    }
    p.chargingProfileId = static_cast<int>(sites::kTemplateProfileIdBase + t.id);
    return p;
}

std::variant<db::ProfileTemplateRow, Problem> parse_template(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    std::optional<std::string> name;
    if (!r.text("name", name, true, 64)) {
        return *r.problem();
    }
    const auto* given = r.raw("profile");
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (given == nullptr || !given->IsObject()) {
        return Problem{422, "profile",
                       "profile must be an OCPP 1.6 ChargingProfile object (without chargingProfileId "
                       "and transactionId: those are given when the template is applied)"};
    }
    for (const char* own : {"chargingProfileId", "transactionId"}) {
        if (given->HasMember(own)) {
            return Problem{422, std::string("profile/") + own,
                           std::string(own) + " is given when the template is applied, not in the template"};
        }
    }
    rapidjson::Document copy;
    copy.CopyFrom(*given, copy.GetAllocator());
    copy.AddMember("chargingProfileId", 1, copy.GetAllocator());
    ChargingProfile p;
    Decoder d;
    if (!read_value(copy, p, d)) {
        return Problem{422, "profile" + d.error()->pointer, d.error()->message};
    }
    // The load manager's own profiles stay its own: a template never takes their purpose and stack level, where the
    // charger would replace one with the other.
    if (p.chargingProfilePurpose == ChargingProfilePurposeType::TxDefaultProfile && p.stackLevel == 0) {
        return Problem{422, "profile/stackLevel",
                       "stack level 0 of TxDefaultProfile is reserved for the sites' fail-safe (load management); "
                       "choose 1 or more"};
    }
    if (p.chargingProfilePurpose == ChargingProfilePurposeType::TxProfile && p.stackLevel == 1) {
        return Problem{422, "profile/stackLevel",
                       "stack level 1 of TxProfile is reserved for the sites' session limits (load management); "
                       "choose another"};
    }
    // The core's rules (OCPP 1.6 sections 3.13 and 5.16) on a charger with default limits and one connector.
    sc::ProfileStore check(sc::Limits{});
    int connector = 0;
    if (p.chargingProfilePurpose == ChargingProfilePurposeType::TxProfile) {
        connector = 1;
        p.transactionId = 1;
        check.transaction_started(1, ocpp::DateTime{}, 1);
    }
    if (const auto verdict = check.validate(connector, p); !verdict.accepted()) {
        return Problem{422, verdict.reason ? field_of(*verdict.reason) : "profile", verdict.text};
    }
    p.chargingProfileId = 0;
    p.transactionId.reset();
    db::ProfileTemplateRow row;
    row.name = *name;
    row.purpose = to_string(p.chargingProfilePurpose);
    row.stack_level = p.stackLevel;
    row.profile = to_json_string(p);
    return row;
}

void list_profile_templates(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<db::ProfileTemplateRow>>([](store::Connection& db) { return db::list_profile_templates(db); },
                                                  [&cs, respond](ocpp::Result<std::vector<db::ProfileTemplateRow>> r) {
                                                      if (!r) {
                                                          return respond(store_failed(cs, r.error()));
                                                      }
                                                      respond(json_response(200, json_object([&](Writer& w) {
                                                                                w.Key("templates");
                                                                                w.StartArray();
                                                                                for (const auto& t : *r) {
                                                                                    write_template(w, t);
                                                                                }
                                                                                w.EndArray();
                                                                            })));
                                                  });
}

void create_profile_template(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_template(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto row = std::get<db::ProfileTemplateRow>(std::move(parsed));
    row.created_at = cs.now_text();
    cs.store<db::TemplateAdded>(
        [row](store::Connection& db) { return db::add_profile_template(db, row); },
        [&cs, respond, row](ocpp::Result<db::TemplateAdded> r) mutable {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (r->full) {
                return respond(json_error(409,
                                          "there are " + std::to_string(db::kMaxProfileTemplates) +
                                              " templates already, at most so many",
                                          "name"));
            }
            if (r->exhausted) {
                return respond(json_error(
                    409, "template ids are used up (at most " + std::to_string(db::kMaxProfileTemplateId) + ")",
                    "name"));
            }
            if (r->id == 0) {
                return respond(json_error(409, "a template is named \"" + row.name + "\" already", "name"));
            }
            row.id = r->id;
            respond(json_response(201, json_object([&](Writer& w) {
                                      w.Key("template");
                                      write_template(w, row);
                                  })));
        });
}

void get_profile_template(CentralSystem& cs, const std::string& id, Respond respond) {
    const auto n = template_id(id);
    if (n == 0) {
        return respond(json_error(404, "no template " + id, "templateId"));
    }
    cs.store<std::optional<db::ProfileTemplateRow>>(
        [n](store::Connection& db) { return db::find_profile_template(db, n); },
        [&cs, respond, id](ocpp::Result<std::optional<db::ProfileTemplateRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no template " + id, "templateId"));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("template");
                                      write_template(w, **r);
                                  })));
        });
}

void delete_profile_template(CentralSystem& cs, const std::string& id, Respond respond) {
    const auto n = template_id(id);
    if (n == 0) {
        return respond(json_error(404, "no template " + id, "templateId"));
    }
    if (!cs.template_guard().begin_delete(n)) {
        return respond(json_error(409, "template " + id + " is being applied to chargers: delete it once that answered",
                                  "templateId"));
    }
    // -1: still installed somewhere; 0: no such template; 1: deleted.
    cs.store<int>(
        [n](store::Connection& db) -> ocpp::Result<int> {
            auto used = db::template_installations(db, n);
            if (!used) {
                return used.error();
            }
            if (*used > 0) {
                return -1;
            }
            auto gone = db::delete_profile_template(db, n);
            if (!gone) {
                return gone.error();
            }
            return *gone ? 1 : 0;
        },
        [&cs, respond, id, n](ocpp::Result<int> r) {
            cs.template_guard().end_delete(n);
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (*r == 0) {
                return respond(json_error(404, "no template " + id, "templateId"));
            }
            if (*r < 0) {
                return respond(json_error(409, "template " + id + " is installed on chargers: clear it from them first",
                                          "templateId"));
            }
            HttpResponse done;
            done.status = 204;
            respond(std::move(done));
        });
}

} // namespace cs::api
