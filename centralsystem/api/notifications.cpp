// GET /api/v1/notifications (newest first, paged, since a time, unread only) and POST /api/v1/notifications/read.
#include <cstdlib>

#include "centralsystem/api/routes.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

std::optional<std::int64_t> whole_in(const std::string& text, std::int64_t min, std::int64_t max) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const std::int64_t v = std::strtoll(text.c_str(), nullptr, 10);
    return v >= min && v <= max ? std::optional<std::int64_t>(v) : std::nullopt;
}

} // namespace

void list_notifications(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    db::NotificationQuery q;
    if (const std::string text = query_param(req.query, "limit"); !text.empty()) {
        const auto n = whole_in(text, 1, 1000);
        if (!n) {
            return respond(json_error(400, "limit must be a whole number from 1 to 1000", "limit"));
        }
        q.limit = static_cast<int>(*n);
    }
    if (const std::string text = query_param(req.query, "before"); !text.empty()) {
        q.before = whole_in(text, 1, INT64_MAX);
        if (!q.before) {
            return respond(json_error(400, "before must be a notification id (a whole number from 1)", "before"));
        }
    }
    if (const std::string text = query_param(req.query, "since"); !text.empty()) {
        const auto dt = ocpp::parse_datetime(text);
        if (!dt) {
            return respond(
                json_error(400, "since must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z", "since"));
        }
        q.since = ocpp::format_datetime(*dt);
    }
    const std::string unread = query_param(req.query, "unread");
    if (unread != "" && unread != "true" && unread != "false") {
        return respond(json_error(400, "unread takes true or false", "unread"));
    }
    q.unread_only = unread == "true";
    cs.store<db::NotificationPage>([q](store::Connection& db) { return db::list_notifications(db, q); },
                                   [&cs, respond](ocpp::Result<db::NotificationPage> r) {
                                       if (!r) {
                                           return respond(store_failed(cs, r.error()));
                                       }
                                       respond(json_response(200, json_object([&](Writer& w) {
                                                                 w.Key("notifications");
                                                                 w.StartArray();
                                                                 for (const auto& n : r->items) {
                                                                     w.StartObject();
                                                                     w.Key("id");
                                                                     w.Int64(n.id);
                                                                     member(w, "at", n.at);
                                                                     member(w, "chargeBoxId", n.chargebox_id);
                                                                     member(w, "kind", n.kind);
                                                                     member(w, "message", n.message);
                                                                     w.Key("read");
                                                                     w.Bool(n.read_at.has_value());
                                                                     member_or_null(w, "readAt", n.read_at);
                                                                     w.EndObject();
                                                                 }
                                                                 w.EndArray();
                                                                 w.Key("unread");
                                                                 w.Int64(r->unread);
                                                                 // The next page: ?before=<this>; null on the last
                                                                 // page.
                                                                 w.Key("nextBefore");
                                                                 r->more ? (void)w.Int64(r->items.back().id)
                                                                         : (void)w.Null();
                                                             })));
                                   });
}

void mark_notifications_read(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader reader(doc, "");
    const rapidjson::Value* ids = reader.raw("ids");
    const rapidjson::Value* up_to = reader.raw("upTo");
    if (!reader.no_unknown_members()) {
        return respond(reader.problem()->response());
    }
    if (!ids && !up_to) {
        return respond(
            json_error(422, "give ids (an array of notification ids) or upTo (an id: it and all older)", "ids"));
    }
    std::vector<std::int64_t> list;
    if (ids) {
        if (!ids->IsArray() || ids->Size() > 1000) {
            return respond(json_error(422, "ids must be an array of at most 1000 notification ids", "ids"));
        }
        for (rapidjson::SizeType i = 0; i < ids->Size(); ++i) {
            if (!(*ids)[i].IsInt64() || (*ids)[i].GetInt64() < 1) {
                return respond(json_error(422, "each id is a whole number from 1", "ids/" + std::to_string(i)));
            }
            list.push_back((*ids)[i].GetInt64());
        }
    }
    std::optional<std::int64_t> up;
    if (up_to) {
        if (!up_to->IsInt64() || up_to->GetInt64() < 1) {
            return respond(json_error(422, "upTo must be a notification id (a whole number from 1)", "upTo"));
        }
        up = up_to->GetInt64();
    }
    using Out = std::pair<std::int64_t, std::int64_t>; // marked, unread left
    cs.store<Out>(
        [list, up, now = cs.now_text()](store::Connection& db) -> ocpp::Result<Out> {
            auto marked = db::mark_notifications_read(db, list, up, now);
            if (!marked) {
                return marked.error();
            }
            db::NotificationQuery none;
            none.limit = 0;
            auto left = db::list_notifications(db, none);
            if (!left) {
                return left.error();
            }
            return Out{*marked, left->unread};
        },
        [&cs, respond](ocpp::Result<Out> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("marked");
                                      w.Int64(r->first);
                                      w.Key("unread");
                                      w.Int64(r->second);
                                  })));
        });
}

} // namespace cs::api
