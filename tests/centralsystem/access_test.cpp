// Users, roles and providers against the real binary: every write route refuses a read-only user and a user of
// another provider (the route table iterated, nothing stored changes), a provider's user sees only that provider's
// chargers, cookie writes need the CSRF token, and the permission table covers every route.
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "centralsystem/api/access/access.hpp"
#include "centralsystem/api/api.hpp"
#include "centralsystem/db/users.hpp"
#include "store/database.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/net_support.hpp"

namespace {

using namespace cs::test;
using ocppkit::test::http_from;

const std::string C = "/api/v1/chargers";
const std::string kUsers = "/api/v1/users";

TEST(AccessTable, EveryRouteHasAPermission) {
    std::set<std::pair<std::string, std::string>> listed;
    for (const auto& [method, path, permission] : cs::api::permission_table()) {
        EXPECT_TRUE(listed.emplace(method, path).second) << "listed twice: " << method << " " << path;
    }
    for (const auto& route : cs::api_routes()) {
        EXPECT_TRUE(listed.count(route)) << "no permission decided for " << route.first << " " << route.second;
    }
}

TEST(AccessTable, RolesAllowWhatTheyShould) {
    using cs::api::Need;
    using cs::api::Role;
    EXPECT_TRUE(cs::api::allows(Role::ReadOnly, Need::Read));
    EXPECT_FALSE(cs::api::allows(Role::ReadOnly, Need::Install));
    EXPECT_TRUE(cs::api::allows(Role::Installer, Need::Install));
    EXPECT_FALSE(cs::api::allows(Role::Installer, Need::Operate));
    EXPECT_TRUE(cs::api::allows(Role::Operator, Need::Operate));
    EXPECT_FALSE(cs::api::allows(Role::Operator, Need::Admin));
    EXPECT_TRUE(cs::api::allows(Role::Admin, Need::Admin));
    EXPECT_EQ(cs::api::role_from("read-only"), Role::ReadOnly);
    EXPECT_FALSE(cs::api::role_from("root"));
}

TEST(AccessCookie, TheSessionCookieIsFoundAmongOthers) {
    EXPECT_EQ(cs::api::cookie_value("a=1; ocppkit_session=abc; b=2", "ocppkit_session"), "abc");
    EXPECT_EQ(cs::api::cookie_value("xocppkit_session=abc", "ocppkit_session"), "");
    EXPECT_EQ(cs::api::cookie_value("", "ocppkit_session"), "");
}

class Access : public CentralSystemBinary {
protected:
    // Creates a user and returns an API token of theirs.
    std::string user(const std::string& name, const std::string& role, const std::string& provider = "") {
        const std::string body = R"({"name":")" + name + R"(","password":"password-of-)" + name + R"(","role":")" +
                                 role + "\"" + (provider.empty() ? "" : R"(,"provider":")" + provider + "\"") + "}";
        EXPECT_EQ(api("POST", kUsers, body).status, 201) << name;
        const auto t = api("POST", kUsers + "/" + name + "/tokens");
        EXPECT_EQ(t.status, 201) << t.body;
        return parse_json(t.body)["token"].GetString();
    }
    HttpReply as(const std::string& token, const std::string& method, const std::string& target,
                 const std::string& body = "", std::vector<std::string> headers = {}) {
        headers.push_back("Authorization: Bearer " + token);
        return raw(method, target, body, headers);
    }
    void two_providers() {
        for (const auto& [id, provider] : std::vector<std::pair<std::string, std::string>>{
                 {"ACME-1", "acme"}, {"ACME-2", "acme"}, {"OTHER-1", "other"}, {"NOBODY-1", ""}}) {
            const std::string evse = "DE*ACC*E" + id.substr(0, id.find('-')) + id.substr(id.find('-') + 1) + "*1";
            const std::string body = R"({"chargeBoxId":")" + id + R"(","password":"password-)" + id +
                                     R"(","provider":")" + provider +
                                     R"(","chargePoints":[{"connectorId":1,"evseId":")" + evse + R"("}]})";
            ASSERT_EQ(api("POST", C, body).status, 201) << id;
        }
    }
    // Everything stored that a write could change, as the admin reads it.
    std::string snapshot() {
        std::string out;
        for (const std::string& path :
             {C, C + "/ACME-1", C + "/ACME-1/prices", std::string("/api/v1/idtags"), std::string("/api/v1/sites"),
              kUsers, std::string("/api/v1/rollouts"), std::string("/api/v1/reservations")}) {
            out += path + " " + api("GET", path).body + "\n";
        }
        return out;
    }
};

