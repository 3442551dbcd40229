// /api/v1/idtags: the id-tag registry Authorize and StartTransaction answer from.
#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/authlists/local_lists.hpp"
#include "centralsystem/db/tag_search.hpp"

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

// A whole number of up to 10 digits, or nullopt.
std::optional<std::int64_t> whole_number(const std::string& text) {
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
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
        std::vector<std::string> groups; // the local-list groups whose version rose
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
            Put put{!before->has_value(), false, {}};
            put.changed = !*before || (*before)->status != tag.status || (*before)->expiry_date != tag.expiry_date ||
                          (*before)->parent_id_tag != tag.parent_id_tag;
            if (put.changed) {
                auto groups = db::local_list_changed(db, tag.id_tag);
                if (!groups) {
                    return groups.error();
                }
                put.groups = std::move(*groups);
            }
            return put;
        },
        [&cs, respond, tag](ocpp::Result<Put> put) {
            if (!put) {
                return respond(json_error(503, "the database could not do this now: " + put.error().message));
            }
            if (put->changed) {
                cs.local_lists().list_changed(put->groups); // an unchanged tag leaves the chargers alone
            }
            respond(json_response(put->created ? 201 : 200, tag_json(tag)));
        });
}

void list_id_tags(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    db::TagQuery query;
    query.q = query_param(req.query, "q");
    query.status = query_param(req.query, "status");
    if (query.q.size() > 20) {
        return respond(json_error(400, "q is limited to 20 characters (an id tag's length)", "q"));
    }
    if (!query.status.empty() && query.status != "Accepted" && query.status != "Blocked" && query.status != "Expired" &&
        query.status != "Invalid") {
        return respond(json_error(400, "status must be Accepted, Blocked, Expired or Invalid", "status"));
    }
    // offset and limit: whole numbers in their range, else 400 naming the parameter.
    const auto bounded = [&req](const char* name, std::int64_t min, std::int64_t max, std::int64_t& out) {
        const std::string text = query_param(req.query, name);
        if (text.empty()) {
            return true;
        }
        const auto n = whole_number(text);
        if (!n || *n < min || *n > max) {
            return false;
        }
        out = *n;
        return true;
    };
    std::int64_t limit = query.limit;
    if (!bounded("offset", 0, 1000000000, query.offset)) {
        return respond(json_error(400, "offset must be a whole number from 0 to 1000000000", "offset"));
    }
    if (!bounded("limit", 1, 10000, limit)) {
        return respond(json_error(400, "limit must be a whole number from 1 to 10000", "limit"));
    }
    query.limit = static_cast<int>(limit);
    cs.store<db::TagPage>([query](store::Connection& db) { return db::search_id_tags(db, query); },
                          [respond](ocpp::Result<db::TagPage> r) {
                              if (!r) {
                                  return respond(
                                      json_error(503, "the database could not do this now: " + r.error().message));
                              }
                              respond(json_response(200, json_object([&](Writer& w) {
                                                        w.Key("idTags");
                                                        w.StartArray();
                                                        for (const auto& t : r->tags) {
                                                            write_tag(w, t);
                                                        }
                                                        w.EndArray();
                                                        w.Key("total");
                                                        w.Int64(r->total);
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
