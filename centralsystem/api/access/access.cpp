// admit(): credentials (bootstrap token, a user's API token, the session cookie), CSRF for cookie writes, the session
// and user routes, then the permission table and the provider's reach (access.hpp).
#include "centralsystem/api/access/access.hpp"
#include "ocpp/util/clock.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <openssl/evp.h>

#include "centralsystem/db/queries.hpp"
#include "centralsystem/db/users.hpp"
#include "ocpp/http/bearer_token.hpp"
#include "ocpp/http/query.hpp"
#include "ocpp/http/router.hpp"

namespace cs::api {

namespace {

using Params = ocpp::http::PathParams;
using AuthHandler = std::function<void(Access&, const HttpRequest&, const Params&, const Principal&, Respond)>;

// The routes answered by the access layer itself.
const ocpp::http::Router<AuthHandler>& auth_router() {
    static const ocpp::http::Router<AuthHandler> table = [] {
        ocpp::http::Router<AuthHandler> r;
        r.add("GET", "/api/v1/session", [](auto&, auto&, auto&, auto& who, auto out) { who_am_i(who, out); });
        r.add("POST", "/api/v1/session", [](auto& a, auto& req, auto&, auto&, auto out) { sign_in(a, req, out); });
        r.add("DELETE", "/api/v1/session",
              [](auto& a, auto& req, auto&, auto& who, auto out) { sign_out(a, req, who, out); });
        r.add("GET", "/api/v1/users", [](auto& a, auto&, auto&, auto&, auto out) { list_users(a, out); });
        r.add("POST", "/api/v1/users", [](auto& a, auto& req, auto&, auto&, auto out) { create_user(a, req, out); });
        r.add("DELETE", "/api/v1/users/{userName}",
              [](auto& a, auto&, auto& p, auto&, auto out) { delete_user(a, p[0], out); });
        r.add("POST", "/api/v1/users/{userName}/tokens",
              [](auto& a, auto& req, auto& p, auto&, auto out) { create_user_token(a, p[0], req, out); });
        r.add("GET", "/api/v1/users/{userName}/tokens",
              [](auto& a, auto&, auto& p, auto&, auto out) { list_user_tokens(a, p[0], out); });
        r.add("DELETE", "/api/v1/users/{userName}/tokens/{tokenId}",
              [](auto& a, auto&, auto& p, auto&, auto out) { revoke_user_token(a, p[0], p[1], out); });
        return r;
    }();
    return table;
}

const ocpp::http::Router<Permission>& permission_router() {
    static const ocpp::http::Router<Permission> table = [] {
        ocpp::http::Router<Permission> r;
        for (const auto& [method, path, permission] : permission_table()) {
            r.add(method, path, permission);
        }
        return r;
    }();
    return table;
}

Principal principal_of(const db::UserRow& u) {
    Principal p;
    p.name = u.name;
    p.role = role_from(u.role).value_or(Role::ReadOnly);
    p.provider = u.provider;
    return p;
}

HttpResponse unauthorized(std::string message, std::string field) {
    HttpResponse r = json_error(401, std::move(message), std::move(field));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// The query with every pair whose decoded name is provider (or that does not decode) dropped and the user's provider
// put first: handlers read the first match by decoded name, so "%70rovider=" or a second provider= cannot win.
std::string force_provider(std::string_view query, const std::string& provider) {
    std::string out = "provider=" + percent_encode(provider);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto decoded = ocpp::http::parse_query(pair);
        if (decoded.empty() || !decoded.front().well_formed || decoded.front().name == "provider") {
            continue;
        }
        out.append("&").append(pair);
    }
    return out;
}

// Whether a write's JSON body names a provider other than `own` (a provider's user may not move a charger away).
bool names_other_provider(const std::string& body, const std::string& own) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return false; // the handler refuses it by its own check
    }
    for (const auto& m : doc.GetObject()) { // every member so named: a duplicate must not slip past
        if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == "provider" &&
            !(m.value.IsString() && own == std::string_view(m.value.GetString(), m.value.GetStringLength()))) {
            return true;
        }
    }
    return false;
}