std::string concrete(std::string path) {
    for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{{"{chargeBoxId}", "ACME-1"},
                                                                                       {"{priceSetId}", "1"},
                                                                                       {"{action}", "Reset"},
                                                                                       {"{userName}", "acme-op"},
                                                                                       {"{connectorId}", "1"}}) {
        if (auto at = path.find(param); at != std::string::npos) {
            path.replace(at, param.size(), value);
        }
    }
    for (auto at = path.find('{'); at != std::string::npos; at = path.find('{')) {
        path.replace(at, path.find('}', at) - at + 1, "1");
    }
    return path;
}

TEST_F(Access, ReadOnlyAndOtherProviderUsersAreRefusedForEveryWriteRoute) {
    two_providers();
    const std::string reader = user("reader", "read-only");
    const std::string stranger = user("other-op", "operator", "other");
    user("acme-op", "operator", "acme");
    const std::string before = snapshot();
    std::map<std::pair<std::string, std::string>, cs::api::Permission> permissions;
    for (const auto& [method, path, permission] : cs::api::permission_table()) {
        permissions[{method, path}] = permission;
    }
    int writes = 0;
    for (const auto& route : cs::api_routes()) {
        const auto& [method, path] = route;
        const cs::api::Permission permission = permissions.at(route);
        if (method == "GET" || permission.need == cs::api::Need::Read) {
            continue; // reads, and the caller's own session
        }
        ++writes;
        const std::string target = concrete(path);
        const bool csv = path.find("/import") != std::string::npos;
        const std::string body = csv ? "chargeBoxId\nACME-9\n" : "{}";
        const std::vector<std::string> type =
            csv ? std::vector<std::string>{"Content-Type: text/csv"} : std::vector<std::string>{};
        const auto r = as(reader, method, target, body, type);
        EXPECT_EQ(r.status, 403) << "read-only: " << method << " " << target << ": " << r.body;
        EXPECT_TRUE(parse_json(r.body)["field"] == "role") << method << " " << target;
        if (permission.reach == cs::api::Reach::Own) {
            continue; // no provider's data (the hardware catalogue)
        }
        const auto s = as(stranger, method, target, body, type);
        EXPECT_TRUE(s.status == 403 || s.status == 404)
            << "other provider: " << method << " " << target << ": " << s.status << " " << s.body;
    }
    EXPECT_GE(writes, 33); // every write route of this build (more as routes are added)
    EXPECT_EQ(snapshot(), before);
}

TEST_F(Access, AProvidersUserSeesOnlyThatProvidersChargers) {
    two_providers();
    const std::string acme = user("acme-reader", "read-only", "acme");
    for (const std::string& target :
         {C, C + "?provider=other", C + "?provider=", C + "?q=1&provider=other", C + "?%70rovider=",
          C + "?p%72ovider=other", C + "?provider=acme&provider=", C + "?provider=&provider=other", C + "?provider"}) {
        const auto r = as(acme, "GET", target);
        ASSERT_EQ(r.status, 200) << target;
        std::set<std::string> ids;
        for (const auto& c : parse_json(r.body)["chargers"].GetArray()) {
            ids.insert(c["chargeBoxId"].GetString());
        }
        EXPECT_EQ(ids.count("OTHER-1") + ids.count("NOBODY-1"), 0u) << target << ": " << r.body;
        EXPECT_TRUE(ids.count("ACME-1")) << target << ": " << r.body;
    }
    EXPECT_EQ(as(acme, "GET", C + "/ACME-1").status, 200);
    EXPECT_EQ(as(acme, "GET", C + "/OTHER-1").status, 404);
    EXPECT_EQ(as(acme, "GET", C + "/NOBODY-1/transactions").status, 404);
    // The dashboard counts acme's two charge points, whatever provider the query names and however it spells it.
    for (const char* query : {"", "?provider=other", "?%70rovider=", "?provider=acme&provider=", "?provider%3D"}) {
        const auto d = as(acme, "GET", std::string("/api/v1/dashboard") + query);
        ASSERT_EQ(d.status, 200) << query << ": " << d.body;
        int points = 0;
        for (const auto& tile : parse_json(d.body)["chargePoints"].GetObject()) {
            points += tile.value.GetInt();
        }
        EXPECT_EQ(points, 2) << query << ": " << d.body;
    }
    const auto ids = as(acme, "GET", "/api/v1/idtags");
    EXPECT_EQ(ids.status, 403);
    EXPECT_TRUE(parse_json(ids.body)["field"] == "provider");
    // The admin still sees all.
    EXPECT_EQ(parse_json(api("GET", C).body)["count"].GetInt(), 4);
}

