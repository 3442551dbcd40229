// /api/v1/local-lists/{group}: create, read, change and delete local-list groups, place chargers in them and assign
// id tags to them (local_lists.hpp).
#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/api/local_lists.hpp"
#include "centralsystem/authlists/local_lists.hpp"

#include <functional>

namespace cs::api {

namespace {

constexpr std::int64_t kMaxTagsShown = 10000;

// What is wrong with a group name, or nullopt.
std::optional<std::string> group_name_problem(const std::string& name) {
    if (name.empty()) {
        return "name must not be empty";
    }
    if (name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
        std::string::npos) {
        return "name may hold only letters, digits, '.', '_' and '-'";
    }
    return std::nullopt;
}

// The idTags member ("all" or "assigned"); false with the problem set when it is wrong.
bool read_group_tags(ObjectReader& r, std::optional<db::GroupTags>& out) {
    std::optional<std::string> text;
    if (!r.text("idTags", text, false, 16)) {
        return false;
    }
    if (text) {
        out = db::group_tags_from(*text);
        if (!out) {
            return r.fail("idTags", "idTags must be \"all\" (every id tag of the registry) or \"assigned\" (the id "
                                    "tags assigned to the group)");
        }
    }
    return true;
}

// A group's fields from a create (name required) or an edit body; false with the problem set.
struct GroupFields {
    std::optional<std::string> name, description;
    std::optional<db::GroupTags> tags;
};
bool read_group_fields(ObjectReader& r, bool name_required, GroupFields& out) {
    return r.text("name", out.name, name_required, db::kMaxListGroupName) &&
           r.text("description", out.description, false, db::kMaxListGroupDescription) &&
           read_group_tags(r, out.tags) && r.no_unknown_members();
}

// An array member of at most kMaxIdsPerListGroupEdit strings, each checked by `problem`; false with the problem set.
template <class Check>
bool read_ids(ObjectReader& r, const char* name, bool required, std::vector<std::string>& out, Check problem) {
    const auto* v = r.raw(name);
    if (!v) {
        return required ? r.fail(name, std::string(name) + " is required") : true;
    }
    if (!v->IsArray()) {
        return r.fail(name, std::string(name) + " must be an array of strings");
    }
    if (v->Size() > db::kMaxIdsPerListGroupEdit) {
        return r.fail(name, std::string(name) + " holds " + std::to_string(v->Size()) + " entries, at most " +
                                std::to_string(db::kMaxIdsPerListGroupEdit) + " per request");
    }
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        const std::string field = std::string(name) + "/" + std::to_string(i);
        if (!(*v)[i].IsString()) {
            return r.fail(field, field + " must be a string");
        }
        std::string id((*v)[i].GetString(), (*v)[i].GetStringLength());
        if (auto p = problem(field, id)) {
            return r.fail(field, *p);
        }
        out.push_back(std::move(id));
    }
    return true;
}

std::optional<std::string> id_tag_problem(const std::string& field, const std::string& tag) {
    if (tag.empty() || tag.size() > 20) {
        return field + " must be an id tag of 1 to 20 characters";
    }
    return std::nullopt;
}

HttpResponse refusal_response(const db::GroupEdit& e) {
    switch (e.refusal) {
    case db::GroupRefusal::NoSuchGroup:
        return json_error(404, e.detail, e.field);
    case db::GroupRefusal::NoSuchCharger:
    case db::GroupRefusal::NoSuchTag:
        return json_error(422, e.field + ": " + e.detail, e.field);
    default:
        return json_error(409, e.field + ": " + e.detail, e.field);
    }
}

// Runs a group edit in the store; refused edits answer their 4xx, done ones sync what changed and answer `done`.
void run_group_edit(CentralSystem& cs, std::function<ocpp::Result<db::GroupEdit>(store::Connection&)> edit,
                    std::string group, int status, Respond respond) {
    cs.store<db::GroupEdit>(std::move(edit), [&cs, group, status, respond](ocpp::Result<db::GroupEdit> e) {
        if (!e) {
            return respond(store_failed(cs, e.error()));
        }
        if (e->refusal != db::GroupRefusal::None) {
            return respond(refusal_response(*e));
        }
        // Moved chargers get their new group's list (in full: decide() sees the other group).
        for (const auto& id : e->chargers) {
            cs.local_lists().sync(id);
        }
        if (e->list_changed) {
            cs.local_lists().list_changed({group});
        }
        respond(json_response(status, json_object([&](Writer& w) {
                                  member(w, "group", group);
                                  w.Key("chargersToSync");
                                  w.Int64(static_cast<std::int64_t>(e->chargers.size()));
                              })));
    });
}

} // namespace

