#pragma once
// Portal and API users in the store: a user (role, optional provider, PBKDF2 password hash), their API tokens and
// their signed-in sessions, both kept only as SHA-256 hashes. Kept in a migration track of its own
// ("centralsystem-users").
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// One user as stored; `provider` empty: the user sees every charger.
struct UserRow {
    std::string name, role, provider, password_hash, created_at;
};

// A signed-in session: whose it is, its CSRF token and when it ends (seconds since the epoch).
struct UserSession {
    std::string user_name, csrf;
    std::int64_t expires_at = 0;
};

// Applies the users track's migrations.
Result<void> migrate_users(Connection& db);

// Adds a user; false when the name is taken.
Result<bool> create_user(Connection& db, const UserRow& user);
Result<std::vector<UserRow>> list_users(Connection& db);
Result<std::optional<UserRow>> find_user(Connection& db, const std::string& name);
// Removes a user with their tokens and sessions; false when there was none.
Result<bool> delete_user(Connection& db, const std::string& name);
// Stores an API token's hash for a user.
Result<void> add_user_token(Connection& db, const std::string& user_name, const std::string& token_hash,
                            const std::string& label, const std::string& created_at);
// A user's API token as listed: `id` is the first 16 hex digits of its SHA-256 (names it for revoking, tells nothing
// of the token itself).
struct TokenRow {
    std::string id, label, created_at;
};
Result<std::vector<TokenRow>> list_user_tokens(Connection& db, const std::string& user_name);
Result<std::int64_t> count_user_tokens(Connection& db, const std::string& user_name);
// Revokes one of the user's tokens by its id; false when the user has none with that id.
Result<bool> delete_user_token(Connection& db, const std::string& user_name, const std::string& id);
// The user an API token's hash belongs to, or nullopt.
Result<std::optional<UserRow>> user_by_token(Connection& db, const std::string& token_hash);
// Stores a session; sessions ended before `now` are removed on the way (the table stays small).
Result<void> add_session(Connection& db, const std::string& session_hash, const UserSession& session, std::int64_t now);
// The session of a cookie's hash with its user, when it has not ended at `now`.
Result<std::optional<std::pair<UserRow, UserSession>>> find_session(Connection& db, const std::string& session_hash,
                                                                    std::int64_t now);
Result<void> delete_session(Connection& db, const std::string& session_hash);

} // namespace cs::db
