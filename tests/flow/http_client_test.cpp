// The REST client: URL checks, and requests against the real ocpp-centralsystem on 127.0.0.1 (JSON bodies, bearer
// token, the server's error message in the error) and against a fake server for timeouts and odd answers.
#include <gtest/gtest.h>

#include "simulator/rest/http_client.hpp"
#include "tests/flow/fake_http_server.hpp"
#include "tests/flow/flow_support.hpp"

namespace {

using namespace std::chrono_literals;
using flow::test::CentralSystem;
using flow::test::FakeHttpServer;
using sim::HttpClient;
using sim::HttpClientConfig;

const std::string kChargerBody =
    R"({"chargeBoxId":"HTTP000001","password":"http-password-1","chargePoints":[{"connectorId":1,)"
    R"("evseId":"DE*ABC*EHTTP1*1","standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE",)"
    R"("maxPowerKw":22}]})";

TEST(BaseUrl, AcceptsHttpAndHttpsAndDropsTheTrailingSlash) {
    EXPECT_EQ(*sim::parse_base_url("http://127.0.0.1:8180/"), "http://127.0.0.1:8180");
    EXPECT_EQ(*sim::parse_base_url("https://cs.example.com"), "https://cs.example.com");
    EXPECT_EQ(*sim::parse_base_url("http://[::1]:8180/prefix"), "http://[::1]:8180/prefix");
}

TEST(BaseUrl, NamesWhatIsWrong) {
    const auto error = [](const std::string& url) { return sim::parse_base_url(url).error().message; };
    EXPECT_NE(error("127.0.0.1:8180").find("http://HOST:PORT"), std::string::npos);
    EXPECT_NE(error("ws://127.0.0.1:8180").find("http:// or https://, not ws://"), std::string::npos);
    EXPECT_NE(error("http://127.0.0.1:99999").find("from 1 to 65535, not \"99999\""), std::string::npos);
    EXPECT_NE(error("http://127.0.0.1:").find("port"), std::string::npos);
    EXPECT_NE(error("http://").find("no host"), std::string::npos);
    EXPECT_NE(error("http://h/api?x=1").find("query"), std::string::npos);
    EXPECT_NE(error("http://user:pw@h:1").find("credentials"), std::string::npos);
}

TEST(StatusText, GivesTheReasonPhrase) {
    EXPECT_EQ(sim::status_text(409), "409 Conflict");
    EXPECT_EQ(sim::status_text(599), "599");
}

class HttpClientAgainstCentralSystem : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(cs_.start("http")); }
    HttpClientConfig config(const std::string& token) {
        HttpClientConfig c;
        c.base_url = cs_.base_url();
        c.bearer_token = token;
        c.timeout = 5000ms;
        return c;
    }
    CentralSystem cs_;
};

TEST_F(HttpClientAgainstCentralSystem, PostsJsonWithTheTokenAndReadsTheAnswer) {
    HttpClient client(config(cs_.token()));
    auto created = client.json("POST", "/api/v1/chargers", kChargerBody);
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_TRUE(created->IsObject());
    EXPECT_STREQ((*created)["chargeBoxId"].GetString(), "HTTP000001");
    EXPECT_STREQ((*created)["status"].GetString(), "planned");

    auto raw = client.request("GET", "api/v1/chargers/HTTP000001"); // the missing slash is added
    ASSERT_TRUE(raw) << raw.error().message;
    EXPECT_EQ(raw->status, 200);
    EXPECT_NE(raw->content_type.find("application/json"), std::string::npos);
    EXPECT_GT(raw->elapsed.count(), 0);
    // Several requests on one client (the connection is reused where the server allows it).
    for (int i = 0; i < 5; ++i) {
        auto again = client.json("GET", "/api/v1/chargers");
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ((*again)["count"].GetInt(), 1);
    }
}