TEST_F(Access, AProvidersUserReadsNoOtherProvidersChargerOrProviderWideData) {
    two_providers();
    const std::string acme = user("acme-reader", "read-only", "acme");
    int reads = 0;
    for (const auto& [method, path, permission] : cs::api::permission_table()) {
        if (std::string_view(method) != "GET" || permission.reach == cs::api::Reach::Own ||
            permission.reach == cs::api::Reach::Listed || permission.need != cs::api::Need::Read) {
            continue;
        }
        ++reads;
        std::string target = concrete(path);
        if (auto at = target.find("ACME-1"); at != std::string::npos) {
            target.replace(at, 6, "OTHER-1");
        }
        const auto r = as(acme, "GET", target);
        const auto body = parse_json(r.body);
        if (permission.reach == cs::api::Reach::Charger) {
            // The access layer's own answer, not a handler's missing resource.
            EXPECT_EQ(r.status, 404) << target << ": " << r.body;
            EXPECT_TRUE(body["field"] == "chargeBoxId") << target << ": " << r.body;
            EXPECT_TRUE(body["error"] == "no charger \"OTHER-1\"") << target << ": " << r.body;
        } else {
            EXPECT_EQ(r.status, 403) << target << ": " << r.body;
            EXPECT_TRUE(body["field"] == "provider") << target << ": " << r.body;
        }
    }
    EXPECT_GE(reads, 10);
}

TEST_F(Access, AProvidersUserCannotMoveAChargerToAnotherProvider) {
    two_providers();
    const std::string installer = user("acme-installer", "installer", "acme");
    for (const std::string& body :
         {std::string(R"({"provider":"other"})"), std::string(R"({"provider":""})"),
          std::string(R"({"provider":null})"), std::string(R"({"provider":"acme","provider":"other"})"),
          std::string(R"({"prov\u0069der":"other"})")}) {
        const auto r = as(installer, "PATCH", C + "/ACME-1", body);
        EXPECT_EQ(r.status, 403) << body << ": " << r.body;
        EXPECT_TRUE(parse_json(r.body)["field"] == "provider") << body << ": " << r.body;
    }
    EXPECT_TRUE(parse_json(api("GET", C + "/ACME-1").body)["provider"] == "acme");
    // Its own provider, or none named, is a normal change.
    EXPECT_EQ(as(installer, "PATCH", C + "/ACME-1", R"({"provider":"acme","vendor":"V1"})").status, 200);
    EXPECT_EQ(as(installer, "PATCH", C + "/ACME-1", R"({"vendor":"V2"})").status, 200);
    EXPECT_TRUE(parse_json(api("GET", C + "/ACME-1").body)["vendor"] == "V2");
    // The admin still may.
    EXPECT_EQ(api("PATCH", C + "/ACME-1", R"({"provider":"other"})").status, 200);
}

