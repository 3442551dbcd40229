// /api/v1/local-lists (local_lists.hpp).
#include "centralsystem/api/local_lists.hpp"

#include "centralsystem/authlists/local_lists.hpp"
#include "centralsystem/db/local_lists.hpp"

namespace cs::api {

namespace {

constexpr const char* kGroup = "default";
constexpr std::int64_t kMaxShown = 5000;

struct View {
    std::int64_t version = 1, size = 0;
    std::vector<db::ChargerListState> chargers;
};

} // namespace

void list_local_lists(CentralSystem& cs, Respond respond) {
    cs.store<View>(
        [](store::Connection& db) -> ocpp::Result<View> {
            View v;
            auto full = db::local_list_full(db);
            if (!full) {
                return full.error();
            }
            v.version = full->version;
            v.size = full->total;
            auto states = db::charger_list_states(db, kMaxShown);
            if (!states) {
                return states.error();
            }
            v.chargers = std::move(*states);
            return v;
        },
        [&cs, respond](ocpp::Result<View> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("groups");
                                      w.StartArray();
                                      w.StartObject();
                                      member(w, "name", kGroup);
                                      member(w, "description", "every charger; the list is the id-tag registry");
                                      w.Key("version");
                                      w.Int64(r->version);
                                      w.Key("size");
                                      w.Int64(r->size);
                                      w.Key("chargers");
                                      w.StartArray();
                                      for (const auto& s : r->chargers) {
                                          w.StartObject();
                                          member(w, "chargeBoxId", s.chargebox_id);
                                          w.Key("connected");
                                          w.Bool(cs.online(s.chargebox_id));
                                          w.Key("version");
                                          w.Int64(s.version);
                                          w.Key("inSync");
                                          w.Bool(s.version == r->version);
                                          w.Key("syncing");
                                          w.Bool(cs.local_lists().syncing(s.chargebox_id));
                                          member(w, "result", s.result);
                                          member(w, "detail", s.detail);
                                          member_or_null(
                                              w, "at", s.at.empty() ? std::nullopt : std::optional<std::string>(s.at));
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      w.EndObject();
                                      w.EndArray();
                                  })));
        });
}

void sync_local_list(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond) {
    if (group != kGroup) {
        return respond(json_error(404, "no local-list group \"" + group + "\"; the one group is \"default\"", "group"));
    }
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
    if (!charger) {
        cs.local_lists().sync_all(full.value_or(false));
        return respond(
            json_response(202, json_object([&](Writer& w) { member(w, "queued", "every connected charger"); })));
    }
    if (auto problem = chargebox_id_problem("chargeBoxId", *charger)) {
        return respond(json_error(422, *problem, "chargeBoxId"));
    }
    if (cs.credentials(*charger) == nullptr) {
        return respond(json_error(422, "chargeBoxId: no such charger", "chargeBoxId"));
    }
    if (!cs.local_lists().sync(*charger, full.value_or(false))) {
        return respond(
            json_error(409, "the charger is not connected or not in operation; it is synced when it boots in operation",
                       "chargeBoxId"));
    }
    respond(json_response(202, json_object([&](Writer& w) { member(w, "queued", *charger); })));
}

} // namespace cs::api
