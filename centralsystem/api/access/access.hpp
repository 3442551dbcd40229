#pragma once
// Who may call which route. Callers are users (roles admin, operator, installer, read-only; optionally bound to one
// provider) signed in with a session cookie or an API token of their own, or the bootstrap admin of --api-token.
// Every request under /api/v1 passes admit(): credentials, the CSRF token of cookie-authenticated writes, then the
// permission table (access_table.cpp), before its handler runs.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "centralsystem/api/json.hpp"
#include "centralsystem/central_system.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace cs::api {

using Respond = ocpp::net::HttpResponder;

enum class Role { ReadOnly, Installer, Operator, Admin };
// "read-only", "installer", "operator", "admin", or nullopt.
std::optional<Role> role_from(std::string_view name);
std::string_view role_name(Role role);

// The caller of one request.
struct Principal {
    std::string name; // the user's; "admin" for the bootstrap token
    Role role = Role::ReadOnly;
    std::string provider; // empty: every charger
    std::string csrf;     // the session's CSRF token when signed in with the cookie
    bool cookie = false;  // authenticated by the session cookie (writes then need the CSRF header)
    bool bootstrap = false;
};

// The header that carries the caller's name to the handlers of a change (the audit trail); only the access layer
// sets it, and drops any copy a client sent.
inline constexpr std::string_view kActorHeader = "x-ocppkit-actor";

// What a route asks of the caller's role.
enum class Need { Read, Install, Operate, Admin };
// Which chargers' data a route reaches, for a user bound to a provider.
enum class Reach {
    Charger,  // the path's {chargeBoxId}: only the provider's own chargers
    Listed,   // a list filtered by ?provider=: forced to the user's provider
    Own,      // no charger's data (the caller's session, the command schemas, the API document)
    Everyone, // data of every provider: refused to a provider's user
};
struct Permission {
    Need need = Need::Admin;
    Reach reach = Reach::Everyone;
};
// Every route's permission as (method, OpenAPI path, permission); a route missing here needs Admin and Everyone.
const std::vector<std::tuple<const char*, const char*, Permission>>& permission_table();
// Whether `role` may do what `need` asks.
bool allows(Role role, Need need);

// Failed sign-ins per key (a user name from an address, an address) within a window; past the limit sign-in is refused
// until the window ends. An attempt counts as failed when it starts (failed()) and is given back when its password
// proves right (release()), so parallel guesses cannot pass the limit. Bounded: at most kMaxKeys keys are remembered.
class SignInLimiter {
public:
    static constexpr int kMaxFailures = 5;
    static constexpr std::int64_t kWindowSeconds = 60;
    static constexpr std::size_t kMaxKeys = 10000;
    // Seconds until `key` may try again, 0 when it may now.
    std::int64_t wait(const std::string& key, std::int64_t now);
    void failed(const std::string& key, std::int64_t now);
    void succeeded(const std::string& key);
    // Takes back one failure counted by failed() (the attempt succeeded or was never tried).
    void release(const std::string& key);

private:
    struct Window {
        std::int64_t start = 0;
        int failures = 0;
    };
    std::mutex mutex_;
    std::map<std::string, Window> windows_;
};

struct AccessConfig {
    std::string token; // the bootstrap admin's bearer token; empty: no authentication (a lab setup)
};

class Access : public std::enable_shared_from_this<Access> {
public:
    // Signed-in sessions end after this long.
    static constexpr std::int64_t kSessionSeconds = 12 * 3600;
    using Next = std::function<void(const HttpRequest&, Respond)>;

    Access(CentralSystem& cs, AccessConfig config);
    // Authenticates the request, answers the session and user routes itself, checks the permission table and the
    // provider's reach, then hands the request (its ?provider= forced for a provider's user) to `next`.
    void admit(const HttpRequest& req, Respond respond, const Next& next);
    // The routes answered here, as (method, OpenAPI path), for api_routes().
    static std::vector<std::pair<std::string, std::string>> routes();

    CentralSystem& cs() { return cs_; }
    const AccessConfig& config() const { return config_; }
    SignInLimiter& limiter() { return limiter_; }
    // Sign-in's PBKDF2 runs here, neither on the loop nor on the store worker (the durability path of the chargers).
    ocpp::WorkerPool& hasher() { return hasher_; }
    // Threads and queued checks of the hasher: a full queue answers 503 with Retry-After.
    static constexpr std::size_t kHashThreads = 1;
    static constexpr std::size_t kHashQueue = 2;

private:
    void authorized(const HttpRequest& req, const Principal& who, Respond respond, const Next& next);

    CentralSystem& cs_;
    AccessConfig config_;
    SignInLimiter limiter_;
    ocpp::WorkerPool hasher_{kHashThreads, kHashQueue}; // last: joined before the rest goes
};

// The handlers of the session and user routes (access/users.cpp).
void sign_in(Access& access, const HttpRequest& req, Respond respond);
void sign_out(Access& access, const HttpRequest& req, const Principal& who, Respond respond);
void who_am_i(const Principal& who, Respond respond);
void list_users(Access& access, Respond respond);
void create_user(Access& access, const HttpRequest& req, Respond respond);
void delete_user(Access& access, const std::string& name, Respond respond);
// A user's API tokens (access/tokens.cpp).
void create_user_token(Access& access, const std::string& name, const HttpRequest& req, Respond respond);
void list_user_tokens(Access& access, const std::string& name, Respond respond);
void revoke_user_token(Access& access, const std::string& name, const std::string& id, Respond respond);

// Helpers shared by access.cpp and users.cpp.
std::string sha256_hex(std::string_view text);
// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(std::string_view header, std::string_view name);
inline constexpr std::string_view kSessionCookie = "ocppkit_session";
// 503 naming what the database said (the access routes' store failures).
HttpResponse db_failed(const ocpp::Error& e);
// The caller as JSON (GET /api/v1/session and a sign-in's answer).
std::string principal_json(const Principal& who);

} // namespace cs::api
