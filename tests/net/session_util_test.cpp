// Percent-decoding, Chargebox ID, HTTP Basic, subprotocol lists, URL parsing (url.cpp, basic_auth.cpp, headers.cpp).
#include <gtest/gtest.h>

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net {
namespace {

TEST(PercentDecode, DecodesEscapes) {
    EXPECT_EQ(percent_decode("CB%201"), "CB 1");
    EXPECT_EQ(percent_decode("%41%62%2f%2F"), "Ab//");
    EXPECT_EQ(percent_decode("plain-id_1.2~"), "plain-id_1.2~");
    EXPECT_EQ(percent_decode("a+b"), "a+b"); // '+' is not a space in a path
    EXPECT_EQ(percent_decode(""), "");
    EXPECT_EQ(percent_decode("%C3%A9"), "\xC3\xA9");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
    EXPECT_EQ(percent_decode("%"), std::nullopt);
    EXPECT_EQ(percent_decode("abc%"), std::nullopt);
    EXPECT_EQ(percent_decode("%4"), std::nullopt);
    EXPECT_EQ(percent_decode("CB%2"), std::nullopt);
    EXPECT_EQ(percent_decode("%G1"), std::nullopt);
    EXPECT_EQ(percent_decode("%1G"), std::nullopt);
    EXPECT_EQ(percent_decode("% 1"), std::nullopt);
}

TEST(PercentEncode, EscapesAllButUnreserved) {
    EXPECT_EQ(percent_encode("plain-id_1.2~"), "plain-id_1.2~");
    EXPECT_EQ(percent_encode("CB 1/2"), "CB%201%2F2");
    EXPECT_EQ(percent_encode("a:b*c"), "a%3Ab%2Ac");
    EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
    EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncode, KeepsTheGivenCharacters) {
    EXPECT_EQ(percent_encode("a:b*c d", ":*"), "a:b*c%20d");
    EXPECT_EQ(percent_encode("%", ":*"), "%25");
}

TEST(PercentEncode, RoundTripsThroughDecode) {
    const std::string all = [] {
        std::string s;
        for (int c = 0; c < 256; ++c) {
            s.push_back(static_cast<char>(c));
        }
        return s;
    }();
    EXPECT_EQ(percent_decode(percent_encode(all)), all);
}

TEST(ChargeboxId, TakesTheLastSegmentDecoded) {
    EXPECT_EQ(chargebox_id_from_path("/ocpp/CB-0001"), "CB-0001");
    EXPECT_EQ(chargebox_id_from_path("/ocpp/CB%201"), "CB 1");
    EXPECT_EQ(chargebox_id_from_path("/ocpp/CB1/"), "CB1");
    EXPECT_EQ(chargebox_id_from_path("/a/b//c//"), "c");
    EXPECT_EQ(chargebox_id_from_path("CB"), "CB");
    EXPECT_EQ(chargebox_id_from_path("/ocpp/x?y=1"), "x");
}

TEST(ChargeboxId, NoneWhenEmptyOrMalformed) {
    EXPECT_EQ(chargebox_id_from_path(""), std::nullopt);
    EXPECT_EQ(chargebox_id_from_path("/"), std::nullopt);
    EXPECT_EQ(chargebox_id_from_path("///"), std::nullopt);
    EXPECT_EQ(chargebox_id_from_path("/ocpp/%ZZ"), std::nullopt);
    EXPECT_EQ(chargebox_id_from_path("/ocpp/CB%"), std::nullopt);
}

TEST(BasicAuth, AChargeboxIdWithAColonIsTheWholeUser) {
    // The Chargebox ID may hold ':' (OCPP 2.0.1's identity rule); the path names it, so the split follows it.
    auto p = detail::parse_basic_auth_as("Basic " + detail::base64_encode("CB:01:pa:ss"), "CB:01");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "CB:01");
    EXPECT_EQ(p->second, "pa:ss");
    p = detail::parse_basic_auth_as("Basic " + detail::base64_encode("CB:02:secret"), "CB:01");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "CB"); // another user: the first colon separates, and the user does not match
    p = detail::parse_basic_auth_as("Basic " + detail::base64_encode("CB-1:x:y"), "CB-1");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->second, "x:y");
}

