#pragma once
// JSON answers of the programs' REST APIs: the response shapes, the one error shape {"error": "...", "field": "..."},
// a writer for small objects, and the request body read as one JSON object under a size bound.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/net/http.hpp"

namespace ocpp::http {

using net::HttpRequest;
using net::HttpResponse;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A response with Content-Type `content_type` and "X-Content-Type-Options: nosniff" (no caching header).
HttpResponse response(int status, std::string body, std::string content_type = "application/json");
// An application/json response that no cache keeps (Cache-Control: no-store).
HttpResponse json_response(int status, std::string body);
// The error shape of both APIs: {"error": error, "field": field} ("field" only when not empty), via json_response.
HttpResponse json_error(int status, std::string_view error, std::string_view field = {});
// 405 naming the methods the path takes, in the error and in the Allow header ("GET, POST").
HttpResponse method_not_allowed(std::string_view allow);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, so that JSON written from request
// data (a path, a header) stays valid JSON.
std::string valid_utf8(std::string_view text);
// Writes `value` as a JSON string (made valid UTF-8 first).
void write_string(JsonWriter& w, std::string_view value);
// Writes "name": value.
void member(JsonWriter& w, const char* name, std::string_view value);
// Writes "name": value, or "name": null when there is none.
void member_or_null(JsonWriter& w, const char* name, const std::optional<std::string>& value);
void member_or_null(JsonWriter& w, const char* name, const std::optional<double>& value);
void member_or_null(JsonWriter& w, const char* name, const std::optional<int>& value);

// One JSON object, filled by `fill(writer)`, as text with a final newline.
template <class Fill> std::string json_object(Fill&& fill) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    fill(w);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// Why a request body is not a usable JSON object.
struct BodyProblem {
    enum class Kind { TooLarge, NotJson, NotObject };
    Kind kind;
    std::string message; // "request body exceeds 65536 bytes", "request body is not valid JSON: ... (at byte 3)"
    // 413 for TooLarge, 400 otherwise.
    int status() const;
    // The json_error for it, with field "body".
    HttpResponse response() const;
};

// Parses `body` into `doc` when it is at most `max_bytes` long, valid UTF-8 and a JSON object; the problem otherwise.
std::optional<BodyProblem> parse_json_object(std::string_view body, std::size_t max_bytes, rapidjson::Document& doc);

} // namespace ocpp::http
