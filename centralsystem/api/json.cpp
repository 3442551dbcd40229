#include "centralsystem/api/json.hpp"

#include <cmath>

#include <rapidjson/error/en.h>

#include "ocpp/net/session.hpp"

namespace cs::api {

HttpResponse json_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.headers = {
        {"Content-Type", "application/json"}, {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}};
    r.body = std::move(body);
    return r;
}

void member(Writer& w, const char* name, std::string_view value) {
    w.Key(name);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void member_or_null(Writer& w, const char* name, const std::optional<std::string>& value) {
    w.Key(name);
    value ? (void)w.String(value->data(), static_cast<rapidjson::SizeType>(value->size())) : (void)w.Null();
}

void member_or_null(Writer& w, const char* name, const std::optional<double>& value) {
    w.Key(name);
    value ? (void)w.Double(*value) : (void)w.Null();
}

HttpResponse json_error(int status, std::string_view error, std::string_view field) {
    return json_response(status, json_object([&](Writer& w) {
                             member(w, "error", error);
                             if (!field.empty()) {
                                 member(w, "field", field);
                             }
                         }));
}

std::optional<HttpResponse> parse_object(const HttpRequest& req, rapidjson::Document& doc) {
    if (req.body.size() > kMaxBody) {
        return json_error(413, "request body exceeds " + std::to_string(kMaxBody) + " bytes", "body");
    }
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(req.body.data(), req.body.size());
    if (doc.HasParseError()) {
        return json_error(400,
                          std::string("request body is not valid JSON: ") +
                              rapidjson::GetParseError_En(doc.GetParseError()) + " (at byte " +
                              std::to_string(doc.GetErrorOffset()) + ")",
                          "body");
    }
    if (!doc.IsObject()) {
        return json_error(400, "request body must be a JSON object", "body");
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

std::string query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            std::string value(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
            for (auto& c : value) {
                c = c == '+' ? ' ' : c;
            }
            // Broken percent-encoding stays as sent, so that the parameter's own check refuses it by name.
            return ocpp::net::percent_decode(value).value_or(value);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return {};
}

} // namespace cs::api
