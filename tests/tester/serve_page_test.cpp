// The installer page and the access rules of `ocpp-tester serve`, against the real binary on 127.0.0.1: the page's
// files are served from the binary with a strict policy, nothing in them points outside the tester, the access token
// guards starting and listing tests but not a test's own URLs, and a password given for a retest is used.
#include <regex>

#include <gtest/gtest.h>

#include "serve_binary.hpp"
#include "tester/serve/command.hpp"
#include "tester/web/installer_page.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"
#include "tiny_charger.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const std::string kSiteToken = "site-token-0123456789";

TEST_F(ServeBinary, ServesTheInstallerPageFromTheBinary) {
    ASSERT_NO_FATAL_FAILURE(start());
    const auto page = http(port_, "GET", "/");
    ASSERT_EQ(page.status, 200) << page.error;
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<title>Charger connection test"), std::string::npos);
    EXPECT_NE(page.body.find(R"(<script type="module" src="installer.js">)"), std::string::npos);
    const std::string policy = page.header("content-security-policy");
    EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
    EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(http(port_, "GET", "/index.html").body, page.body);

    // Every module the page imports is there, with a type a browser accepts for a module script.
    for (const char* name : {"/installer.js", "/api.js", "/render.js", "/spell.js"}) {
        const auto js = http(port_, "GET", name);
        EXPECT_EQ(js.status, 200) << name;
        EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8") << name;
        EXPECT_FALSE(js.body.empty()) << name;
    }
    EXPECT_EQ(http(port_, "GET", "/installer.css").header("content-type"), "text/css; charset=utf-8");

    // Revalidation costs a 304; a changed binary would change the ETag.
    const std::string etag = page.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(http(port_, "GET", "/", "", {"If-None-Match: " + etag}).status, 304);
    EXPECT_EQ(http(port_, "GET", "/", "", {"If-None-Match: \"other\""}).status, 200);

    const auto post = http(port_, "POST", "/", "{}");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.header("allow"), "GET");
    const auto missing = http(port_, "GET", "/nothing.js");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.header("content-type"), "application/json");
}

TEST(InstallerPage, NeedsNothingFromTheInternet) {
    // On a parking deck there may be no internet, and a page that loads scripts from elsewhere leaks the codes.
    const std::regex external(R"((https?:)?//[A-Za-z0-9-]+\.[A-Za-z])");
    ASSERT_GE(tester::installer_page_files().size(), 5u);
    for (const auto& f : tester::installer_page_files()) {
        const std::string text(f.contents);
        std::smatch m;
        EXPECT_FALSE(std::regex_search(text, m, external)) << f.name << " refers to " << m.str();
        EXPECT_EQ(text.find("innerHTML"), std::string::npos) << f.name << ": text from chargers must stay text";
    }
}

TEST_F(ServeBinary, TokenGuardsStartingAndListingButNotATestsOwnUrls) {
    ASSERT_NO_FATAL_FAILURE(start({"--api-token", kSiteToken}));
    const std::string body = R"({"chargeBoxId":"CB-TOKEN"})";
    for (const auto& headers : std::vector<std::vector<std::string>>{
             {}, {"Authorization: Bearer wrong-token-0123456789"}, {"Authorization: Basic " + kSiteToken}}) {
        const auto refused = post_test(body, headers);
        EXPECT_EQ(refused.status, 401) << refused.body;
        EXPECT_EQ(refused.header("www-authenticate"), "Bearer realm=\"ocpp-tester\"");
        EXPECT_EQ(str(json(refused.body), "field"), "Authorization");
        EXPECT_NE(str(json(refused.body), "error").find("access token"), std::string::npos) << refused.body;
    }
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests").status, 401);
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests", "", {"Authorization: Bearer " + kSiteToken}).status, 200);
    // Nothing was started by the refused requests.
    EXPECT_EQ(json(http(port_, "GET", "/healthz").body)["testsKept"].GetInt(), 0);

    const auto created = post_test(body, {"Authorization: Bearer " + kSiteToken});
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = str(json(created.body), "id");
    // Whoever holds the id (the page that started the test, or a link shared with the office) needs no token.
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests/" + id).status, 200);
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests/" + id + "/report.json").status, 200);
    EXPECT_EQ(http(port_, "GET", "/").status, 200);
    EXPECT_EQ(http(port_, "DELETE", "/api/v1/tests/" + id).status, 200);
    EXPECT_EQ(logs().find(kSiteToken), std::string::npos) << "the token must not be logged";
}