TEST_F(Access, ACookieSessionNeedsTheCsrfTokenForChanges) {
    user("op", "operator");
    const auto in = raw("POST", "/api/v1/session", R"({"name":"op","password":"password-of-op"})");
    ASSERT_EQ(in.status, 200) << in.body;
    const std::string set = in.header("set-cookie");
    EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
    EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain HTTP: " << set;
    const std::string cookie = "Cookie: " + set.substr(0, set.find(';'));
    const std::string csrf = parse_json(in.body)["csrfToken"].GetString();
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {cookie}).status, 200);
    const auto forged = raw("POST", "/api/v1/idtags", R"({"idTag":"CSRF-1"})", {cookie});
    EXPECT_EQ(forged.status, 403);
    EXPECT_TRUE(parse_json(forged.body)["field"] == "X-CSRF-Token");
    EXPECT_EQ(raw("POST", "/api/v1/idtags", R"({"idTag":"CSRF-1"})", {cookie, "X-CSRF-Token: wrong"}).status, 403);
    EXPECT_EQ(api("GET", "/api/v1/idtags/CSRF-1").status, 404);
    EXPECT_EQ(raw("POST", "/api/v1/idtags", R"({"idTag":"CSRF-1"})", {cookie, "X-CSRF-Token: " + csrf}).status, 201);
    EXPECT_EQ(raw("DELETE", "/api/v1/session", "", {cookie, "X-CSRF-Token: " + csrf}).status, 204);
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {cookie}).status, 401);
}

TEST_F(Access, SigningInAgainOrOutEndsTheSessionOnTheServer) {
    user("op", "operator");
    const std::string body = R"({"name":"op","password":"password-of-op"})";
    const auto first = raw("POST", "/api/v1/session", body);
    ASSERT_EQ(first.status, 200) << first.body;
    const std::string set = first.header("set-cookie");
    EXPECT_EQ(set.find("Max-Age"), std::string::npos) << "ends with the browser: " << set;
    const std::string old_cookie = "Cookie: " + set.substr(0, set.find(';'));
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {old_cookie}).status, 200);
    // Signing in again from the same browser ends the first session, not only replaces the cookie.
    const auto second = raw("POST", "/api/v1/session", body, {old_cookie});
    ASSERT_EQ(second.status, 200) << second.body;
    const std::string set2 = second.header("set-cookie");
    const std::string cookie = "Cookie: " + set2.substr(0, set2.find(';'));
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {old_cookie}).status, 401);
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {cookie}).status, 200);
    // Signing out ends it too.
    const std::string csrf = parse_json(second.body)["csrfToken"].GetString();
    const auto out = raw("DELETE", "/api/v1/session", "", {cookie, "X-CSRF-Token: " + csrf});
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos) << out.header("set-cookie");
    EXPECT_EQ(raw("GET", "/api/v1/idtags", "", {cookie}).status, 401);
}

TEST_F(Access, AnotherSitesFormCannotSignABrowserIn) {
    user("mallory", "read-only");
    // An HTML form with enctype="text/plain" whose field name and value join into this JSON text.
    const auto form = raw("POST", "/api/v1/session", R"({"name":"mallory","password":"password-of-mallory"})",
                          {"Content-Type: text/plain", "Origin: https://evil.example"});
    EXPECT_EQ(form.status, 415) << form.body;
    EXPECT_TRUE(parse_json(form.body)["field"] == "Content-Type") << form.body;
    EXPECT_TRUE(form.header("set-cookie").empty());
    const auto json = raw("POST", "/api/v1/session", R"({"name":"mallory","password":"password-of-mallory"})",
                          {"Content-Type: Application/JSON; charset=utf-8"});
    EXPECT_EQ(json.status, 200) << json.body;
}

TEST_F(Access, SignInIsRateLimitedAndPasswordsAreStoredHashed) {
    user("op", "operator");
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(raw("POST", "/api/v1/session", R"({"name":"op","password":"wrong"})").status, 401);
    }
    const auto limited = raw("POST", "/api/v1/session", R"({"name":"op","password":"password-of-op"})");
    EXPECT_EQ(limited.status, 429) << "the guessing address waits, even with the right password";
    EXPECT_FALSE(limited.header("retry-after").empty());
    // Guesses from elsewhere do not lock the user out.
    const auto elsewhere =
        http_from("127.0.0.2", port_, "POST", "/api/v1/session", R"({"name":"op","password":"password-of-op"})");
    EXPECT_EQ(elsewhere.status, 200) << elsewhere.body;
    // Read through SQLite (the fresh rows may still be in the write-ahead log, not the main file).
    auto db = store::open_database("sqlite:" + db_);
    ASSERT_TRUE(db) << db.error().message;
    const auto op = cs::db::find_user(**db, "op");
    ASSERT_TRUE(op && *op);
    EXPECT_EQ((*op)->password_hash.rfind("pbkdf2-sha256$310000$", 0), 0u) << (*op)->password_hash;
    EXPECT_EQ((*op)->password_hash.find("password-of-op"), std::string::npos);
    for (const char* file : {".db", ".db-wal", ".cs.log"}) {
        EXPECT_EQ(file_text(base_ + file).find("password-of-op"), std::string::npos) << file;
    }
}

