// `ocpp-tester serve` end to end: the real binary on a free port of 127.0.0.1, driven over HTTP like a web page
// would, with a small well-behaved charger connecting to the URL and password it handed out.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "serve_binary.hpp"
#include "store/claims.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tester/serve/command.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"
#include "tiny_charger.hpp"

using namespace tester::test;
using namespace ocppkit::test;
namespace fs = std::filesystem;

TEST_F(ServeBinary, WellBehavedChargerPassesAndGetsAClaimingCode) {
    ASSERT_NO_FATAL_FAILURE(start());
    const auto created = post_test(R"({"chargeBoxId":"CB-SERVE-1"})");
    ASSERT_EQ(created.status, 201) << created.body << created.error;
    const auto c = json(created.body);
    const std::string id = str(c, "id"), url = str(c, "url"), password = str(c, "password");
    EXPECT_EQ(url, "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp/CB-SERVE-1");
    EXPECT_EQ(str(c, "chargeBoxId"), "CB-SERVE-1");
    EXPECT_EQ(str(c, "username"), "CB-SERVE-1");
    EXPECT_EQ(str(c, "state"), "waiting");
    EXPECT_GE(password.size(), 16u);
    EXPECT_FALSE(str(c, "expiresAt").empty());
    EXPECT_EQ(created.header("location"), "/api/v1/tests/" + id);

    LoopThread lt;
    auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    ocpp::Logger quiet(ocpp::LogLevel::Warn);
    std::shared_ptr<TinyCharger> charger;
    lt.call([&] {
        charger = TinyCharger::create(lt.loop(), *schemas, quiet);
        charger->connect({url, "CB-SERVE-1", password, 2});
    });

    // Poll like a page would: cheap 304s while nothing changed, the full state when the version moved.
    std::string state_body, etag;
    int not_modified = 0;
    const bool done = wait_until(
        [&] {
            auto r =
                http(port_, "GET", "/api/v1/tests/" + id, "",
                     etag.empty() ? std::vector<std::string>{} : std::vector<std::string>{"If-None-Match: " + etag});
            if (r.status == 304) {
                ++not_modified;
                return false;
            }
            etag = r.header("etag");
            state_body = r.body;
            const auto s = json(r.body);
            return str(s, "state") != "waiting" && str(s, "state") != "running" && str(s, "claimStatus") != "issuing";
        },
        30s, 50ms);
    ASSERT_TRUE(done) << state_body << logs();
    const auto state = json(state_body);
    ASSERT_EQ(str(state, "state"), "passed") << state_body << logs();
    ASSERT_EQ(str(state, "claimStatus"), "issued") << state_body;
    EXPECT_TRUE(state["passed"].GetBool());
    EXPECT_GT(not_modified, 0);
    for (const auto& check : state["checks"].GetArray()) {
        EXPECT_NE(str(check, "verdict"), "fail") << str(check, "id") << ": " << str(check, "seen");
    }
    EXPECT_EQ(str(state["charger"], "vendor"), "ocppkit");
    EXPECT_EQ(str(state["charger"], "serial"), "TC-0001");
    const std::string code = str(state["claim"], "code");
    EXPECT_TRUE(std::regex_match(code, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}"))) << code;
    EXPECT_GE(charger->heartbeats.load(), 1);

    const auto report = http(port_, "GET", "/api/v1/tests/" + id + "/report.json");
    ASSERT_EQ(report.status, 200);
    EXPECT_EQ(str(json(report.body)["claim"], "code"), code);
    const auto junit = http(port_, "GET", "/api/v1/tests/" + id + "/report.xml");
    ASSERT_EQ(junit.status, 200);
    EXPECT_NE(junit.body.find("<testsuite name=\"ocpp-tester.CB-SERVE-1\""), std::string::npos);
    EXPECT_EQ(junit.body.find("<failure"), std::string::npos);
    const auto html = http(port_, "GET", "/api/v1/tests/" + id + "/report.html");
    ASSERT_EQ(html.status, 200);
    EXPECT_NE(html.body.find(code), std::string::npos);
    EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8");
    const auto capture = http(port_, "GET", "/api/v1/tests/" + id + "/capture.jsonl");
    ASSERT_EQ(capture.status, 200);
    EXPECT_NE(capture.body.find(R"("dir":"cp->cs","frame":[2,)"), std::string::npos);
    EXPECT_NE(capture.body.find("\"BootNotification\""), std::string::npos);
    EXPECT_NE(capture.body.find("\"GetConfiguration\""), std::string::npos);
    for (const std::string* body :
         std::vector<const std::string*>{&state_body, &report.body, &junit.body, &html.body, &capture.body}) {
        EXPECT_EQ(body->find(password), std::string::npos);
        EXPECT_EQ(body->find("never-shown-key"), std::string::npos); // the charger's AuthorizationKey
    }
    EXPECT_EQ(logs().find(password), std::string::npos);

    const auto list = json(http(port_, "GET", "/api/v1/tests").body);
    ASSERT_TRUE(list.IsObject());
    ASSERT_EQ(list["tests"].Size(), 1u);
    EXPECT_EQ(str(list["tests"][0], "id"), id);
    EXPECT_EQ(str(list["tests"][0], "state"), "passed");

    // The code is in the database, bound to what the tester saw and to the password (hashed).
    auto db = store::Sqlite::open(db_);
    ASSERT_TRUE(db);
    auto claim = store::Claims::find(**db, code);
    ASSERT_TRUE(claim && claim->has_value());
    const store::Claim& stored = **claim;
    EXPECT_EQ(stored.chargebox_id, "CB-SERVE-1");
    EXPECT_EQ(stored.vendor, "ocppkit");
    EXPECT_EQ(stored.model, "TinyCharger");
    EXPECT_EQ(stored.serial, "TC-0001");
    EXPECT_EQ(stored.connectors, 2);
    EXPECT_EQ(stored.security_profile, 1);
    EXPECT_EQ(stored.test_id, id);
    EXPECT_TRUE(store::verify_password(password, stored.password_hash));
    EXPECT_EQ(stored.password_hash.find(password), std::string::npos);

    // A finished test frees its Chargebox ID for the next attempt.
    const auto again = post_test(R"({"chargeBoxId":"CB-SERVE-1"})");
    EXPECT_EQ(again.status, 201) << again.body;
    lt.call([&] {
        charger->stop();
        charger.reset();
    });
}

TEST_F(ServeBinary, BadRequestsAreRefusedWithTheFieldNamed) {
    ASSERT_NO_FATAL_FAILURE(start());
    struct Case {
        std::string body;
        int status;
        std::string field;
        std::string says;
    };
    const Case cases[] = {
        {"{not json", 400, "body", "not valid JSON"},
        {"[1,2]", 400, "body", "JSON object"},
        {"{}", 422, "chargeBoxId", "required"},
        {R"({"chargeBoxId":"CB/1"})", 422, "chargeBoxId", "character 3 is \"/\""},
        {R"({"chargeBoxId":""})", 422, "chargeBoxId", "empty"},
        {R"({"chargeBoxId":5})", 422, "chargeBoxId", "string"},
        {R"({"chargeBoxId":"CB-1","chargingtest":true})", 422, "chargingtest", "unknown field"},
        {R"({"chargeBoxId":"CB-1","acceptAnyPassword":"yes"})", 422, "acceptAnyPassword", "true or false"},
        {"{\"chargeBoxId\":\"" + std::string(9000, 'x') + "\"}", 413, "body", "exceeds"},
    };
    for (const auto& c : cases) {
        const auto r = post_test(c.body);
        EXPECT_EQ(r.status, c.status) << c.body.substr(0, 60) << " -> " << r.body << r.error;
        const auto doc = json(r.body);
        EXPECT_EQ(str(doc, "field"), c.field) << r.body;
        EXPECT_NE(str(doc, "error").find(c.says), std::string::npos) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/json");
    }

    const auto first = post_test(R"({"chargeBoxId":"CB-DUP"})");
    ASSERT_EQ(first.status, 201) << first.body;
    const std::string id = str(json(first.body), "id");
    const auto dup = post_test(R"({"chargeBoxId":"CB-DUP","chargingTest":true})");
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(str(json(dup.body), "field"), "chargeBoxId");
    EXPECT_NE(str(json(dup.body), "error").find("already in progress"), std::string::npos);

    const auto unknown = http(port_, "GET", "/api/v1/tests/no-such-test");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(str(json(unknown.body), "field"), "id");
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests/" + id + "/report.pdf").status, 404);
    EXPECT_EQ(http(port_, "GET", "/nowhere").status, 404);
    const auto put = http(port_, "PUT", "/api/v1/tests", "{}");
    EXPECT_EQ(put.status, 405);
    EXPECT_EQ(put.header("allow"), "GET, POST");

    // A charger with an ID nobody is testing is told so in the refusal; one with a wrong password is diagnosed.
    LoopThread lt;
    auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    ocpp::Logger quiet(ocpp::LogLevel::Off);
    std::shared_ptr<TinyCharger> stranger, wrong;
    lt.call([&] {
        stranger = TinyCharger::create(lt.loop(), *schemas, quiet);
        stranger->connect({"ws://127.0.0.1:" + std::to_string(port_) + "/ocpp/CB-NOBODY", "CB-NOBODY", "x", 1});
        wrong = TinyCharger::create(lt.loop(), *schemas, quiet);
        wrong->connect({str(json(first.body), "url"), "CB-DUP", "not-the-password", 1});
    });
    EXPECT_TRUE(wait_until([&] { return stranger->http_status == 404 && wrong->http_status == 401; }, 5s));
    const auto live = json(http(port_, "GET", "/api/v1/tests/" + id).body);
    EXPECT_EQ(str(live, "state"), "running");
    bool auth_failed = false;
    for (const auto& check : live["checks"].GetArray()) {
        auth_failed = auth_failed || (str(check, "id") == "auth.basic" && str(check, "verdict") == "fail");
    }
    EXPECT_TRUE(auth_failed) << http(port_, "GET", "/api/v1/tests/" + id).body;

    const auto deleted = http(port_, "DELETE", "/api/v1/tests/" + id);
    EXPECT_EQ(deleted.status, 200);
    EXPECT_EQ(str(json(deleted.body), "state"), "aborted");
    EXPECT_EQ(str(json(deleted.body), "claimStatus"), "none");
    EXPECT_TRUE(json(deleted.body)["claim"].IsNull());

    const auto health = json(http(port_, "GET", "/healthz").body);
    EXPECT_EQ(str(health, "status"), "ok");
    EXPECT_EQ(health["testsInProgress"].GetInt(), 0);
    EXPECT_EQ(health["testsKept"].GetInt(), 1);
    lt.call([&] {
        stranger->stop();
        wrong->stop();
        stranger.reset();
        wrong.reset();
    });
}

TEST_F(ServeBinary, RefusesTestsBeyondMaxTests) {
    ASSERT_NO_FATAL_FAILURE(start({"--max-tests", "1"}));
    EXPECT_EQ(post_test(R"({"chargeBoxId":"CB-A"})").status, 201);
    const auto full = post_test(R"({"chargeBoxId":"CB-B"})");
    EXPECT_EQ(full.status, 503);
    EXPECT_EQ(full.header("retry-after"), "30");
    EXPECT_NE(str(json(full.body), "error").find("too many tests"), std::string::npos);
}

TEST(ServeCommandLine, UsageErrorsExitWith2) {
    const auto log =
        (fs::temp_directory_path() / ("ocppkit-serve-usage-" + std::to_string(::getpid()) + ".log")).string();
    auto exit_code = [&](std::vector<std::string> args) {
        ChildProcess p(kBinary, std::move(args), log);
        return p.wait_exit(10s);
    };
    EXPECT_EQ(exit_code({"serve", "--help"}), 0);
    EXPECT_EQ(exit_code({"serve", "--bogus"}), 2);
    EXPECT_EQ(exit_code({"serve"}), 2);
    EXPECT_EQ(exit_code({"serve", "--listen", "127.0.0.1:1", "--db", "postgresql://x/y?bogus=1"}), 2);
    fs::remove(log);
}

TEST(ServeCommandLine, ParsesOptions) {
    std::vector<std::string> words{"serve",         "--listen", "[::]:8180",   "--public-url=wss://t.example:443",
                                   "--timeout",     "120",      "--max-tests", "5",
                                   "--log-level",   "debug",    "--db",        "sqlite:/tmp/x.db",
                                   "--no-api-token"};
    std::vector<char*> argv;
    for (auto& w : words) {
        argv.push_back(w.data());
    }
    auto o = tester::parse_serve_options(static_cast<int>(argv.size()), argv.data());
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->host, "::");
    EXPECT_EQ(o->port, 8180);
    EXPECT_EQ(o->public_url, "wss://t.example:443");
    EXPECT_EQ(o->timeout, 120);
    EXPECT_EQ(o->heartbeat_interval, 30);
    EXPECT_EQ(o->max_tests, 5u);
    EXPECT_EQ(o->log_level, ocpp::LogLevel::Debug);

    auto parse = [](std::vector<std::string> args) {
        std::vector<char*> v;
        for (auto& a : args) {
            v.push_back(a.data());
        }
        auto r = tester::parse_serve_options(static_cast<int>(v.size()), v.data());
        return r ? std::string() : r.error().message;
    };
    EXPECT_NE(parse({"serve", "--listen", "8180"}).find("HOST:PORT"), std::string::npos);
    EXPECT_NE(parse({"serve", "--listen", "h:1", "--tls-cert", "c.pem"}).find("--tls-key"), std::string::npos);
    EXPECT_NE(parse({"serve", "--listen", "h:1", "--timeout", "10", "--heartbeat-interval", "30"}).find("--timeout"),
              std::string::npos);
    EXPECT_NE(parse({"serve", "--listen", "h:1", "--public-url", "http://x"}).find("ws://"), std::string::npos);
    EXPECT_NE(parse({"serve", "--listen", "h:1", "--max-tests", "0"}).find("--max-tests"), std::string::npos);
    EXPECT_NE(parse({"serve", "--listen", "10.0.0.5:8180"}).find("--no-api-token"), std::string::npos);
    EXPECT_EQ(parse({"serve", "--listen", "127.0.0.1:8180"}), "");
}
