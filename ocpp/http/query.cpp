#include "ocpp/http/query.hpp"

#include <optional>

#include "ocpp/net/session.hpp"

namespace ocpp::http {

namespace {

// '+' as space, then percent-decoding into `out`; false (with the text as sent in `out`) when an escape is broken.
bool decode_component(std::string_view text, std::string& out) {
    std::string spaced(text);
    for (char& c : spaced) {
        c = c == '+' ? ' ' : c;
    }
    if (auto decoded = net::percent_decode(spaced)) {
        out = std::move(*decoded);
        return true;
    }
    out = std::move(spaced);
    return false;
}

} // namespace

std::vector<QueryParam> parse_query(std::string_view query) {
    std::vector<QueryParam> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            QueryParam p;
            const bool name_ok = decode_component(pair.substr(0, eq), p.name);
            const bool value_ok =
                decode_component(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), p.value);
            p.well_formed = name_ok && value_ok;
            out.push_back(std::move(p));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return out;
}

std::string query_param(std::string_view query, std::string_view name) {
    for (auto& p : parse_query(query)) {
        if (p.name == name) {
            return std::move(p.value);
        }
    }
    return {};
}

} // namespace ocpp::http
