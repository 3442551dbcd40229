// The web portal's file serving (content types, validators, methods, the map configuration) and --map-tile-url.
#include <gtest/gtest.h>

#include "centralsystem/options.hpp"
#include "centralsystem/web/portal.hpp"

namespace {

using cs::Portal;
using cs::PortalConfig;
using ocpp::net::HttpRequest;

HttpRequest get(const std::string& path, const std::string& if_none_match = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    if (!if_none_match.empty()) {
        r.headers.emplace_back("if-none-match", if_none_match);
    }
    return r;
}

std::string header(const ocpp::net::HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return "";
}

TEST(Portal, ServesTheEmbeddedFilesWithTheirTypes) {
    const Portal portal(PortalConfig{});
    for (const auto& [path, type] :
         std::vector<std::pair<std::string, std::string>>{{"/", "text/html; charset=utf-8"},
                                                          {"/index.html", "text/html; charset=utf-8"},
                                                          {"/app.js", "text/javascript; charset=utf-8"},
                                                          {"/mapview.js", "text/javascript; charset=utf-8"},
                                                          {"/app.css", "text/css; charset=utf-8"},
                                                          {"/favicon.svg", "image/svg+xml"},
                                                          {"/config.json", "application/json"}}) {
        const auto r = portal.serve(get(path));
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 200) << path;
        EXPECT_EQ(header(*r, "Content-Type"), type) << path;
        EXPECT_EQ(header(*r, "Cache-Control"), "no-cache") << path;
        EXPECT_FALSE(r->body.empty()) << path;
    }
    const auto index = portal.serve(get("/"));
    EXPECT_NE(index->body.find("<script type=\"module\" src=\"app.js\">"), std::string::npos);
    EXPECT_NE(header(*index, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST(Portal, AnswersAnUnchangedFileWith304AndNoBody) {
    const Portal portal(PortalConfig{});
    const auto first = portal.serve(get("/app.js"));
    const std::string etag = header(*first, "ETag");
    ASSERT_EQ(etag.size(), 18u) << etag; // a quoted 64-bit hash
    const auto again = portal.serve(get("/app.js", etag));
    EXPECT_EQ(again->status, 304);
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(portal.serve(get("/app.js", "\"0000000000000000\""))->status, 200);
    EXPECT_NE(header(*portal.serve(get("/app.css")), "ETag"), etag);
}

TEST(Portal, LeavesOtherPathsAndRefusesWrites) {
    const Portal portal(PortalConfig{});
    EXPECT_FALSE(portal.serve(get("/nothing.js")));
    EXPECT_FALSE(portal.serve(get("/api/v2/x")));
    EXPECT_FALSE(portal.serve(get("/../centralsystem/portal.cpp")));
    HttpRequest post = get("/");
    post.method = "POST";
    const auto r = portal.serve(post);
    EXPECT_EQ(r->status, 405);
    EXPECT_EQ(header(*r, "Allow"), "GET, HEAD");
}

TEST(Portal, TellsThePagesTheTileUrl) {
    const Portal none(PortalConfig{});
    EXPECT_EQ(none.serve(get("/config.json"))->body, "{\"mapTileUrl\":\"\",\"signIn\":true,\"geocoderUrl\":\"\"}\n");
    const Portal tiles(PortalConfig{"https://tiles.example/{z}/{x}/{y}.png", false, ""});
    EXPECT_EQ(tiles.serve(get("/config.json"))->body,
              "{\"mapTileUrl\":\"https://tiles.example/{z}/{x}/{y}.png\",\"signIn\":false,\"geocoderUrl\":\"\"}\n");
}

ocpp::Result<cs::Options> parse_portal(std::vector<std::string> args) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(PortalOptions, MapTileUrlNeedsAWebUrlWithZXY) {
    EXPECT_EQ(parse_portal({})->map_tile_url, "");
    EXPECT_EQ(parse_portal({"--map-tile-url", "https://t.example/{z}/{x}/{y}.png"})->map_tile_url,
              "https://t.example/{z}/{x}/{y}.png");
    EXPECT_NE(
        parse_portal({"--map-tile-url", "https://t.example/{z}/{x}.png"}).error().message.find("{z}, {x} and {y}"),
        std::string::npos);
    EXPECT_NE(parse_portal({"--map-tile-url", "file:///{z}/{x}/{y}"}).error().message.find("http(s) URL"),
              std::string::npos);
    EXPECT_NE(parse_portal({"--map-tile-url", "https://t.example/{z}/{x}/{y}\".png"}).error().message.find("quotes"),
              std::string::npos);
}

TEST(PortalOptions, GeocoderUrlIsAWebBaseUrlAndOpensOnlyItsOrigin) {
    EXPECT_EQ(parse_portal({})->geocoder_url, "");
    EXPECT_EQ(parse_portal({"--geocoder-url", "https://geo.example/nominatim/"})->geocoder_url,
              "https://geo.example/nominatim");
    for (const char* bad : {"geo.example", "ftp://geo.example", "https://geo.example/search?q=", "https://a b"}) {
        const auto r = parse_portal({"--geocoder-url", bad});
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("--geocoder-url"), std::string::npos) << bad;
    }
    const Portal portal(PortalConfig{"", true, "http://127.0.0.1:8088/geo"});
    const auto page = portal.serve(get("/"));
    EXPECT_NE(header(*page, "Content-Security-Policy").find("connect-src 'self' http://127.0.0.1:8088;"),
              std::string::npos)
        << header(*page, "Content-Security-Policy");
    EXPECT_NE(portal.serve(get("/config.json"))->body.find("\"geocoderUrl\":\"http://127.0.0.1:8088/geo\""),
              std::string::npos);
    const Portal plain(PortalConfig{});
    EXPECT_EQ(header(*plain.serve(get("/")), "Content-Security-Policy").find("connect-src"), std::string::npos);
}

TEST(PortalOptions, ImagesComeFromThePortalAndTheConfiguredTileServerOnly) {
    const std::string plain = header(*Portal(PortalConfig{}).serve(get("/")), "Content-Security-Policy");
    EXPECT_NE(plain.find("img-src 'self' data:;"), std::string::npos) << plain;
    const Portal tiles(PortalConfig{"https://tiles.example:8443/osm/{z}/{x}/{y}.png", true, ""});
    const std::string policy = header(*tiles.serve(get("/")), "Content-Security-Policy");
    EXPECT_NE(policy.find("img-src 'self' data: https://tiles.example:8443;"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("https:;"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("http:"), std::string::npos) << policy;
}

} // namespace
