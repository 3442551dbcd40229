// /api/v1/idtags: the id-tag registry Authorize and StartTransaction answer from.
#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/local_lists.hpp"

namespace cs::api {

namespace {

void write_tag(Writer& w, const IdTag& t) {
    w.StartObject();
    member(w, "idTag", t.id_tag);
    member(w, "status", t.status);
    member_or_null(w, "expiryDate", t.expiry_date);
    member_or_null(w, "parentIdTag", t.parent_id_tag);
    w.EndObject();
}

std::string tag_json(const IdTag& t) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_tag(w, t);
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

} // namespace

void put_id_tag(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_id_tag(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    const IdTag tag = std::get<IdTag>(parsed);
    // What the PUT did: whether the tag is new, and whether the local lists' version rose.
    struct Put {
        bool created = false, changed = false;
    };
    cs.store<Put>(
        [tag](store::Connection& db) -> ocpp::Result<Put> {
            auto before = db::find_id_tag(db, tag.id_tag);
            if (!before) {
                return before.error();
            }
            if (auto r = db::upsert_id_tag(db, tag); !r) {
                return r.error();
            }
            // A new or changed tag is a new version of the chargers' local lists (db/local_lists.hpp).
            Put put{!before->has_value(), false};
            put.changed = !*before || (*before)->status != tag.status || (*before)->expiry_date != tag.expiry_date ||
                          (*before)->parent_id_tag != tag.parent_id_tag;
            if (put.changed) {
                if (auto r = db::local_list_changed(db, tag.id_tag); !r) {
                    return r.error();
                }
            }
            return put;
        },
        [&cs, respond, tag](ocpp::Result<Put> put) {
            if (!put) {
                return respond(json_error(503, "the database could not do this now: " + put.error().message));
            }
            if (put->changed) {
                cs.local_lists().list_changed(); // an unchanged tag leaves the chargers alone
            }
            respond(json_response(put->created ? 201 : 200, tag_json(tag)));
        });
}

void list_id_tags(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<IdTag>>(
        [](store::Connection& db) { return db::list_id_tags(db); },
        [respond](ocpp::Result<std::vector<IdTag>> r) {
            if (!r) {
                return respond(json_error(503, "the database could not do this now: " + r.error().message));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("idTags");
                                      w.StartArray();
                                      for (const auto& t : *r) {
                                          write_tag(w, t);
                                      }
                                      w.EndArray();
                                  })));
        });
}

void get_id_tag(CentralSystem& cs, const std::string& tag, Respond respond) {
    cs.store<std::optional<IdTag>>(
        [tag](store::Connection& db) { return db::find_id_tag(db, tag); },
        [respond](ocpp::Result<std::optional<IdTag>> r) {
            if (!r) {
                return respond(json_error(503, "the database could not do this now: " + r.error().message));
            }
            if (!*r) {
                return respond(json_error(404, "no such id tag", "idTag"));
            }
            respond(json_response(200, tag_json(**r)));
        });
}

} // namespace cs::api
