// /api/v1/sites (sites.hpp): the sites in the store, and the live sharing from the LoadManager.
#include "centralsystem/api/sites/sites.hpp"

#include "centralsystem/sites/load_manager.hpp"

namespace cs::api {

namespace {

// "42" as a site id, or 0.
std::int64_t site_id(const std::string& text) {
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) {
        return 0;
    }
    return std::stoll(text);
}

void write_site(Writer& w, const db::SiteRow& s, const std::optional<sites::LoadManager::SiteView>& live) {
    w.StartObject();
    w.Key("id");
    w.Int64(s.id);
    member(w, "name", s.name);
    member(w, "unit", s.unit);
    w.Key("limit");
    w.Double(s.limit);
    w.Key("phases");
    w.Int(s.phases);
    w.Key("voltage");
    w.Double(s.voltage);
    w.Key("minSessionCurrent");
    w.Double(s.min_session_a);
    w.Key("failsafeCurrent");
    w.Double(s.failsafe_a);
    w.Key("schedule");
    w.StartArray();
    for (const auto& p : s.schedule) {
        w.StartObject();
        char hhmm[32];
        std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", p.start_minute / 60, p.start_minute % 60);
        member(w, "start", hhmm);
        w.Key("limit");
        w.Double(p.limit_a);
        w.EndObject();
    }
    w.EndArray();
    w.Key("chargers");
    w.StartArray();
    for (const auto& c : s.chargers) {
        w.String(c.c_str());
    }
    w.EndArray();
    member(w, "createdAt", s.created_at);
    member(w, "updatedAt", s.updated_at);
    if (live) {
        w.Key("live");
        w.StartObject();
        w.Key("limitNowA");
        w.Double(live->limit_a);
        w.Key("limitNowW");
        w.Double(live->limit_w);
        w.Key("partA");
        w.Double(live->part_a);
        w.Key("limitsSumA");
        w.Double(live->limits_sum_a);
        w.Key("powerW");
        w.Double(live->power_w);
        w.Key("peakLimitsSumA");
        w.Double(live->peak_limits_sum_a);
        w.Key("peakPowerW");
        w.Double(live->peak_power_w);
        w.Key("latency");
        w.StartObject();
        w.Key("count");
        w.Uint64(live->latency.count);
        w.Key("p50Ms");
        w.Double(live->latency.p50_ms);
        w.Key("p99Ms");
        w.Double(live->latency.p99_ms);
        w.Key("maxMs");
        w.Double(live->latency.max_ms);
        w.EndObject();
        w.Key("sessions");
        w.StartArray();
        for (const auto& x : live->sessions) {
            w.StartObject();
            member(w, "chargeBoxId", x.charger);
            w.Key("connectorId");
            w.Int(x.connector);
            w.Key("transactionId");
            w.Int64(x.transaction);
            w.Key("maxA");
            w.Double(x.max_a);
            w.Key("targetA");
            w.Double(x.target_a);
            w.Key("limitA");
            if (x.limit_a) {
                w.Double(*x.limit_a);
            } else {
                w.Null();
            }
            member(w, "state", x.state);
            member(w, "error", x.error);
            w.Key("powerW");
            if (x.power_w) {
                w.Double(*x.power_w);
            } else {
                w.Null();
            }
            w.EndObject();
        }
        w.EndArray();
        w.Key("chargers");
        w.StartArray();
        for (const auto& c : live->chargers) {
            w.StartObject();
            member(w, "chargeBoxId", c.id);
            w.Key("online");
            w.Bool(c.online);
            member(w, "failsafe", c.failsafe);
            member(w, "error", c.error);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndObject();
}

std::string site_json(CentralSystem& cs, const db::SiteRow& s) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_site(w, s, cs.load_manager().view(s.id));
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// What a create or update found: the stored site, or why not.
struct Saved {
    std::optional<db::SiteRow> row;
    std::optional<Problem> problem;
};

void save(CentralSystem& cs, std::int64_t id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_site(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto in = std::get<SiteInput>(std::move(parsed));
    in.row.id = id;
    in.row.updated_at = cs.now_text();
    cs.store<Saved>(
        [in](store::Connection& db) -> ocpp::Result<Saved> {
            Saved out;
            if (in.row.id == 0) {
                auto n = db::count_sites(db);
                if (!n) {
                    return n.error();
                }
                if (*n >= static_cast<std::int64_t>(sites::kMaxSites)) {
                    out.problem = Problem{409, "name",
                                          "there are " + std::to_string(*n) + " sites, at most " +
                                              std::to_string(sites::kMaxSites)};
                    return out;
                }
            } else {
                auto found = db::find_site(db, in.row.id);
                if (!found) {
                    return found.error();
                }
                if (!*found) {
                    out.problem = Problem{404, "siteId", "no site " + std::to_string(in.row.id)};
                    return out;
                }
            }
            auto other = db::site_named(db, in.row.name, in.row.id);
            if (!other) {
                return other.error();
            }
            if (*other) {
                out.problem = Problem{409, "name", "site " + std::to_string(*other) + " is named so already"};
                return out;
            }
            if (in.chargers) {
                auto bad = db::site_chargers_problem(db, in.row.id, *in.chargers);
                if (!bad) {
                    return bad.error();
                }
                if (*bad) {
                    out.problem = Problem{(*bad)->unknown_charger ? 422 : 409, (*bad)->field, (*bad)->error};
                    return out;
                }
            }
            // Checked: from here nothing is refused.
            auto saved = db::save_site(db, in.row);
            if (!saved) {
                return saved.error();
            }
            if (in.chargers && *saved) {
                if (auto set = db::set_site_chargers(db, (*saved)->id, *in.chargers); !set) {
                    return set.error();
                }
                saved = db::find_site(db, (*saved)->id);
                if (!saved) {
                    return saved.error();
                }
            }
            out.row = std::move(*saved);
            return out;
        },
        [&cs, respond, created = id == 0](ocpp::Result<Saved> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (r->problem) {
                return respond(r->problem->response());
            }
            if (!r->row) {
                return respond(json_error(404, "the site is gone"));
            }
            cs.load_manager().site_saved(*r->row);
            respond(json_response(created ? 201 : 200, site_json(cs, *r->row)));
        });
}

} // namespace

void list_sites(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<db::SiteRow>>([](store::Connection& db) { return db::list_sites(db); },
                                       [&cs, respond](ocpp::Result<std::vector<db::SiteRow>> r) {
                                           if (!r) {
                                               return respond(store_failed(cs, r.error()));
                                           }
                                           respond(json_response(200, json_object([&](Writer& w) {
                                                                     w.Key("sites");
                                                                     w.StartArray();
                                                                     for (const auto& s : *r) {
                                                                         write_site(w, s, cs.load_manager().view(s.id));
                                                                     }
                                                                     w.EndArray();
                                                                 })));
                                       });
}

void create_site(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    save(cs, 0, req, std::move(respond));
}

void update_site(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    const auto n = site_id(id);
    if (n == 0) {
        return respond(json_error(404, "no site " + id, "siteId"));
    }
    save(cs, n, req, std::move(respond));
}

void get_site(CentralSystem& cs, const std::string& id, Respond respond) {
    const auto n = site_id(id);
    if (n == 0) {
        return respond(json_error(404, "no site " + id, "siteId"));
    }
    cs.store<std::optional<db::SiteRow>>([n](store::Connection& db) { return db::find_site(db, n); },
                                         [&cs, respond, id](ocpp::Result<std::optional<db::SiteRow>> r) {
                                             if (!r) {
                                                 return respond(store_failed(cs, r.error()));
                                             }
                                             if (!*r) {
                                                 return respond(json_error(404, "no site " + id, "siteId"));
                                             }
                                             respond(json_response(200, site_json(cs, **r)));
                                         });
}

void delete_site(CentralSystem& cs, const std::string& id, Respond respond) {
    const auto n = site_id(id);
    if (n == 0) {
        return respond(json_error(404, "no site " + id, "siteId"));
    }
    cs.store<bool>([n](store::Connection& db) { return db::delete_site(db, n); },
                   [&cs, respond, id, n](ocpp::Result<bool> r) {
                       if (!r) {
                           return respond(store_failed(cs, r.error()));
                       }
                       if (!*r) {
                           return respond(json_error(404, "no site " + id, "siteId"));
                       }
                       cs.load_manager().site_deleted(n);
                       HttpResponse done;
                       done.status = 204;
                       respond(std::move(done));
                   });
}

} // namespace cs::api