TEST_F(HttpClientAgainstCentralSystem, ErrorsNameTheUrlTheStatusAndTheServersMessage) {
    HttpClient no_token(config(""));
    auto refused = no_token.json("GET", "/api/v1/chargers");
    ASSERT_FALSE(refused);
    const std::string& msg = refused.error().message;
    EXPECT_NE(msg.find("GET " + cs_.base_url() + "/api/v1/chargers"), std::string::npos) << msg;
    EXPECT_NE(msg.find("401 Unauthorized"), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing or wrong bearer token"), std::string::npos) << msg;

    HttpClient client(config(cs_.token()));
    ASSERT_TRUE(client.json("POST", "/api/v1/chargers", kChargerBody));
    auto duplicate = client.json("POST", "/api/v1/chargers", kChargerBody);
    ASSERT_FALSE(duplicate);
    EXPECT_NE(duplicate.error().message.find("409 Conflict: chargeBoxId: "), std::string::npos)
        << duplicate.error().message;

    auto bad = client.json("POST", "/api/v1/chargers", "{not json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("400 Bad Request: body: "), std::string::npos) << bad.error().message;

    // request() hands back any HTTP answer as a value; only json() turns it into an error.
    auto missing = client.request("GET", "/api/v1/chargers/NOPE");
    ASSERT_TRUE(missing) << missing.error().message;
    EXPECT_EQ(missing->status, 404);
    EXPECT_FALSE(missing->ok());
    EXPECT_NE(missing->server_message().find("no charger"), std::string::npos) << missing->body;

    // Nothing was stored by the refused requests.
    auto list = client.json("GET", "/api/v1/chargers");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ((*list)["count"].GetInt(), 1);
}

TEST(HttpClientFaults, RefusedConnectionNamesTheUrl) {
    HttpClientConfig c;
    c.base_url = "http://127.0.0.1:" + std::to_string(ocppkit::test::free_port());
    c.timeout = 3000ms;
    HttpClient client(c);
    const auto start = std::chrono::steady_clock::now();
    auto r = client.request("GET", "/healthz");
    ASSERT_FALSE(r);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_NE(r.error().message.find("GET " + c.base_url + "/healthz: cannot connect"), std::string::npos)
        << r.error().message;
}

TEST(HttpClientFaults, SilentServerTimesOut) {
    FakeHttpServer silent("");
    HttpClientConfig c;
    c.base_url = silent.base_url();
    c.timeout = 500ms;
    HttpClient client(c);
    const auto start = std::chrono::steady_clock::now();
    auto r = client.request("POST", "/api/v1/x", R"({"a":1})");
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 5s); // generous: the point is that it ends, near the 500 ms timeout
    EXPECT_NE(r.error().message.find("no answer within 500 ms"), std::string::npos) << r.error().message;
}

TEST(HttpClientFaults, SendsJsonAndTheBearerToken) {
    FakeHttpServer server("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    HttpClientConfig c;
    c.base_url = server.base_url() + "/";
    c.bearer_token = "secret-token-1234";
    HttpClient client(c);
    auto r = client.json("PUT", "/things/1", R"({"a":1})");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->IsNull()); // an empty 2xx body
    const std::string req = server.request();
    EXPECT_EQ(req.rfind("PUT /things/1 HTTP/1.1\r\n", 0), 0u) << req;
    EXPECT_NE(req.find("Authorization: Bearer secret-token-1234\r\n"), std::string::npos) << req;
    EXPECT_NE(req.find("Content-Type: application/json\r\n"), std::string::npos) << req;
    EXPECT_EQ(req.substr(req.size() - 7), R"({"a":1})");
}

TEST(HttpClientFaults, EmptyPostSaysContentLengthZero) {
    FakeHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    HttpClientConfig c;
    c.base_url = server.base_url();
    HttpClient client(c);
    auto r = client.json("POST", "/api/v1/chargers/CB/commands/ClearCache");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NE(server.request().find("Content-Length: 0\r\n"), std::string::npos) << server.request();
}

TEST(HttpClientFaults, NonJsonAnswerIsAnError) {
    FakeHttpServer server("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n"
                          "Connection: close\r\n\r\n<html></html>");
    HttpClientConfig c;
    c.base_url = server.base_url();
    HttpClient client(c);
    auto r = client.json("GET", "/api/v1/dashboard");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("200 OK but the body is not JSON: <html></html>"), std::string::npos)
        << r.error().message;
}

TEST(HttpClientFaults, OverlongAnswerIsRefused) {
    const std::string body(4096, 'x');
    FakeHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n" + body);
    HttpClientConfig c;
    c.base_url = server.base_url();
    c.max_response_bytes = 1000;
    HttpClient client(c);
    auto r = client.request("GET", "/big");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("longer than 1000 bytes"), std::string::npos) << r.error().message;
}

TEST(HttpClientFaults, ServerErrorWithoutJsonShowsTheBodyStart) {
    FakeHttpServer server("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 11\r\nConnection: close\r\n\r\nupstream !\n");
    HttpClientConfig c;
    c.base_url = server.base_url();
    HttpClient client(c);
    auto r = client.json("GET", "/x");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("GET " + server.base_url() + "/x: 502 Bad Gateway: upstream !"), std::string::npos)
        << r.error().message;
}

} // namespace
