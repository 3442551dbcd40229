#pragma once
// The query string of a request ("q=CB+1&provider=acme"), as HTML forms and URLSearchParams encode it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocpp::http {

// One name=value pair decoded: '+' as space, then percent-decoding. `well_formed` is false when an escape was broken
// ("%ZZ", "%4"); the text is then kept as sent (with '+' as space), so that the parameter's own check refuses it by
// name instead of the whole request failing.
struct QueryParam {
    std::string name, value;
    bool well_formed = true;
};

// Every pair of `query` in order, empty pairs ("a=1&&b=2") skipped; a pair without '=' has an empty value.
std::vector<QueryParam> parse_query(std::string_view query);

// The value of the first parameter called `name` (names compare exactly after decoding), or empty when absent.
std::string query_param(std::string_view query, std::string_view name);

} // namespace ocpp::http
