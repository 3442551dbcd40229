// Users, their API tokens and sessions in the store (users.hpp).
#include "centralsystem/db/users.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kUserColumns = "u.name, u.role, u.provider, u.password_hash, u.created_at";

UserRow read_user(const store::Statement& q) {
    return UserRow{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)};
}

} // namespace

Result<void> migrate_users(Connection& db) {
    return db.migrate("centralsystem-users", {store::portable_migration(1, R"sql(
        CREATE TABLE users (
            name TEXT PRIMARY KEY, role TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE user_tokens (
            token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL);
        CREATE INDEX user_tokens_by_user ON user_tokens(user_name);
        CREATE TABLE user_sessions (
            session_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
            expires_at {int64} NOT NULL);
        CREATE INDEX user_sessions_by_user ON user_sessions(user_name);
    )sql")});
}

Result<bool> create_user(Connection& db, const UserRow& user) {
    auto n = db.execute("INSERT INTO users(name, role, provider, password_hash, created_at) VALUES(?1, ?2, ?3, ?4, ?5) "
                        "ON CONFLICT (name) DO NOTHING",
                        user.name, user.role, user.provider, user.password_hash, user.created_at);
    if (!n) {
        return n.error();
    }
    return *n > 0;
}

Result<std::vector<UserRow>> list_users(Connection& db) {
    return db.all(read_user, "SELECT " + std::string(kUserColumns) + " FROM users u ORDER BY u.name");
}

Result<std::optional<UserRow>> find_user(Connection& db, const std::string& name) {
    return db.first(read_user, "SELECT " + std::string(kUserColumns) + " FROM users u WHERE u.name = ?1", name);
}

Result<bool> delete_user(Connection& db, const std::string& name) {
    for (const char* sql :
         {"DELETE FROM user_tokens WHERE user_name = ?1", "DELETE FROM user_sessions WHERE user_name = ?1"}) {
        if (auto r = db.run(sql, name); !r) {
            return r.error();
        }
    }
    auto n = db.execute("DELETE FROM users WHERE name = ?1", name);
    if (!n) {
        return n.error();
    }
    return *n > 0;
}

Result<void> add_user_token(Connection& db, const std::string& user_name, const std::string& token_hash,
                            const std::string& label, const std::string& created_at) {
    return db.run("INSERT INTO user_tokens(token_hash, user_name, label, created_at) VALUES(?1, ?2, ?3, ?4)",
                  token_hash, user_name, label, created_at);
}

Result<std::vector<TokenRow>> list_user_tokens(Connection& db, const std::string& user_name) {
    return db.all(
        [](const store::Statement& q) {
            return TokenRow{q.text(0), q.text(1), q.text(2)};
        },
        "SELECT substr(token_hash, 1, 16), label, created_at FROM user_tokens WHERE user_name = ?1 "
        "ORDER BY created_at, token_hash",
        user_name);
}

Result<std::int64_t> count_user_tokens(Connection& db, const std::string& user_name) {
    auto n = db.first([](const store::Statement& q) { return q.int64(0); },
                      "SELECT COUNT(*) FROM user_tokens WHERE user_name = ?1", user_name);
    if (!n) {
        return n.error();
    }
    return n->value_or(0);
}

Result<bool> delete_user_token(Connection& db, const std::string& user_name, const std::string& id) {
    auto n =
        db.execute("DELETE FROM user_tokens WHERE user_name = ?1 AND substr(token_hash, 1, 16) = ?2", user_name, id);
    if (!n) {
        return n.error();
    }
    return *n > 0;
}

Result<std::optional<UserRow>> user_by_token(Connection& db, const std::string& token_hash) {
    return db.first(read_user,
                    "SELECT " + std::string(kUserColumns) +
                        " FROM user_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ?1",
                    token_hash);
}

Result<void> add_session(Connection& db, const std::string& session_hash, const UserSession& session,
                         std::int64_t now) {
    if (auto r = db.run("DELETE FROM user_sessions WHERE expires_at < ?1", now); !r) {
        return r;
    }
    return db.run("INSERT INTO user_sessions(session_hash, user_name, csrf, expires_at) VALUES(?1, ?2, ?3, ?4)",
                  session_hash, session.user_name, session.csrf, session.expires_at);
}

Result<std::optional<std::pair<UserRow, UserSession>>> find_session(Connection& db, const std::string& session_hash,
                                                                    std::int64_t now) {
    return db.first(
        [](const store::Statement& q) {
            return std::make_pair(read_user(q), UserSession{q.text(0), q.text(5), q.int64(6)});
        },
        "SELECT " + std::string(kUserColumns) +
            ", s.csrf, s.expires_at FROM user_sessions s JOIN users u ON u.name = s.user_name "
            "WHERE s.session_hash = ?1 AND s.expires_at >= ?2",
        session_hash, now);
}

Result<void> delete_session(Connection& db, const std::string& session_hash) {
    return db.run("DELETE FROM user_sessions WHERE session_hash = ?1", session_hash);
}

} // namespace cs::db
