// The scheme and address this server hands out in upload and download URLs: https on a TLS listener or behind a
// TLS-terminating proxy that says so, whatever the header's case or further values.
#include <gtest/gtest.h>

#include "centralsystem/api/base_url.hpp"

namespace {

ocpp::net::HttpRequest request(std::vector<std::pair<std::string, std::string>> headers, bool secure = false) {
    ocpp::net::HttpRequest r;
    r.headers = std::move(headers);
    r.secure = secure;
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

TEST(OwnBaseUrl, NoAddressFromAHostThatWouldChangeTheUrl) {
    for (const char* host : {"", "evil.example/path", "a@b", "x?y", "x#y", "a b"}) {
        EXPECT_FALSE(cs::api::own_base_url(request({{"host", host}}))) << host;
    }
}

} // namespace
