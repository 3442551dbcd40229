#pragma once
// Routing of REST requests through a table of (method, path pattern, handler). Patterns are paths whose segments are
// literal ("chargers") or parameters ("{chargeBoxId}"); a request path is split into segments (empty ones ignored, so
// "/a//b/" is "/a/b") and each is percent-decoded before it is compared or handed to the handler.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ocpp::http {

// The values of a route's {parameters}, percent-decoded, in the order of the pattern.
using PathParams = std::vector<std::string>;

// A request that no route takes: 404 when no pattern fits the path (or a segment's percent-encoding is broken), 405
// when patterns fit but none with this method; `allow` then lists their methods ("GET, POST").
struct NoRoute {
    int status = 404;
    std::string allow;
};

// The patterns of a router, without handlers: what matches a path and a method.
class RouteTable {
public:
    struct Route {
        std::string method, pattern;
        std::vector<std::string> segments; // of the pattern, "{name}" kept as written
    };
    struct Match {
        std::size_t index = 0; // of the route, in the order added
        PathParams params;
    };

    // Adds a route; where two patterns fit one path, the one added first wins (list literals before parameters).
    void add(std::string method, std::string pattern);
    // The route for `method` and `path` (the path without query), or why there is none.
    std::variant<Match, NoRoute> match(std::string_view method, std::string_view path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

// A RouteTable with a handler per route; Handler is whatever the program calls (a std::function, usually).
template <class Handler> class Router {
public:
    struct Found {
        const Handler* handler;
        PathParams params;
    };

    Router& add(std::string method, std::string pattern, Handler handler) {
        table_.add(std::move(method), std::move(pattern));
        handlers_.push_back(std::move(handler));
        return *this;
    }
    std::variant<Found, NoRoute> find(std::string_view method, std::string_view path) const {
        auto m = table_.match(method, path);
        if (auto* miss = std::get_if<NoRoute>(&m)) {
            return std::move(*miss);
        }
        auto& hit = std::get<RouteTable::Match>(m);
        return Found{&handlers_[hit.index], std::move(hit.params)};
    }
    // Every route as (method, pattern), in matching order.
    std::vector<std::pair<std::string, std::string>> routes() const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& r : table_.routes()) {
            out.emplace_back(r.method, r.pattern);
        }
        return out;
    }

private:
    RouteTable table_;
    std::vector<Handler> handlers_;
};

// The non-empty segments of `path` as written ("/a//b/" -> "a", "b"), not decoded.
std::vector<std::string_view> path_segments(std::string_view path);

} // namespace ocpp::http
