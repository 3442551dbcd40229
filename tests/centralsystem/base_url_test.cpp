// The scheme and address this server hands out in upload and download URLs: https on a TLS listener or behind a
// TLS-terminating proxy (one of --trusted-proxy) that says so, whatever the header's case or further values.
#include <gtest/gtest.h>

#include "centralsystem/api/base_url.hpp"

namespace {

ocpp::net::HttpRequest request(std::vector<std::pair<std::string, std::string>> headers, bool secure = false,
                               bool from_trusted_proxy = true) {
    ocpp::net::HttpRequest r;
    r.headers = std::move(headers);
    r.secure = secure;
    r.from_trusted_proxy = from_trusted_proxy;
    return r;
}

TEST(OwnBaseUrl, HttpsOverTlsOrWhenTheProxySaysSo) {
    EXPECT_EQ(cs::api::own_base_url(request({{"host", "cs.example:8443"}}, true)), "https://cs.example:8443");
    EXPECT_EQ(cs::api::own_base_url(request({{"host", "cs.example"}})), "http://cs.example");
    for (const char* proto : {"https", "HTTPS", " https , http", "Https,https"}) {
        EXPECT_TRUE(cs::api::came_over_tls(request({{"x-forwarded-proto", proto}}))) << proto;
    }
    for (const char* proto : {"http", "http, https", "httpsx", ""}) {
        EXPECT_FALSE(cs::api::came_over_tls(request({{"x-forwarded-proto", proto}}))) << proto;
    }
}

TEST(OwnBaseUrl, XForwardedProtoCountsOnlyFromATrustedProxy) {
    EXPECT_FALSE(cs::api::came_over_tls(request({{"x-forwarded-proto", "https"}}, false, false)))
        << "any client could claim it came over TLS: its cookie would be Secure, chargers sent to https://";
    EXPECT_EQ(cs::api::own_base_url(request({{"host", "cs.example"}, {"x-forwarded-proto", "https"}}, false, false)),
              "http://cs.example");
    EXPECT_TRUE(cs::api::came_over_tls(request({}, true, false))) << "a TLS listener needs no header";
}

TEST(OwnBaseUrl, NoAddressFromAHostThatWouldChangeTheUrl) {
    for (const char* host : {"", "evil.example/path", "a@b", "x?y", "x#y", "a b"}) {
        EXPECT_FALSE(cs::api::own_base_url(request({{"host", host}}))) << host;
    }
}

} // namespace