TEST(BasicAuth, ParsesUserAndPassword) {
    auto p = parse_basic_auth("Basic dXNlcjpwYXNz"); // user:pass
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "user");
    EXPECT_EQ(p->second, "pass");
    p = parse_basic_auth("  basic   dXNlcjpwYXNz  ");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "user");
    p = parse_basic_auth("BASIC " + detail::base64_encode("CB-0001:pa:ss:word"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "CB-0001");
    EXPECT_EQ(p->second, "pa:ss:word"); // only the first colon separates
    p = parse_basic_auth("Basic " + detail::base64_encode(":secret"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "");
    EXPECT_EQ(p->second, "secret");
    p = parse_basic_auth("Basic " + detail::base64_encode("user:"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->second, "");
    const std::string binary("u\0:\xff\x01", 5);
    p = parse_basic_auth("Basic " + detail::base64_encode(binary));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, std::string("u\0", 2));
    EXPECT_EQ(p->second, "\xff\x01");
}

TEST(BasicAuth, RejectsOtherSchemesAndBadBase64) {
    EXPECT_EQ(parse_basic_auth(""), std::nullopt);
    EXPECT_EQ(parse_basic_auth("Basic"), std::nullopt);
    EXPECT_EQ(parse_basic_auth("Basic "), std::nullopt);
    EXPECT_EQ(parse_basic_auth("Bearer dXNlcjpwYXNz"), std::nullopt);
    EXPECT_EQ(parse_basic_auth("BasicdXNlcjpwYXNz"), std::nullopt);
    EXPECT_EQ(parse_basic_auth("Basic dXNlcg=="), std::nullopt);      // "user": no colon
    EXPECT_EQ(parse_basic_auth("Basic dXNlcjpwYXNz="), std::nullopt); // length not a multiple of 4
    EXPECT_EQ(parse_basic_auth("Basic dXNlcjpwYXN"), std::nullopt);   // missing padding
    EXPECT_EQ(parse_basic_auth("Basic dXNl cjpwYXNz"), std::nullopt); // space inside
    EXPECT_EQ(parse_basic_auth("Basic dXNl*jpwYXNz"), std::nullopt);  // bad character
    EXPECT_EQ(parse_basic_auth("Basic ===="), std::nullopt);
    EXPECT_EQ(parse_basic_auth("Basic dQ==dQ=="), std::nullopt);     // padding in the middle
    EXPECT_EQ(parse_basic_auth("Basic dXNlcjpwYR=="), std::nullopt); // non-canonical padding bits
    EXPECT_EQ(parse_basic_auth("Basic dXNlcjpwYXN6Y"), std::nullopt);
}

TEST(Base64, EncodeRoundTrips) {
    for (const std::string text : {"", "a", "ab", "abc", "abcd", "user:password", "\x00\xff\x10"}) {
        auto p = parse_basic_auth("Basic " + detail::base64_encode("x:" + text));
        ASSERT_TRUE(p) << text;
        EXPECT_EQ(p->second, text);
    }
    EXPECT_EQ(detail::base64_encode("user:pass"), "dXNlcjpwYXNz");
}

TEST(Subprotocols, SplitsAndTrims) {
    EXPECT_EQ(split_subprotocols("ocpp1.6, ocpp2.0.1"), (std::vector<std::string>{"ocpp1.6", "ocpp2.0.1"}));
    EXPECT_EQ(split_subprotocols(" ocpp1.6 ,,\tocpp2.0 ,"), (std::vector<std::string>{"ocpp1.6", "ocpp2.0"}));
    EXPECT_TRUE(split_subprotocols("").empty());
    EXPECT_TRUE(split_subprotocols(" , ").empty());
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitive) {
    HttpRequest req;
    req.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
    EXPECT_EQ(req.header("content-type"), "application/json");
    EXPECT_EQ(req.header("Content-Type"), "application/json");
    EXPECT_EQ(req.header("x-a"), "1");
    EXPECT_EQ(req.header("missing"), "");
}

TEST(WsUrl, ParsesAndRejects) {
    detail::WsUrl url;
    std::string why;
    ASSERT_TRUE(detail::parse_ws_url("ws://127.0.0.1:8180/ocpp/CB-0001", url, why)) << why;
    EXPECT_FALSE(url.secure);
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.port, 8180);
    EXPECT_EQ(url.target, "/ocpp/CB-0001");
    ASSERT_TRUE(detail::parse_ws_url("WSS://Example.com/ocpp?x=1", url, why)) << why;
    EXPECT_TRUE(url.secure);
    EXPECT_EQ(url.port, 443);
    EXPECT_EQ(url.target, "/ocpp?x=1");
    ASSERT_TRUE(detail::parse_ws_url("ws://[::1]:9000", url, why)) << why;
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.target, "/");
    for (const char* bad :
         {"", "127.0.0.1:80/x", "http://host/x", "ws://", "ws://:80/x", "ws://host:0/", "ws://host:65536/",
          "ws://host:8a/", "ws://host:/x", "ws://[::1/x", "ws://u:p@host/", "ws://host/a b", "ws://host/caf\xc3\xa9"}) {
        EXPECT_FALSE(detail::parse_ws_url(bad, url, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
}

TEST(SplitTarget, PathAndQuery) {
    std::string path, query;
    detail::split_target("/ocpp/CB%201?a=1&b=2", path, query);
    EXPECT_EQ(path, "/ocpp/CB%201");
    EXPECT_EQ(query, "a=1&b=2");
    detail::split_target("http://host:80/x/y?q", path, query);
    EXPECT_EQ(path, "/x/y");
    EXPECT_EQ(query, "q");
    detail::split_target("/plain", path, query);
    EXPECT_EQ(path, "/plain");
    EXPECT_EQ(query, "");
}

} // namespace
} // namespace ocpp::net
