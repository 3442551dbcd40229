// /api/v1/session (sign in with a user's password: a session cookie and its CSRF token; sign out; who am I) and
// /api/v1/users (admin: list, create, delete users; their API tokens are in tokens.cpp). Passwords are PBKDF2-SHA256
// with a per-user salt; tokens and session ids are stored as SHA-256 hashes only. PBKDF2 runs on the access layer's
// small hasher pool, neither on the loop nor on the store worker that acknowledges the chargers' transactions.
#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>

#include "centralsystem/api/access/access.hpp"
#include "centralsystem/api/base_url.hpp"
#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/users.hpp"
#include "centralsystem/files/file_store.hpp"
#include "ocpp/util/clock.hpp"
#include "store/password.hpp"

namespace cs::api {

namespace {

// PBKDF2-HMAC-SHA256 iterations of a user's password (OWASP's 2021 figure for this function). Users' passwords are
// chosen by people, unlike chargers' (store::kPasswordIterations), so each guess is made expensive.
constexpr int kUserPasswordIterations = 310000;
constexpr std::size_t kMinPassword = 12;

void write_user(Writer& w, const db::UserRow& u) {
    w.StartObject();
    member(w, "name", u.name);
    member(w, "role", u.role);
    member_or_null(w, "provider", u.provider.empty() ? std::optional<std::string>() : u.provider);
    member(w, "createdAt", u.created_at);
    w.EndObject();
}

std::string user_json(const db::UserRow& u) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_user(w, u);
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// Why `name` is not a user name, or empty.
std::string name_problem(const std::string& name) {
    if (name.empty() || name.size() > 64) {
        return "name must have 1 to 64 characters";
    }
    for (unsigned char c : name) {
        if (std::isalnum(c) == 0 && c != '.' && c != '_' && c != '-' && c != '@') {
            return "name may hold letters, digits and . _ - @ only";
        }
    }
    return {};
}

// Without max_age the cookie ends with the browser (the server ends the session after kSessionSeconds anyway), so a
// restarted browser on a shared machine is signed out; max_age 0 deletes it.
std::string session_cookie(const std::string& value, std::optional<std::int64_t> max_age, bool secure) {
    return std::string(kSessionCookie) + "=" + value + "; Path=/" +
           (max_age ? "; Max-Age=" + std::to_string(*max_age) : std::string()) + "; HttpOnly; SameSite=Strict" +
           (secure ? "; Secure" : "");
}

} // namespace

HttpResponse db_failed(const ocpp::Error& e) {
    return json_error(503, "the database could not do this now: " + e.message);
}

std::string principal_json(const Principal& who) {
    return json_object([&](Writer& w) {
        member(w, "name", who.name);
        member(w, "role", std::string(role_name(who.role)));
        member_or_null(w, "provider", who.provider.empty() ? std::optional<std::string>() : who.provider);
        member_or_null(w, "csrfToken", who.cookie ? std::optional<std::string>(who.csrf) : std::nullopt);
        w.Key("bootstrap");
        w.Bool(who.bootstrap);
    });
}

void who_am_i(const Principal& who, Respond respond) {
    respond(json_response(200, principal_json(who)));
}

namespace {

HttpResponse hasher_full() {
    HttpResponse busy = json_error(503, "too many password checks at once: try again in a second", "password");
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
}

// The password proved right: ends the session of the cookie the browser came with (signing in again leaves no
// second valid session), stores a new one and answers with its cookie and CSRF token.
void open_session(Access& access, const db::UserRow& user, const std::string& old_session, std::int64_t now,
                  bool secure, Respond respond) {
    struct Opened {
        std::string session, csrf;
    };
    access.cs().store<Opened>(
        [name = user.name, old_session, now](store::Connection& db) -> ocpp::Result<Opened> {
            if (!old_session.empty()) {
                if (auto ended = db::delete_session(db, sha256_hex(old_session)); !ended) {
                    return ended.error();
                }
            }
            Opened out{random_token(), random_token()};
            if (out.session.empty() || out.csrf.empty()) {
                return ocpp::make_error("no random bytes for a session");
            }
            db::UserSession row{name, out.csrf, now + Access::kSessionSeconds};
            if (auto added = db::add_session(db, sha256_hex(out.session), row, now); !added) {
                return added.error();
            }
            return out;
        },
        [user, secure, respond](ocpp::Result<Opened> opened) {
            if (!opened) {
                return respond(db_failed(opened.error()));
            }
            Principal who;
            who.name = user.name;
            who.role = role_from(user.role).value_or(Role::ReadOnly);
            who.provider = user.provider;
            who.cookie = true;
            who.csrf = opened->csrf;
            HttpResponse answer = json_response(200, principal_json(who));
            answer.headers.emplace_back("Set-Cookie", session_cookie(opened->session, std::nullopt, secure));
            answer.headers.emplace_back("Cache-Control", "no-store");
            respond(std::move(answer));
        });
}

} // namespace

void sign_in(Access& access, const HttpRequest& req, Respond respond) {
    // Only a JSON body: a cross-site HTML form (text/plain) cannot send one without a preflight that fails, so another
    // site cannot sign a browser in under its attacker's account (SameSite does not stop a cookie being set).
    std::string type(req.header("content-type").substr(0, req.header("content-type").find(';')));
    type.erase(type.find_last_not_of(" \t") + 1);
    for (char& c : type) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (type != "application/json") {
        return respond(json_error(415, "send the sign-in as Content-Type: application/json", "Content-Type"));
    }
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::optional<std::string> name, password;
    if (!r.text("name", name, true, 64) || !r.text("password", password, true, 256) || !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    // Limited per address (its host: a new connection gets no new budget) and per name from that address, so that
    // guesses from elsewhere never lock the real user out.
    const std::int64_t now = ocpp::unix_seconds_now();
    const std::string host = client_host(req.remote_address);
    const std::string by_address = "address:" + host, by_user = "user:" + *name + " from " + host;
    SignInLimiter& limiter = access.limiter();
    const std::int64_t wait = std::max(limiter.wait(by_user, now), limiter.wait(by_address, now));
    if (wait > 0) {
        HttpResponse too_many =
            json_error(429, "too many failed sign-ins: try again in " + std::to_string(wait) + " s", "password");
        too_many.headers.emplace_back("Retry-After", std::to_string(wait));
        return respond(std::move(too_many));
    }
    limiter.failed(by_user, now);
    limiter.failed(by_address, now);
    auto give_back = [by_user, by_address](Access& a) {
        a.limiter().release(by_user);
        a.limiter().release(by_address);
    };
    const std::string old_session = cookie_value(req.header("cookie"), kSessionCookie);
    const bool secure = came_over_tls(req); // the cookie is Secure where the browser came over TLS
    std::weak_ptr<Access> weak = access.weak_from_this();
    access.cs().store<std::optional<db::UserRow>>(
        [name = *name](store::Connection& db) { return db::find_user(db, name); },
        [weak, give_back, password = *password, name = *name, host, now, old_session, secure,
         respond](ocpp::Result<std::optional<db::UserRow>> user) {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            if (!user) {
                give_back(*self);
                return respond(db_failed(user.error()));
            }
            const std::string hash = *user ? (*user)->password_hash : std::string();
            auto checked = [weak, give_back, found = *user, name, host, now, old_session, secure, respond](bool good) {
                auto again = weak.lock();
                if (!again) {
                    return;
                }
                if (!good) {
                    again->cs().log().warn("api", "failed sign-in for user \"" + name + "\" from " + host);
                    return respond(json_error(401, "wrong user name or password", "password"));
                }
                give_back(*again);
                open_session(*again, *found, old_session, now, secure, respond);
            };
            const bool queued = self->hasher().submit<bool>(
                [password, hash](const std::atomic<bool>&) {
                    // An unknown name costs the same hashing as a wrong password, so timing does not tell names apart.
                    static const std::string decoy = store::hash_password("decoy password", kUserPasswordIterations);
                    return store::verify_password(password, hash.empty() ? decoy : hash) && !hash.empty();
                },
                self->cs().loop(), checked);
            if (!queued) {
                give_back(*self);
                respond(hasher_full());
            }
        });
}

void sign_out(Access& access, const HttpRequest& req, const Principal& who, Respond respond) {
    HttpResponse done;
    done.status = 204;
    if (!who.cookie) {
        return respond(std::move(done));
    }
    done.headers.emplace_back("Set-Cookie", session_cookie("", 0, came_over_tls(req)));
    const std::string session = cookie_value(req.header("cookie"), kSessionCookie);
    access.cs().store<bool>(
        [hash = sha256_hex(session)](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = db::delete_session(db, hash); !r) {
                return r.error();
            }
            return true;
        },
        [respond, done](ocpp::Result<bool> r) { respond(r ? done : db_failed(r.error())); });
}

void list_users(Access& access, Respond respond) {
    access.cs().store<std::vector<db::UserRow>>([](store::Connection& db) { return db::list_users(db); },
                                                [respond](ocpp::Result<std::vector<db::UserRow>> users) {
                                                    if (!users) {
                                                        return respond(db_failed(users.error()));
                                                    }
                                                    respond(json_response(200, json_object([&](Writer& w) {
                                                                              w.Key("users");
                                                                              w.StartArray();
                                                                              for (const auto& u : *users) {
                                                                                  write_user(w, u);
                                                                              }
                                                                              w.EndArray();
                                                                              w.Key("count");
                                                                              w.Uint64(users->size());
                                                                          })));
                                                });
}

namespace {

void store_user(Access& access, const db::UserRow& user, Respond respond) {
    access.cs().store<bool>([user](store::Connection& db) { return db::create_user(db, user); },
                            [self = access.shared_from_this(), user, respond](ocpp::Result<bool> created) {
                                if (!created) {
                                    return respond(db_failed(created.error()));
                                }
                                if (!*created) {
                                    return respond(json_error(409, "user \"" + user.name + "\" exists", "name"));
                                }
                                self->cs().log().info("api",
                                                      "user \"" + user.name + "\" created, role " + user.role +
                                                          (user.provider.empty() ? "" : ", provider " + user.provider));
                                HttpResponse resp = json_response(201, user_json(user));
                                resp.headers.emplace_back("Location", "/api/v1/users/" + user.name);
                                respond(std::move(resp));
                            });
}

} // namespace

void create_user(Access& access, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::optional<std::string> name, password, role, provider;
    if (!r.text("name", name, true, 64) || !r.text("password", password, true, 256) ||
        !r.text("role", role, true, 16) || !r.text("provider", provider, false, 64) || !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    if (auto problem = name_problem(*name); !problem.empty()) {
        return respond(json_error(422, problem, "name"));
    }
    if (password->size() < kMinPassword) {
        return respond(json_error(422, "password must have at least 12 characters", "password"));
    }
    if (!role_from(*role)) {
        return respond(json_error(422, "role must be one of admin, operator, installer, read-only", "role"));
    }
    db::UserRow user{*name, *role, provider.value_or(""), "", access.cs().now_text()};
    std::weak_ptr<Access> weak = access.weak_from_this();
    auto hashed = [weak, user, respond](std::string hash) mutable {
        if (auto self = weak.lock()) {
            user.password_hash = std::move(hash);
            store_user(*self, user, respond);
        }
    };
    if (!access.hasher().submit<std::string>(
            [password = *password](const std::atomic<bool>&) {
                return store::hash_password(password, kUserPasswordIterations);
            },
            access.cs().loop(), hashed)) {
        respond(hasher_full());
    }
}

void delete_user(Access& access, const std::string& name, Respond respond) {
    access.cs().store<bool>([name](store::Connection& db) { return db::delete_user(db, name); },
                            [name, respond](ocpp::Result<bool> deleted) {
                                if (!deleted) {
                                    return respond(db_failed(deleted.error()));
                                }
                                if (!*deleted) {
                                    return respond(json_error(404, "no user \"" + name + "\"", "userName"));
                                }
                                HttpResponse done;
                                done.status = 204;
                                respond(std::move(done));
                            });
}

} // namespace cs::api
