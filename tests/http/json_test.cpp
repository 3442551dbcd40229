// The JSON answers: response headers, the one error shape, UTF-8 repair, and the bounded JSON-object body.
#include <gtest/gtest.h>

#include "ocpp/http/json.hpp"

namespace ocpp::http {
namespace {

std::string header_of(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return "<none>";
}

TEST(JsonError, HasOneShape) {
    auto r = json_error(422, "chargeBoxId is required", "chargeBoxId");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.body, "{\"error\":\"chargeBoxId is required\",\"field\":\"chargeBoxId\"}\n");
    EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
    EXPECT_EQ(header_of(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
    r = json_error(404, "not found");
    EXPECT_EQ(r.body, "{\"error\":\"not found\"}\n"); // no "field" when there is none
}

TEST(JsonError, EscapesAndRepairsText) {
    auto r = json_error(404, "no such resource: /a\"b\\c\n");
    EXPECT_EQ(r.body, "{\"error\":\"no such resource: /a\\\"b\\\\c\\n\"}\n");
    r = json_error(404, "bad \xff byte");
    EXPECT_EQ(r.body, "{\"error\":\"bad \xEF\xBF\xBD byte\"}\n");
}

TEST(MethodNotAllowed, NamesTheMethods) {
    const auto r = method_not_allowed("GET, POST");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header_of(r, "Allow"), "GET, POST");
    EXPECT_EQ(r.body, "{\"error\":\"method not allowed here; use GET, POST\"}\n");
}

TEST(Response, CarriesTypeAndNosniffOnly) {
    const auto r = response(201, "x", "text/plain");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "x");
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(header_of(r, "Content-Type"), "text/plain");
    EXPECT_EQ(header_of(r, "Cache-Control"), "<none>");
    EXPECT_EQ(header_of(json_response(200, "{}"), "Cache-Control"), "no-store");
}

TEST(ValidUtf8, KeepsWellFormedText) {
    EXPECT_EQ(valid_utf8(""), "");
    EXPECT_EQ(valid_utf8("plain"), "plain");
    EXPECT_EQ(valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x8C"), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x8C"); // é € 🔌
}

TEST(ValidUtf8, ReplacesEachBadByte) {
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(valid_utf8("\xff"), r);
    EXPECT_EQ(valid_utf8("a\x80z"), "a" + r + "z");           // stray continuation byte
    EXPECT_EQ(valid_utf8("\xC3"), r);                         // truncated
    EXPECT_EQ(valid_utf8("\xC0\xAF"), r + r);                 // overlong '/'
    EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), r + r + r);         // overlong, 3 bytes
    EXPECT_EQ(valid_utf8("\xED\xA0\x80"), r + r + r);         // UTF-16 surrogate
    EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), r + r + r + r); // beyond U+10FFFF
    EXPECT_EQ(valid_utf8("\xE2\x82"), r + r);                 // truncated 3-byte sequence
}

TEST(JsonObject, WritesMembers) {
    const std::string text = json_object([](JsonWriter& w) {
        member(w, "a", "x");
        member_or_null(w, "b", std::optional<std::string>{});
        member_or_null(w, "c", std::optional<double>{1.5});
        member_or_null(w, "d", std::optional<double>{});
        member_or_null(w, "e", std::optional<int>{3});
        member_or_null(w, "f", std::optional<int>{});
    });
    EXPECT_EQ(text, "{\"a\":\"x\",\"b\":null,\"c\":1.5,\"d\":null,\"e\":3,\"f\":null}\n");
}

TEST(ParseJsonObject, AcceptsAnObject) {
    rapidjson::Document doc;
    EXPECT_EQ(parse_json_object("{\"a\":1}", 100, doc), std::nullopt);
    EXPECT_TRUE(doc.IsObject());
    EXPECT_EQ(parse_json_object(std::string(96, ' ') + "{}  ", 100, doc), std::nullopt); // exactly the bound
}

TEST(ParseJsonObject, RefusesATooLargeBodyBeforeParsing) {
    rapidjson::Document doc;
    const auto p = parse_json_object(std::string(101, ' '), 100, doc);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kind, BodyProblem::Kind::TooLarge);
    EXPECT_EQ(p->status(), 413);
    EXPECT_EQ(p->message, "request body exceeds 100 bytes");
    const auto r = p->response();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.body, "{\"error\":\"request body exceeds 100 bytes\",\"field\":\"body\"}\n");
}

TEST(ParseJsonObject, RefusesBadJson) {
    rapidjson::Document doc;
    for (const std::string body : {"", "{", "{\"a\":}", "{\"a\":1}x", "nul", "{'a':1}"}) {
        const auto p = parse_json_object(body, 100, doc);
        ASSERT_TRUE(p) << body;
        EXPECT_EQ(p->kind, BodyProblem::Kind::NotJson) << body;
        EXPECT_EQ(p->status(), 400);
        EXPECT_EQ(p->message.rfind("request body is not valid JSON: ", 0), 0u) << p->message;
    }
    const auto p = parse_json_object("{\"a\":}", 100, doc);
    EXPECT_NE(p->message.find("(at byte 5)"), std::string::npos) << p->message;
}

TEST(ParseJsonObject, RefusesInvalidUtf8) {
    rapidjson::Document doc;
    const auto p = parse_json_object("{\"a\":\"\xff\"}", 100, doc);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kind, BodyProblem::Kind::NotJson);
}

TEST(ParseJsonObject, RefusesOtherValues) {
    rapidjson::Document doc;
    for (const std::string body : {"[]", "1", "\"x\"", "null", "true"}) {
        const auto p = parse_json_object(body, 100, doc);
        ASSERT_TRUE(p) << body;
        EXPECT_EQ(p->kind, BodyProblem::Kind::NotObject) << body;
        EXPECT_EQ(p->status(), 400);
        EXPECT_EQ(p->message, "request body must be a JSON object");
    }
}

} // namespace
} // namespace ocpp::http
