#pragma once
// JSON in and out for the REST API: responses, {"error","field"} errors, and a reader that checks a request
// object field by field (types, ranges, lengths, unknown names) and names the first problem with its field path.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/net/http.hpp"

namespace cs::api {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using ocpp::net::HttpRequest;
using ocpp::net::HttpResponse;

// Request bodies above this many bytes are refused with 413 before parsing.
inline constexpr std::size_t kMaxBody = 64 * 1024;

HttpResponse json_response(int status, std::string body);
HttpResponse json_error(int status, std::string_view error, std::string_view field = {});

template <class Fill> std::string json_object(Fill&& fill) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    fill(w);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

void member(Writer& w, const char* name, std::string_view value);
void member_or_null(Writer& w, const char* name, const std::optional<std::string>& value);
void member_or_null(Writer& w, const char* name, const std::optional<double>& value);

// Parses the body as a JSON object; on failure returns the 400/413 answer.
std::optional<HttpResponse> parse_object(const HttpRequest& req, rapidjson::Document& doc);

// What is wrong with a request, for json_error().
struct Problem {
    int status = 422;
    std::string field, error;
    HttpResponse response() const { return json_error(status, error, field); }
};

// Reads the members of one JSON object; `path` prefixes field names in errors ("chargePoints/0/").
class ObjectReader {
public:
    ObjectReader(const rapidjson::Value& object, std::string path);
    // Each returns false when the member is there but wrong (or required and missing); then problem() says why.
    bool text(const char* name, std::optional<std::string>& out, bool required, std::size_t max_length);
    bool number(const char* name, std::optional<double>& out, bool required, double min, double max);
    bool integer(const char* name, std::optional<int>& out, bool required, int min, int max);
    bool boolean(const char* name, std::optional<bool>& out);
    // The raw member (marked as known), or nullptr when absent.
    const rapidjson::Value* raw(const char* name);
    // False (with a problem) when the object has a member no reader asked for.
    bool no_unknown_members();
    bool fail(std::string field_name, std::string error, int status = 422);
    std::string field(std::string_view name) const { return path_ + std::string(name); }
    const std::optional<Problem>& problem() const { return problem_; }

private:
    const rapidjson::Value& object_;
    std::string path_;
    std::set<std::string> known_;
    std::optional<Problem> problem_;
};

// The value of one query parameter ("q" in "q=CB&provider=acme"), percent-decoded (as sent when the encoding is
// broken); empty when absent.
std::string query_param(std::string_view query, std::string_view name);

} // namespace cs::api