// Without --api-token (a lab setup) everyone is the admin.
Principal lab_admin() {
    Principal lab;
    lab.name = "admin";
    lab.role = Role::Admin;
    lab.bootstrap = true;
    return lab;
}

bool is_read(std::string_view method) {
    return method == "GET" || method == "HEAD";
}

} // namespace

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
            return std::string(part.substr(name.size() + 1));
        }
    }
    return {};
}

std::int64_t SignInLimiter::wait(const std::string& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(key);
    if (it == windows_.end() || now - it->second.start >= kWindowSeconds || it->second.failures < kMaxFailures) {
        return 0;
    }
    return kWindowSeconds - (now - it->second.start);
}

void SignInLimiter::failed(const std::string& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    if (windows_.size() >= kMaxKeys && windows_.count(key) == 0) {
        for (auto it = windows_.begin(); it != windows_.end();) {
            it = now - it->second.start >= kWindowSeconds ? windows_.erase(it) : std::next(it);
        }
        if (windows_.size() >= kMaxKeys) {
            windows_.erase(windows_.begin()); // still full: forget one to stay bounded
        }
    }
    auto& w = windows_[key];
    if (now - w.start >= kWindowSeconds) {
        w = Window{now, 0};
    }
    ++w.failures;
}

void SignInLimiter::succeeded(const std::string& key) {
    std::lock_guard lock(mutex_);
    windows_.erase(key);
}

void SignInLimiter::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (auto it = windows_.find(key); it != windows_.end() && it->second.failures > 0) {
        --it->second.failures;
    }
}

Access::Access(CentralSystem& cs, AccessConfig config)
    : cs_(cs)
    , config_(std::move(config)) {}

std::vector<std::pair<std::string, std::string>> Access::routes() {
    return auth_router().routes();
}

void Access::admit(const HttpRequest& req, Respond respond, const Next& next) {
    if (req.method == "POST" && req.path == "/api/v1/session") {
        // Signing in needs no credentials (an old cookie in another tab must not stand in the way); sign_in takes
        // JSON only, which keeps other sites' forms from signing a browser in.
        return sign_in(*this, req, std::move(respond));
    }
    const std::string_view authorization = req.header("authorization");
    const std::string bearer(ocpp::http::bearer_token_of(authorization));
    auto self = shared_from_this();
    if (!authorization.empty() && bearer.empty() && !config_.token.empty()) {
        return respond(unauthorized("missing or wrong bearer token", "Authorization"));
    }
    if (!bearer.empty()) {
        if (!config_.token.empty() && ocpp::http::constant_time_equals(bearer, config_.token)) {
            Principal admin;
            admin.name = "admin";
            admin.role = Role::Admin;
            admin.bootstrap = true;
            return authorized(req, admin, std::move(respond), next);
        }
        return cs_.store<std::optional<db::UserRow>>(
            [hash = sha256_hex(bearer)](store::Connection& db) { return db::user_by_token(db, hash); },
            [self, req, respond, next](ocpp::Result<std::optional<db::UserRow>> user) {
                if (!user) {
                    return respond(json_error(503, "the database could not do this now: " + user.error().message));
                }
                if (!*user && self->config_.token.empty()) {
                    return self->authorized(req, lab_admin(), respond, next); // a lab setup checks no token
                }
                if (!*user) {
                    return respond(unauthorized("missing or wrong bearer token", "Authorization"));
                }
                self->authorized(req, principal_of(**user), respond, next);
            });
    }
    const std::string session = cookie_value(req.header("cookie"), kSessionCookie);
    if (!session.empty()) {
        return cs_.store<std::optional<std::pair<db::UserRow, db::UserSession>>>(
            [hash = sha256_hex(session), now = ocpp::unix_seconds_now()](store::Connection& db) {
                return db::find_session(db, hash, now);
            },
            [self, req, respond, next](ocpp::Result<std::optional<std::pair<db::UserRow, db::UserSession>>> found) {
                if (!found) {
                    return respond(json_error(503, "the database could not do this now: " + found.error().message));
                }
                if (!*found) {
                    return respond(unauthorized("the session has ended: sign in again", "Cookie"));
                }
                Principal who = principal_of((*found)->first);
                who.cookie = true;
                who.csrf = (*found)->second.csrf;
                self->authorized(req, who, respond, next);
            });
    }
    if (config_.token.empty()) {
        return authorized(req, lab_admin(), std::move(respond), next);
    }
    respond(unauthorized("missing or wrong bearer token", "Authorization"));
}

