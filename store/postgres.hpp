#pragma once
// The PostgreSQL connection (libpq), for several programs or central-system nodes sharing one database.
// Not thread-safe: a connection belongs to one thread (the store worker).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/connection.hpp"

struct pg_conn;

namespace store {

class Postgres final : public Connection {
public:
    // Connects to a "postgresql://" (or "postgres://") URL as libpq reads it; errors name the server, never the
    // password. A connection lost later is re-established at the next transaction.
    static Result<std::unique_ptr<Postgres>> open(std::string_view url);
    ~Postgres() override;

    Dialect dialect() const override { return Dialect::Postgresql; }
    Result<void> exec(std::string_view sql) override;
    Result<Statement> prepare(std::string_view sql) override;
    Result<void> begin() override;
    Result<void> commit() override;
    std::int64_t changes() const override { return changes_; }
    const std::string& name() const override { return name_; }

    // Called by this connection's statements after each command.
    void set_changes(std::int64_t n) { changes_ = n; }
    // The server-side prepared statement for this SQL and these parameter types, prepared on first use; "" when it
    // could not be prepared (the statement then runs unprepared and reports the error itself).
    std::string prepared(const std::string& sql, const std::vector<unsigned int>& types);

protected:
    Result<void> lock_migrations() override;

private:
    Postgres(pg_conn* conn, std::string name)
        : conn_(conn)
        , name_(std::move(name)) {}
    pg_conn* conn_;
    std::string name_;
    std::int64_t changes_ = 0;
    std::unordered_map<std::string, std::string> prepared_; // SQL and parameter types -> statement name
};

// True for the URL schemes libpq reads: "postgresql://" and "postgres://".
bool is_postgres_url(std::string_view url);
// The URL with its password replaced by "***", for messages and logs.
std::string redact_postgres_url(std::string_view url);
// Checks a PostgreSQL URL's syntax without connecting; the error says what is wrong.
Result<void> check_postgres_url(std::string_view url);
// Rewrites ?1, ?2, ... outside quotes as $1, $2, ...; `params` becomes the highest number used.
std::string to_postgres_placeholders(std::string_view sql, int& params);

} // namespace store
