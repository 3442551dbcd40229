#include "ocpp/http/json.hpp"

#include <rapidjson/error/en.h>

namespace ocpp::http {

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms, no surrogates, at
// most U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80; // the range of the second byte, narrowed where the lead alone would allow too much
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // overlong below U+0800
        high = lead == 0xED ? 0x9F : 0xBF; // UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // overlong below U+10000
        high = lead == 0xF4 ? 0x8F : 0xBF; // beyond U+10FFFF
    }
    if (length == 0 || s.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

} // namespace

HttpResponse response(int status, std::string body, std::string content_type) {
    HttpResponse r;
    r.status = status;
    r.headers = {{"Content-Type", std::move(content_type)}, {"X-Content-Type-Options", "nosniff"}};
    r.body = std::move(body);
    return r;
}

HttpResponse json_response(int status, std::string body) {
    HttpResponse r = response(status, std::move(body));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

HttpResponse json_error(int status, std::string_view error, std::string_view field) {
    return json_response(status, json_object([&](JsonWriter& w) {
                             member(w, "error", error);
                             if (!field.empty()) {
                                 member(w, "field", field);
                             }
                         }));
}

HttpResponse method_not_allowed(std::string_view allow) {
    HttpResponse r = json_error(405, "method not allowed here; use " + std::string(allow));
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t n = utf8_sequence(text);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, n));
            text.remove_prefix(n);
        }
    }
    return out;
}

void write_string(JsonWriter& w, std::string_view value) {
    const std::string clean = valid_utf8(value);
    w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

void member(JsonWriter& w, const char* name, std::string_view value) {
    w.Key(name);
    write_string(w, value);
}

void member_or_null(JsonWriter& w, const char* name, const std::optional<std::string>& value) {
    w.Key(name);
    value ? write_string(w, *value) : (void)w.Null();
}

void member_or_null(JsonWriter& w, const char* name, const std::optional<double>& value) {
    w.Key(name);
    value ? (void)w.Double(*value) : (void)w.Null();
}

void member_or_null(JsonWriter& w, const char* name, const std::optional<int>& value) {
    w.Key(name);
    value ? (void)w.Int(*value) : (void)w.Null();
}

int BodyProblem::status() const {
    return kind == Kind::TooLarge ? 413 : 400;
}

HttpResponse BodyProblem::response() const {
    return json_error(status(), message, "body");
}

std::optional<BodyProblem> parse_json_object(std::string_view body, std::size_t max_bytes, rapidjson::Document& doc) {
    using Kind = BodyProblem::Kind;
    if (body.size() > max_bytes) {
        return BodyProblem{Kind::TooLarge, "request body exceeds " + std::to_string(max_bytes) + " bytes"};
    }
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
    if (doc.HasParseError()) {
        return BodyProblem{Kind::NotJson, std::string("request body is not valid JSON: ") +
                                              rapidjson::GetParseError_En(doc.GetParseError()) + " (at byte " +
                                              std::to_string(doc.GetErrorOffset()) + ")"};
    }
    if (!doc.IsObject()) {
        return BodyProblem{Kind::NotObject, "request body must be a JSON object"};
    }
    return std::nullopt;
}

} // namespace ocpp::http
