#pragma once
// The SQLite connection (the embedded default): WAL, busy timeout, foreign keys.
// Not thread-safe: a connection belongs to one thread (the store worker).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/connection.hpp"

struct sqlite3;

namespace store {

struct StatementCache;

class Sqlite final : public Connection {
public:
    // Opens (and creates) a database file with WAL, a 5 s busy timeout and foreign keys on.
    static Result<std::unique_ptr<Sqlite>> open(const std::string& path);
    ~Sqlite() override;

    Dialect dialect() const override { return Dialect::Sqlite; }
    Result<void> exec(std::string_view sql) override;
    Result<Statement> prepare(std::string_view sql) override;
    Result<void> begin() override { return exec("BEGIN IMMEDIATE"); }
    Result<void> commit() override { return exec("COMMIT"); }
    std::int64_t changes() const override;
    const std::string& name() const override { return path_; }
    const std::string& path() const { return path_; }

private:
    Sqlite(sqlite3* db, std::string path);
    std::string error_text() const;
    Result<void> run_text(std::string_view sql);
    // SQLite's schema cookie, which every schema change increments; -1 when it cannot be read.
    long long schema_version();
    sqlite3* db_;
    std::string path_;
    // Statements done with, reset and kept by their text: the same query again skips SQLite's parser and planner.
    std::shared_ptr<StatementCache> cache_;
    long long schema_seen_ = -1; // the cookie the kept statements were prepared under
};

// Parses "sqlite:PATH" (or a bare path ending in .db); nullopt for other schemes.
std::optional<std::string> sqlite_path_from_url(std::string_view url);

} // namespace store