TEST_F(Access, SignInIsLimitedPerAddressWhateverTheConnectionOrName) {
    // Every request is a new connection (a new source port): the address's budget is still one.
    for (int i = 0; i < 5; ++i) {
        const std::string body = R"({"name":"guess)" + std::to_string(i) + R"(","password":"wrong"})";
        EXPECT_EQ(http_from("127.0.0.3", port_, "POST", "/api/v1/session", body).status, 401);
    }
    const auto limited =
        http_from("127.0.0.3", port_, "POST", "/api/v1/session", R"({"name":"guess9","password":"wrong"})");
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(
        http_from("127.0.0.4", port_, "POST", "/api/v1/session", R"({"name":"guess9","password":"wrong"})").status,
        401);
}

TEST_F(Access, ParallelGuessesCountBeforeTheirHashIsDone) {
    user("op", "operator");
    std::vector<HttpReply> replies(20);
    std::vector<std::thread> threads;
    for (auto& reply : replies) {
        threads.emplace_back([&reply, this] {
            reply = http_from("127.0.0.5", port_, "POST", "/api/v1/session", R"({"name":"op","password":"wrong"})", {},
                              30000ms);
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    int wrong = 0;
    for (const auto& r : replies) {
        EXPECT_TRUE(r.status == 401 || r.status == 429 || r.status == 503) << r.status << " " << r.body;
        wrong += r.status == 401 ? 1 : 0;
        if (r.status == 429 || r.status == 503) {
            EXPECT_FALSE(r.header("retry-after").empty()) << r.status;
        }
    }
    EXPECT_LE(wrong, 5) << "every guess was checked";
}

TEST_F(Access, AFullPasswordHasherAnswers503WithRetryAfter) {
    // Sign-ins from six addresses at once: one is hashed, two wait, the rest are told to come back; none is refused
    // by the rate limit, and the store worker never hashes.
    std::vector<HttpReply> replies(6);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        threads.emplace_back([&replies, i, this] {
            replies[i] = http_from("127.0.1." + std::to_string(i + 1), port_, "POST", "/api/v1/session",
                                   R"({"name":"nobody","password":"wrong"})", {}, 30000ms);
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    int busy = 0;
    for (const auto& r : replies) {
        EXPECT_TRUE(r.status == 401 || r.status == 503) << r.status << " " << r.body;
        if (r.status == 503) {
            ++busy;
            EXPECT_EQ(r.header("retry-after"), "1");
            EXPECT_TRUE(parse_json(r.body)["field"] == "password") << r.body;
        }
    }
    EXPECT_GE(busy, 1);
    // At most three are told to come back when the six arrive together; on a loaded machine a finished check holds
    // its slot until the loop takes its result, so one more may be: at least one was hashed all the same.
    EXPECT_LE(busy, 5);
}

TEST_F(Access, ADeletedUsersTokenStopsWorking) {
    const std::string token = user("gone", "admin");
    EXPECT_EQ(as(token, "GET", kUsers).status, 200);
    EXPECT_EQ(api("DELETE", kUsers + "/gone").status, 204);
    EXPECT_EQ(as(token, "GET", kUsers).status, 401);
}

TEST_F(Access, ARevokedTokenStopsWorkingAndTheUsersOtherTokensStay) {
    const std::string first = user("rotating", "operator");
    auto second = api("POST", kUsers + "/rotating/tokens", R"({"label":"ci pipeline"})");
    ASSERT_EQ(second.status, 201) << second.body;
    const auto issued = parse_json(second.body);
    const std::string token = issued["token"].GetString(), id = issued["id"].GetString();
    EXPECT_EQ(as(token, "GET", C).status, 200);

    // The list names each token by id and label, never the token itself.
    auto listed = api("GET", kUsers + "/rotating/tokens");
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.body.find(token), std::string::npos) << "a listed token is never shown again";
    EXPECT_EQ(listed.body.find(first), std::string::npos);
    const auto tokens = parse_json(listed.body);
    ASSERT_EQ(tokens["count"].GetUint(), 2u) << listed.body;
    bool found = false;
    for (const auto& t : tokens["tokens"].GetArray()) {
        if (t["id"].GetString() == id) {
            found = true;
            EXPECT_STREQ(t["label"].GetString(), "ci pipeline");
        }
    }
    EXPECT_TRUE(found) << "the issued token's id is listed: " << listed.body;
    // Only an admin lists or revokes tokens, its own user's included.
    EXPECT_EQ(as(token, "GET", kUsers + "/rotating/tokens").status, 403);
    EXPECT_EQ(as(token, "DELETE", kUsers + "/rotating/tokens/" + id).status, 403);

    EXPECT_EQ(api("DELETE", kUsers + "/rotating/tokens/" + id).status, 204);
    EXPECT_EQ(as(token, "GET", C).status, 401) << "refused from the next request on";
    EXPECT_EQ(as(first, "GET", C).status, 200) << "the user's other token still works";
    EXPECT_EQ(api("DELETE", kUsers + "/rotating/tokens/" + id).status, 404) << "revoked once";
    EXPECT_EQ(api("DELETE", kUsers + "/someone-else/tokens/" + id).status, 404);
    const auto bad = api("DELETE", kUsers + "/rotating/tokens/not-a-token-id");
    EXPECT_EQ(bad.status, 404);
    EXPECT_NE(bad.body.find("16 hex digits"), std::string::npos) << bad.body;
}

// The curl tool's status line and headers for a sign-in over https:// to `port` (the test's server certificate is not
// checked: the limiter and the cookie are under test here, not the certificate).
std::string curl_sign_in(std::uint16_t port, const std::string& body) {
    const std::string command = "curl -sk -D - -o /dev/null -H 'Content-Type: application/json' --data '" + body +
                                "' https://127.0.0.1:" + std::to_string(port) + "/api/v1/session 2>&1";
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[512];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0 && out.size() < 65536;) {
            out.append(buf, n);
        }
        pclose(p);
    }
    return out;
}

TEST_F(Access, TheTlsListenerSharesTheSignInLimitAndGivesSecureCookies) {
    std::string why;
    const auto* pki = ocppkit::test::TestPki::get(&why);
    if (pki == nullptr) {
        GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
    }
    const std::uint16_t tls_port = ocppkit::test::free_port();
    restart({"--tls-listen", "127.0.0.1:" + std::to_string(tls_port), "--tls-cert", pki->server_ec_cert, "--tls-key",
             pki->server_ec_key});
    user("target", "operator");
    // Signed in over TLS: the cookie is Secure; over the plain listener it is not (a browser would drop it).
    const std::string good = R"({"name":"target","password":"password-of-target"})";
    const std::string over_tls = curl_sign_in(tls_port, good);
    ASSERT_NE(over_tls.find(" 200"), std::string::npos) << over_tls;
    EXPECT_NE(over_tls.find("; Secure"), std::string::npos) << over_tls;
    const auto plain = raw("POST", "/api/v1/session", good);
    ASSERT_EQ(plain.status, 200) << plain.body;
    EXPECT_EQ(plain.header("set-cookie").find("Secure"), std::string::npos) << plain.header("set-cookie");

    // Five wrong guesses over TLS use up the address's budget on the plain listener too.
    for (int i = 0; i < 5; ++i) {
        const std::string r = curl_sign_in(tls_port, R"({"name":"target","password":"wrong"})");
        EXPECT_NE(r.find(" 401"), std::string::npos) << r;
    }
    const auto limited = raw("POST", "/api/v1/session", good);
    EXPECT_EQ(limited.status, 429) << "one limiter for both listeners: " << limited.body;
}

} // namespace
