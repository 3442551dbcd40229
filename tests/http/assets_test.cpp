// Embedded files: content types, ETags and If-None-Match (lists, weak tags, "*"), 304, HEAD, 405, security headers.
#include <gtest/gtest.h>

#include "ocpp/http/assets.hpp"

namespace ocpp::http {
namespace {

const std::vector<EmbeddedFile>& files() {
    static const std::vector<EmbeddedFile> f = {
        {"index.html", "<!doctype html><title>t</title>"},
        {"app.js", "export {};"},
        {"site.css", "body{}"},
    };
    return f;
}

AssetPolicy policy(bool head) {
    return AssetPolicy{"default-src 'self'", head, "method not allowed: read with GET\n"};
}

net::HttpRequest get(std::string path, std::string if_none_match = {}, std::string method = "GET") {
    net::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    if (!if_none_match.empty()) {
        r.headers.emplace_back("if-none-match", std::move(if_none_match));
    }
    return r;
}

std::string header(const net::HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return "<none>";
}

TEST(ContentType, ByExtension) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("a.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("a.json"), "application/json");
    EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("a.png"), "image/png");
    EXPECT_EQ(content_type_for("a.exe"), "application/octet-stream");
    EXPECT_EQ(content_type_for("README"), "application/octet-stream");
    EXPECT_EQ(content_type_for("a.HTML"), "application/octet-stream");
}

TEST(Etag, IsAStrongTagOfTheContents) {
    const std::string a = etag_for("abc");
    EXPECT_EQ(a.size(), 18u);
    EXPECT_EQ(a.front(), '"');
    EXPECT_EQ(a.back(), '"');
    EXPECT_EQ(a, etag_for("abc"));
    EXPECT_NE(a, etag_for("abd"));
}

TEST(IfNoneMatch, MatchesOneTagOrAList) {
    const std::string tag = "\"abc\"";
    EXPECT_TRUE(if_none_match_matches("\"abc\"", tag));
    EXPECT_TRUE(if_none_match_matches("  \"abc\"  ", tag));
    EXPECT_TRUE(if_none_match_matches("\"x\", \"abc\"", tag));
    EXPECT_TRUE(if_none_match_matches("\"x\",\"abc\",\"y\"", tag));
    EXPECT_TRUE(if_none_match_matches(", ,\"abc\"", tag));       // empty list members are allowed
    EXPECT_TRUE(if_none_match_matches("\"a,b\", \"abc\"", tag)); // a comma inside a tag does not split it
}

TEST(IfNoneMatch, ComparesWeakly) {
    EXPECT_TRUE(if_none_match_matches("W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(if_none_match_matches("\"x\", W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(if_none_match_matches("\"abc\"", "W/\"abc\""));
}

TEST(IfNoneMatch, StarMatchesAnything) {
    EXPECT_TRUE(if_none_match_matches("*", "\"abc\""));
    EXPECT_TRUE(if_none_match_matches(" * ", "\"abc\""));
}

TEST(IfNoneMatch, RefusesOtherTagsAndMalformedValues) {
    const std::string tag = "\"abc\"";
    EXPECT_FALSE(if_none_match_matches("", tag));
    EXPECT_FALSE(if_none_match_matches("\"ab\"", tag));
    EXPECT_FALSE(if_none_match_matches("\"abcd\"", tag));
    EXPECT_FALSE(if_none_match_matches("abc", tag));                 // not quoted
    EXPECT_FALSE(if_none_match_matches("\"xabcx\"", tag));           // a tag containing ours is another tag
    EXPECT_FALSE(if_none_match_matches("\"x\"\"abc\"", tag));        // no separator
    EXPECT_FALSE(if_none_match_matches("\"x\" junk, \"abc\"", tag)); // malformed member ends the list
    EXPECT_FALSE(if_none_match_matches("w/\"abc\"", tag));           // W/ is case-sensitive
    EXPECT_FALSE(if_none_match_matches("\"abc", tag));
    EXPECT_FALSE(if_none_match_matches("*, \"x\"", tag)); // "*" only alone
    EXPECT_FALSE(if_none_match_matches("\"a\"bc\"", tag));
    EXPECT_FALSE(if_none_match_matches("\"abc\"", "not-a-tag"));
}

TEST(AssetServer, ServesFilesAndIndexAtTheRoot) {
    const AssetServer server(files(), policy(true));
    const auto index = server.serve(get("/"));
    ASSERT_TRUE(index);
    EXPECT_EQ(index->status, 200);
    EXPECT_EQ(index->body, "<!doctype html><title>t</title>");
    EXPECT_EQ(header(*index, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(header(*index, "Cache-Control"), "no-cache");
    EXPECT_EQ(header(*index, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(*index, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(header(*index, "Content-Security-Policy"), "default-src 'self'");
    EXPECT_EQ(header(*index, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(*index, "ETag"), etag_for(index->body));
    EXPECT_EQ(server.serve(get("/index.html"))->body, index->body);

    const auto js = server.serve(get("/app.js"));
    ASSERT_TRUE(js);
    EXPECT_EQ(header(*js, "Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(header(*js, "Content-Security-Policy"), "<none>"); // only pages carry the policy
    EXPECT_FALSE(server.serve(get("/missing.js")));
    EXPECT_FALSE(server.serve(get("/app.js/")));
    EXPECT_FALSE(server.serve(get("")));
}

TEST(AssetServer, AnswersAnUnchangedFileWith304) {
    const AssetServer server(files(), policy(true));
    const std::string etag = header(*server.serve(get("/site.css")), "ETag");
    for (const std::string& value : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        const auto r = server.serve(get("/site.css", value));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 304) << value;
        EXPECT_EQ(r->body, "");
        EXPECT_EQ(header(*r, "ETag"), etag);
        EXPECT_EQ(header(*r, "Cache-Control"), "no-cache");
    }
    EXPECT_EQ(server.serve(get("/site.css", "\"other\""))->status, 200);
    EXPECT_EQ(server.serve(get("/app.js", etag))->status, 200); // another file's tag
}

TEST(AssetServer, HeadWhenAllowed) {
    const AssetServer with_head(files(), policy(true));
    const auto r = with_head.serve(get("/app.js", {}, "HEAD"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "");
    EXPECT_EQ(header(*r, "Content-Type"), "text/javascript; charset=utf-8");

    const AssetServer get_only(files(), policy(false));
    const auto refused = get_only.serve(get("/app.js", {}, "HEAD"));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 405);
    EXPECT_EQ(header(*refused, "Allow"), "GET");
}

TEST(AssetServer, OtherMethodsAre405) {
    const AssetServer server(files(), policy(true));
    for (const char* method : {"POST", "PUT", "DELETE", "get", ""}) {
        const auto r = server.serve(get("/", {}, method));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 405) << method;
        EXPECT_EQ(header(*r, "Allow"), "GET, HEAD");
        EXPECT_EQ(header(*r, "Content-Type"), "text/plain; charset=utf-8");
        EXPECT_EQ(r->body, "method not allowed: read with GET\n");
    }
}

TEST(AssetServer, ServesAddedFiles) {
    AssetServer server(files(), policy(true));
    server.add("/config.json", "{\"a\":1}\n", "application/json");
    for (int i = 0; i < 20; ++i) { // more additions must not move what was added before
        server.add("/x" + std::to_string(i), "short", "text/plain");
    }
    const auto r = server.serve(get("/config.json"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "{\"a\":1}\n");
    EXPECT_EQ(header(*r, "Content-Type"), "application/json");
    EXPECT_EQ(header(*r, "ETag"), etag_for("{\"a\":1}\n"));
    AssetServer moved = std::move(server);
    EXPECT_EQ(moved.serve(get("/x0"))->body, "short");
}

} // namespace
} // namespace ocpp::http
