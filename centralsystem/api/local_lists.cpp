// /api/v1/local-lists: the groups with their chargers' sync state, and resyncs (local_lists.hpp).
#include "centralsystem/api/local_lists.hpp"

#include "centralsystem/authlists/local_lists.hpp"
#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/db/authlists/local_lists.hpp"

namespace cs::api {

namespace {

constexpr std::int64_t kMaxChargersShown = 5000;

struct ListsView {
    std::vector<db::ListGroup> groups;
    std::vector<std::pair<std::string, db::ChargerListState>> chargers; // (group now, state)
};

void write_list_charger(CentralSystem& cs, Writer& w, const db::ListGroup& g, const db::ChargerListState& s) {
    w.StartObject();
    member(w, "chargeBoxId", s.chargebox_id);
    w.Key("connected");
    w.Bool(cs.online(s.chargebox_id));
    w.Key("version");
    w.Int64(s.version);
    member(w, "versionOf", s.group);
    w.Key("inSync");
    w.Bool(s.group == g.name && s.version == g.version);
    w.Key("syncing");
    w.Bool(cs.local_lists().syncing(s.chargebox_id));
    member(w, "result", s.result);
    member(w, "detail", s.detail);
    member_or_null(w, "at", s.at.empty() ? std::nullopt : std::optional<std::string>(s.at));
    w.EndObject();
}

} // namespace

void write_list_group(Writer& w, const db::ListGroup& g) {
    member(w, "name", g.name);
    member(w, "description", g.description);
    member(w, "idTags", db::to_string(g.tags));
    w.Key("version");
    w.Int64(g.version);
    w.Key("size");
    w.Int64(g.size);
    w.Key("assignedIdTags");
    w.Int64(g.assigned);
    w.Key("members");
    w.Int64(g.members);
}

void list_local_lists(CentralSystem& cs, Respond respond) {
    cs.store<ListsView>(
        [](store::Connection& db) -> ocpp::Result<ListsView> {
            ListsView v;
            auto groups = db::list_groups(db);
            if (!groups) {
                return groups.error();
            }
            v.groups = std::move(*groups);
            auto states = db::charger_list_states(db, kMaxChargersShown);
            if (!states) {
                return states.error();
            }
            v.chargers = std::move(*states);
            return v;
        },
        [&cs, respond](ocpp::Result<ListsView> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("groups");
                                      w.StartArray();
                                      for (const auto& g : r->groups) {
                                          w.StartObject();
                                          write_list_group(w, g);
                                          w.Key("chargers");
                                          w.StartArray();
                                          for (const auto& [group, s] : r->chargers) {
                                              if (group == g.name) {
                                                  write_list_charger(cs, w, g, s);
                                              }
                                          }
                                          w.EndArray();
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

void sync_local_list(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (req.body.empty()) {
        doc.SetObject();
    } else if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::optional<std::string> charger;
    std::optional<bool> full;
    if (!r.text("chargeBoxId", charger, false, 48) || !r.boolean("full", full) || !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    if (charger) {
        if (auto problem = chargebox_id_problem("chargeBoxId", *charger)) {
            return respond(json_error(422, *problem, "chargeBoxId"));
        }
        if (cs.credentials(*charger) == nullptr) {
            return respond(json_error(422, "chargeBoxId: no such charger", "chargeBoxId"));
        }
    }
    // Where the group and the charger stand: whether the group exists, and the charger's group.
    struct Where {
        bool group_exists = false;
        std::string charger_group;
    };
    cs.store<Where>(
        [group, charger](store::Connection& db) -> ocpp::Result<Where> {
            Where w;
            auto g = db::find_list_group(db, group);
            if (!g) {
                return g.error();
            }
            w.group_exists = g->has_value();
            if (charger) {
                auto in = db::list_group_of(db, *charger);
                if (!in) {
                    return in.error();
                }
                w.charger_group = *in;
            }
            return w;
        },
        [&cs, group, charger, full, respond](ocpp::Result<Where> w) {
            if (!w) {
                return respond(store_failed(cs, w.error()));
            }
            if (!w->group_exists) {
                return respond(json_error(404, "no local-list group \"" + group + "\"", "group"));
            }
            if (!charger) {
                cs.local_lists().sync_group(group, full.value_or(false));
                return respond(json_response(
                    202, json_object([&](Writer& o) { member(o, "queued", "every connected charger of " + group); })));
            }
            if (w->charger_group != group) {
                return respond(json_error(
                    422, "chargeBoxId: the charger is in group \"" + w->charger_group + "\", not \"" + group + "\"",
                    "chargeBoxId"));
            }
            if (!cs.local_lists().sync(*charger, full.value_or(false))) {
                return respond(json_error(
                    409, "the charger is not connected or not in operation; it is synced when it boots in operation",
                    "chargeBoxId"));
            }
            respond(json_response(202, json_object([&](Writer& o) { member(o, "queued", *charger); })));
        });
}

} // namespace cs::api
