#include "centralsystem/api/json.hpp"

#include <cmath>

namespace cs::api {

std::optional<HttpResponse> parse_object(const HttpRequest& req, rapidjson::Document& doc) {
    if (auto problem = ocpp::http::parse_json_object(req.body, kMaxBody, doc)) {
        return problem->response();
    }
    return std::nullopt;
}

ObjectReader::ObjectReader(const rapidjson::Value& object, std::string path)
    : object_(object)
    , path_(std::move(path)) {}

bool ObjectReader::fail(std::string field_name, std::string error, int status) {
    if (!problem_) {
        problem_ = Problem{status, field(field_name), std::move(error)};
    }
    return false;
}

const rapidjson::Value* ObjectReader::raw(const char* name) {
    known_.insert(name);
    auto it = object_.FindMember(name);
    return it == object_.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

bool ObjectReader::text(const char* name, std::optional<std::string>& out, bool required, std::size_t max_length) {
    const auto* v = raw(name);
    if (!v) {
        return required ? fail(name, std::string(name) + " is required") : true;
    }
    if (!v->IsString()) {
        return fail(name, std::string(name) + " must be a string");
    }
    std::string s(v->GetString(), v->GetStringLength());
    if (required && s.empty()) {
        return fail(name, std::string(name) + " must not be empty");
    }
    if (s.size() > max_length) {
        return fail(name, std::string(name) + " is " + std::to_string(s.size()) + " characters long, at most " +
                              std::to_string(max_length) + " allowed");
    }
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) {
            return fail(name, std::string(name) + " contains a control character");
        }
    }
    out = std::move(s);
    return true;
}

bool ObjectReader::number(const char* name, std::optional<double>& out, bool required, double min, double max) {
    const auto* v = raw(name);
    if (!v) {
        return required ? fail(name, std::string(name) + " is required") : true;
    }
    if (!v->IsNumber() || !std::isfinite(v->GetDouble())) {
        return fail(name, std::string(name) + " must be a number");
    }
    const double d = v->GetDouble();
    if (d < min || d > max) {
        auto show = [](double x) {
            std::string t = std::to_string(x);
            t.erase(t.find_last_not_of('0') + 1);
            if (!t.empty() && t.back() == '.') {
                t.pop_back();
            }
            return t;
        };
        return fail(name, std::string(name) + " must be from " + show(min) + " to " + show(max) + ", not " + show(d));
    }
    out = d;
    return true;
}

bool ObjectReader::integer(const char* name, std::optional<int>& out, bool required, int min, int max) {
    const auto* v = raw(name);
    if (!v) {
        return required ? fail(name, std::string(name) + " is required") : true;
    }
    if (!v->IsInt() || v->GetInt() < min || v->GetInt() > max) {
        return fail(name, std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                              std::to_string(max));
    }
    out = v->GetInt();
    return true;
}

bool ObjectReader::boolean(const char* name, std::optional<bool>& out) {
    const auto* v = raw(name);
    if (!v) {
        return true;
    }
    if (!v->IsBool()) {
        return fail(name, std::string(name) + " must be true or false");
    }
    out = v->GetBool();
    return true;
}

bool ObjectReader::no_unknown_members() {
    for (const auto& m : object_.GetObject()) {
        const std::string name(m.name.GetString(), m.name.GetStringLength());
        if (!known_.count(name)) {
            std::string list;
            for (const auto& k : known_) {
                list += (list.empty() ? "" : ", ") + k;
            }
            return fail(name, "unknown field \"" + name + "\"; known here: " + list);
        }
    }
    return !problem_;
}

} // namespace cs::api
