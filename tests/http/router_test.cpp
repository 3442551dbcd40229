// The route table: literal and {parameter} segments, percent-decoding, 404 versus 405 with Allow.
#include <gtest/gtest.h>

#include "ocpp/http/router.hpp"

namespace ocpp::http {
namespace {

using TestRouter = Router<std::string>; // the "handler" is a name, enough to see which route was taken

TestRouter make_router() {
    TestRouter r;
    r.add("GET", "/api/v1/chargers", "list")
        .add("POST", "/api/v1/chargers", "create")
        .add("POST", "/api/v1/chargers/import", "import")
        .add("GET", "/api/v1/chargers/{id}", "get")
        .add("PATCH", "/api/v1/chargers/{id}", "patch")
        .add("PUT", "/api/v1/chargers/{id}/prices/{priceId}", "put-price")
        .add("DELETE", "/api/v1/chargers/{id}/prices/{priceId}", "delete-price");
    return r;
}

std::string taken(const TestRouter& r, std::string_view method, std::string_view path, PathParams* params = nullptr) {
    auto found = r.find(method, path);
    auto* hit = std::get_if<TestRouter::Found>(&found);
    if (!hit) {
        return "";
    }
    if (params) {
        *params = hit->params;
    }
    return *hit->handler;
}

NoRoute miss(const TestRouter& r, std::string_view method, std::string_view path) {
    auto found = r.find(method, path);
    EXPECT_TRUE(std::holds_alternative<NoRoute>(found)) << method << " " << path;
    return std::holds_alternative<NoRoute>(found) ? std::get<NoRoute>(found) : NoRoute{0, ""};
}

TEST(Router, TakesTheRouteOfMethodAndPath) {
    const auto r = make_router();
    EXPECT_EQ(taken(r, "GET", "/api/v1/chargers"), "list");
    EXPECT_EQ(taken(r, "POST", "/api/v1/chargers"), "create");
    PathParams p;
    EXPECT_EQ(taken(r, "PUT", "/api/v1/chargers/CB-1/prices/7", &p), "put-price");
    EXPECT_EQ(p, (PathParams{"CB-1", "7"}));
}

TEST(Router, ALiteralAddedFirstWinsOverAParameter) {
    const auto r = make_router();
    EXPECT_EQ(taken(r, "POST", "/api/v1/chargers/import"), "import");
    // GET on "import" is the literal's path, which takes POST only: 405, not the {id} route.
    const auto m = miss(r, "GET", "/api/v1/chargers/import");
    EXPECT_EQ(m.status, 405);
    EXPECT_EQ(m.allow, "POST");
}

TEST(Router, DecodesParameters) {
    const auto r = make_router();
    PathParams p;
    EXPECT_EQ(taken(r, "GET", "/api/v1/chargers/CB%201%2F2", &p), "get");
    EXPECT_EQ(p, (PathParams{"CB 1/2"}));
    EXPECT_EQ(taken(r, "GET", "/api/v1/%63hargers"), "list"); // literals compare decoded too
}

TEST(Router, IgnoresEmptySegments) {
    const auto r = make_router();
    EXPECT_EQ(taken(r, "GET", "/api/v1/chargers/"), "list");
    EXPECT_EQ(taken(r, "GET", "//api//v1/chargers//"), "list");
}

TEST(Router, UnknownPathIs404) {
    const auto r = make_router();
    EXPECT_EQ(miss(r, "GET", "/api/v1/nothing").status, 404);
    EXPECT_EQ(miss(r, "GET", "/api/v1/chargers/CB-1/prices").status, 404);
    EXPECT_EQ(miss(r, "GET", "/api/v1/chargers/CB-1/prices/7/x").status, 404);
    EXPECT_EQ(miss(r, "GET", "/").status, 404);
    EXPECT_EQ(miss(r, "GET", "").status, 404);
    EXPECT_TRUE(miss(r, "GET", "/api/v1/nothing").allow.empty());
}

TEST(Router, BrokenEscapeIs404) {
    const auto r = make_router();
    EXPECT_EQ(miss(r, "GET", "/api/v1/chargers/%ZZ").status, 404);
    EXPECT_EQ(miss(r, "GET", "/api/v1/chargers/%4").status, 404);
    EXPECT_EQ(miss(r, "GET", "/api/v1/chargers/CB%").status, 404);
}

TEST(Router, WrongMethodIs405WithAllow) {
    const auto r = make_router();
    auto m = miss(r, "DELETE", "/api/v1/chargers");
    EXPECT_EQ(m.status, 405);
    EXPECT_EQ(m.allow, "GET, POST");
    m = miss(r, "POST", "/api/v1/chargers/CB-1/prices/7");
    EXPECT_EQ(m.status, 405);
    EXPECT_EQ(m.allow, "PUT, DELETE");
    m = miss(r, "get", "/api/v1/chargers"); // methods are case-sensitive (RFC 9110 9.1)
    EXPECT_EQ(m.status, 405);
}

TEST(Router, ListsItsRoutesInOrder) {
    const auto routes = make_router().routes();
    ASSERT_EQ(routes.size(), 7u);
    EXPECT_EQ(routes[0], (std::pair<std::string, std::string>{"GET", "/api/v1/chargers"}));
    EXPECT_EQ(routes[6], (std::pair<std::string, std::string>{"DELETE", "/api/v1/chargers/{id}/prices/{priceId}"}));
}

TEST(PathSegments, SplitsWithoutDecoding) {
    EXPECT_EQ(path_segments("/a//b%20c/"), (std::vector<std::string_view>{"a", "b%20c"}));
    EXPECT_TRUE(path_segments("/").empty());
    EXPECT_TRUE(path_segments("").empty());
}

} // namespace
} // namespace ocpp::http