void Access::authorized(const HttpRequest& req, const Principal& who, Respond respond, const Next& next_handler) {
    // A change goes on with the caller's name in kActorHeader for the audit trail; reads go on as they came.
    const Next next = [next_handler, name = who.name](const HttpRequest& r, Respond done) {
        if (is_read(r.method)) {
            return next_handler(r, std::move(done));
        }
        HttpRequest named = r;
        auto& h = named.headers;
        h.erase(std::remove_if(h.begin(), h.end(), [](const auto& kv) { return kv.first == kActorHeader; }), h.end());
        h.emplace_back(std::string(kActorHeader), name);
        next_handler(named, std::move(done));
    };
    if (who.cookie && !is_read(req.method) &&
        (who.csrf.empty() || !ocpp::http::constant_time_equals(req.header("x-csrf-token"), who.csrf))) {
        return respond(json_error(403, "a change made with the session cookie needs the session's X-CSRF-Token header",
                                  "X-CSRF-Token"));
    }
    Permission permission;
    Params params;
    auto found = permission_router().find(req.method, req.path);
    if (auto* hit = std::get_if<ocpp::http::Router<Permission>::Found>(&found)) {
        permission = *hit->handler;
        params = std::move(hit->params);
    } else if (who.role == Role::Admin && who.provider.empty()) {
        return next(req, std::move(respond)); // the API's own 404 or 405
    }
    if (!allows(who.role, permission.need)) {
        return respond(json_error(
            403, "the role " + std::string(role_name(who.role)) + " of user \"" + who.name + "\" may not do this",
            "role"));
    }
    if (!who.provider.empty()) {
        switch (permission.reach) {
        case Reach::Everyone:
            return respond(json_error(403,
                                      "user \"" + who.name + "\" sees only the chargers of provider \"" + who.provider +
                                          "\"; this reaches every provider's data",
                                      "provider"));
        case Reach::Listed: {
            HttpRequest own = req;
            own.query = force_provider(req.query, who.provider);
            return next(own, std::move(respond));
        }
        case Reach::Charger: {
            const std::string id = params.empty() ? std::string() : params[0];
            return cs_.store<std::optional<Charger>>(
                [id](store::Connection& db) { return db::find_charger(db, id); },
                [req, who, id, respond, next](ocpp::Result<std::optional<Charger>> c) {
                    if (!c) {
                        return respond(json_error(503, "the database could not do this now: " + c.error().message));
                    }
                    if (!*c || (*c)->provider != who.provider) {
                        // Another provider's charger is answered as if it did not exist.
                        return respond(json_error(404, "no charger \"" + id + "\"", "chargeBoxId"));
                    }
                    if (!is_read(req.method) && names_other_provider(req.body, who.provider)) {
                        return respond(json_error(
                            403, "a user of provider \"" + who.provider + "\" cannot give a charger another provider",
                            "provider"));
                    }
                    next(req, respond);
                });
        }
        case Reach::Own:
            break;
        }
    }
    auto own = auth_router().find(req.method, req.path);
    if (auto* hit = std::get_if<ocpp::http::Router<AuthHandler>::Found>(&own)) {
        return (*hit->handler)(*this, req, hit->params, who, std::move(respond));
    }
    next(req, std::move(respond));
}

} // namespace cs::api
