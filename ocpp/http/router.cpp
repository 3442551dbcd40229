#include "ocpp/http/router.hpp"

#include <optional>

#include "ocpp/net/session.hpp"
#include "ocpp/text/split.hpp"

namespace ocpp::http {

namespace {

bool is_parameter(std::string_view segment) {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The parameter values when the decoded `parts` fit the pattern's segments; nullopt when not.
std::optional<PathParams> fit(const std::vector<std::string>& pattern, const std::vector<std::string>& parts) {
    if (pattern.size() != parts.size()) {
        return std::nullopt;
    }
    PathParams params;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (is_parameter(pattern[i])) {
            params.push_back(parts[i]);
        } else if (pattern[i] != parts[i]) {
            return std::nullopt;
        }
    }
    return params;
}

} // namespace

std::vector<std::string_view> path_segments(std::string_view path) {
    return text::split_nonempty(path, '/');
}

void RouteTable::add(std::string method, std::string pattern) {
    Route r{std::move(method), std::move(pattern), {}};
    for (const auto segment : path_segments(r.pattern)) {
        r.segments.emplace_back(segment);
    }
    routes_.push_back(std::move(r));
}

std::variant<RouteTable::Match, NoRoute> RouteTable::match(std::string_view method, std::string_view path) const {
    std::vector<std::string> parts;
    for (const auto segment : path_segments(path)) {
        auto decoded = net::percent_decode(segment);
        if (!decoded) {
            return NoRoute{}; // a broken escape names no resource
        }
        parts.push_back(std::move(*decoded));
    }
    NoRoute miss;
    const Route* matched = nullptr; // the first pattern that fits: only routes with that same pattern count
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Route& r = routes_[i];
        if (matched && matched->pattern != r.pattern) {
            continue;
        }
        auto params = fit(r.segments, parts);
        if (!params) {
            continue;
        }
        matched = &r;
        if (r.method == method) {
            return Match{i, std::move(*params)};
        }
        miss.status = 405;
        miss.allow += (miss.allow.empty() ? "" : ", ") + r.method;
    }
    return miss;
}

} // namespace ocpp::http