void create_list_group(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    GroupFields fields;
    if (!read_group_fields(r, true, fields)) {
        return respond(r.problem()->response());
    }
    const auto& name = fields.name;
    const auto& description = fields.description;
    const auto& tags = fields.tags;
    if (auto p = group_name_problem(*name)) {
        return respond(json_error(422, *p, "name"));
    }
    db::ListGroup g;
    g.name = *name;
    g.description = description.value_or("");
    g.tags = tags.value_or(db::GroupTags::Assigned);
    run_group_edit(
        cs, [g](store::Connection& db) { return db::create_list_group(db, g); }, g.name, 201, respond);
}

void get_list_group(CentralSystem& cs, const std::string& group, Respond respond) {
    struct Detail {
        std::optional<db::ListGroup> group;
        std::vector<std::string> tags, chargers;
    };
    cs.store<Detail>(
        [group](store::Connection& db) -> ocpp::Result<Detail> {
            Detail d;
            auto g = db::find_list_group(db, group);
            if (!g) {
                return g.error();
            }
            d.group = std::move(*g);
            if (!d.group) {
                return d;
            }
            auto tags = db::list_group_tag_ids(db, group, kMaxTagsShown);
            if (!tags) {
                return tags.error();
            }
            d.tags = std::move(*tags);
            auto chargers = db::list_group_chargers(db, group, db::kMaxListGroupMembers);
            if (!chargers) {
                return chargers.error();
            }
            d.chargers = std::move(*chargers);
            return d;
        },
        [&cs, group, respond](ocpp::Result<Detail> d) {
            if (!d) {
                return respond(store_failed(cs, d.error()));
            }
            if (!d->group) {
                return respond(json_error(404, "no local-list group \"" + group + "\"", "group"));
            }
            d->group->members = static_cast<std::int64_t>(d->chargers.size());
            respond(json_response(200, json_object([&](Writer& w) {
                                      write_list_group(w, *d->group);
                                      w.Key("assigned");
                                      w.StartArray();
                                      for (const auto& t : d->tags) {
                                          w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
                                      }
                                      w.EndArray();
                                      w.Key("chargeBoxIds");
                                      w.StartArray();
                                      for (const auto& c : d->chargers) {
                                          w.String(c.c_str(), static_cast<rapidjson::SizeType>(c.size()));
                                      }
                                      w.EndArray();
                                  })));
        });
}

void patch_list_group(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    GroupFields fields;
    if (!read_group_fields(r, false, fields)) {
        return respond(r.problem()->response());
    }
    const auto& name = fields.name;
    const auto& description = fields.description;
    const auto& tags = fields.tags;
    if (name) {
        if (auto p = group_name_problem(*name)) {
            return respond(json_error(422, *p, "name"));
        }
    }
    run_group_edit(
        cs,
        [group, name, description, tags](store::Connection& db) {
            return db::update_list_group(db, group, name, description, tags);
        },
        name.value_or(group), 200, respond);
}

void delete_list_group(CentralSystem& cs, const std::string& group, Respond respond) {
    run_group_edit(
        cs, [group](store::Connection& db) { return db::delete_list_group(db, group); }, db::kDefaultListGroup, 200,
        respond);
}

void place_list_group_chargers(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::vector<std::string> ids;
    if (!read_ids(r, "chargeBoxIds", true, ids,
                  [](const std::string& field, const std::string& id) { return chargebox_id_problem(field, id); }) ||
        !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    run_group_edit(
        cs, [group, ids](store::Connection& db) { return db::place_in_list_group(db, group, ids); }, group, 200,
        respond);
}

void assign_list_group_tags(CentralSystem& cs, const std::string& group, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::vector<std::string> add, remove;
    if (!read_ids(r, "add", false, add, id_tag_problem) || !read_ids(r, "remove", false, remove, id_tag_problem) ||
        !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    if (add.empty() && remove.empty()) {
        return respond(json_error(422, "give the id tags to add or remove", "add"));
    }
    run_group_edit(
        cs, [group, add, remove](store::Connection& db) { return db::assign_list_group_tags(db, group, add, remove); },
        group, 200, respond);
}

} // namespace cs::api
