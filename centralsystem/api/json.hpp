#pragma once
// JSON in and out for the REST API: the shared answers of ocpp/http, and a reader that checks a request
// object field by field (types, ranges, lengths, unknown names) and names the first problem with its field path.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "ocpp/http/json.hpp"
#include "ocpp/http/query.hpp"
#include "ocpp/net/http.hpp"

namespace cs::api {

using Writer = ocpp::http::JsonWriter;
using ocpp::net::HttpRequest;
using ocpp::net::HttpResponse;
// The shared JSON answers (ocpp/http/json.hpp): errors are {"error", "field"}.
using ocpp::http::json_error;
using ocpp::http::json_object;
using ocpp::http::json_response;
using ocpp::http::member;
using ocpp::http::member_or_null;
using ocpp::http::query_param;

// Request bodies above this many bytes are refused with 413 before parsing.
inline constexpr std::size_t kMaxBody = 64 * 1024;

// Parses the body as a JSON object of at most kMaxBody bytes; on failure returns the 400/413 answer.
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

} // namespace cs::api