TEST_F(ServeBinary, RetestKeepsTheGivenPassword) {
    ASSERT_NO_FATAL_FAILURE(start());
    struct Case {
        std::string body;
        std::string says;
    };
    const Case bad[] = {
        {R"({"chargeBoxId":"CB-PW","password":"short"})", "5 characters long; use 16 to 40"},
        {R"({"chargeBoxId":"CB-PW","password":")" + std::string(41, 'x') + "\"}", "41 characters"},
        {R"({"chargeBoxId":"CB-PW","password":"with space 0123456789"})", "printable ASCII"},
        {R"({"chargeBoxId":"CB-PW","password":12345678901234567})", "must be a string"},
        {R"({"chargeBoxId":"CB-PW","password":"kx7Qm2Vt9pLr4Wz8","acceptAnyPassword":true})", "exclude each other"},
    };
    for (const auto& c : bad) {
        const auto r = post_test(c.body);
        EXPECT_EQ(r.status, 422) << c.body << " -> " << r.body;
        EXPECT_EQ(str(json(r.body), "field"), "password") << r.body;
        EXPECT_NE(str(json(r.body), "error").find(c.says), std::string::npos) << r.body;
    }
    EXPECT_EQ(json(http(port_, "GET", "/healthz").body)["testsKept"].GetInt(), 0);

    const std::string password = "kx7Qm2Vt9pLr4Wz8";
    const auto created = post_test(R"({"chargeBoxId":"CB-PW","password":")" + password + "\"}");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto c = json(created.body);
    EXPECT_EQ(str(c, "password"), password);
    const std::string id = str(c, "id");

    LoopThread lt;
    auto schemas = ocpp::validation::Registry::v16();
    ASSERT_TRUE(schemas);
    ocpp::Logger quiet(ocpp::LogLevel::Off);
    std::shared_ptr<TinyCharger> charger;
    lt.call([&] {
        charger = TinyCharger::create(lt.loop(), *schemas, quiet);
        charger->connect({str(c, "url"), "CB-PW", password, 1});
    });
    std::string seen;
    EXPECT_TRUE(wait_until(
        [&] {
            const auto state = json(http(port_, "GET", "/api/v1/tests/" + id).body);
            if (!state.IsObject() || !state["checks"].IsArray()) {
                return false;
            }
            for (const auto& check : state["checks"].GetArray()) {
                if (str(check, "id") == "auth.basic" && str(check, "verdict") == "pass") {
                    seen = str(check, "seen");
                    return true;
                }
            }
            return false;
        },
        10s))
        << logs();
    EXPECT_NE(seen.find("password matches (16 characters)"), std::string::npos) << seen;
    lt.call([&] {
        charger->stop();
        charger.reset();
    });
}

TEST(ServeCommandLine, ApiTokenOption) {
    auto parse = [](std::vector<std::string> args) {
        std::vector<char*> v;
        for (auto& a : args) {
            v.push_back(a.data());
        }
        return tester::parse_serve_options(static_cast<int>(v.size()), v.data());
    };
    auto ok = parse({"serve", "--listen", "127.0.0.1:0", "--api-token", kSiteToken});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->api_token, kSiteToken);
    auto short_token = parse({"serve", "--listen", "127.0.0.1:0", "--api-token", "abc"});
    ASSERT_FALSE(short_token);
    EXPECT_NE(short_token.error().message.find("at least 16"), std::string::npos);
    auto spaced = parse({"serve", "--listen", "127.0.0.1:0", "--api-token", "abc def ghi jkl mno"});
    ASSERT_FALSE(spaced);
    EXPECT_NE(spaced.error().message.find("printable ASCII"), std::string::npos);
}

} // namespace
