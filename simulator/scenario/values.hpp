#pragma once
// The JSON side of scenarios: payload templates with ${...} expressions, paths into JSON values, and matchers.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"
#include "simulator/scenario/scenario.hpp"

namespace scen {

// The variables of one charger's run. `vars` is a JSON object; `id` and `index` are in it from the start.
struct Context {
    Context();
    rapidjson::Document vars;
    std::map<std::string, long long> counters;
    // The wall clock now() reads (tests fix it).
    std::chrono::system_clock::time_point now_override{};
    std::chrono::system_clock::time_point now() const;
    // Sets a variable to a JSON value (copied).
    void set(const std::string& name, const rapidjson::Value& value);
    void set_string(const std::string& name, const std::string& value);
    void set_int(const std::string& name, long long value);
};

// Expands one ${...} expression: a variable or path into the variables ("tx", "boot.interval"), now(), now(+60),
// now(-3600), counter() or counter(name) (1, 2, 3, ... per charger). The value is written into `out`.
ocpp::Result<void> evaluate(const std::string& expr, Context& ctx, rapidjson::Value& out,
                            rapidjson::Document::AllocatorType& alloc);
// Expands every string in a JSON value in place. A string that is exactly one ${...} takes the expression's value
// with its type (a number stays a number); ${...} inside a longer string is replaced by the value's text.
ocpp::Result<void> expand(rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc, Context& ctx);
// Parses a JSON template and expands it; the error names the expression that failed.
ocpp::Result<void> expand_json(const std::string& json_template, Context& ctx, rapidjson::Document& out);
// Expands ${...} in plain text (URLs, durations): every value as its text.
ocpp::Result<std::string> expand_text(const std::string& text, Context& ctx);

// The value at a path such as "idTagInfo.status", "$.meterValue[0].timestamp" or "[1]" ("" and "$" = root);
// nullptr when the path leads nowhere. A path that does not parse sets `error`.
const rapidjson::Value* find_path(const rapidjson::Value& root, const std::string& path, std::string* error = nullptr);

// Checks one matcher against a value; nullopt when it holds, else what arrived ("got \"Blocked\"").
std::optional<std::string> check(const Matcher& m, const rapidjson::Value& root, Context& ctx);
// What the matcher expects, in words ("idTagInfo.status equals \"Accepted\"").
std::string describe(const Matcher& m);

// A number as a failure or a report shows it: "0.5", "30" (shortest), or with `decimals` fixed ("0.210").
std::string number_text(double value, int decimals = -1);

// A copy of `value` that owns all of its strings. rapidjson's CopyFrom keeps referring to the strings of a document
// parsed in place (the Peer parses frames so), which are gone once the frame is; what is kept past it needs this.
void deep_copy(const rapidjson::Value& value, rapidjson::Document& out);

// Compact JSON text of a value (long texts cut to `limit` characters with "...").
std::string to_json(const rapidjson::Value& value, std::size_t limit = 0);

} // namespace scen
