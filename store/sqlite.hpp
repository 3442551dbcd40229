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
    Sqlite(sqlite3* db, std::string path)
        : db_(db)
        , path_(std::move(path)) {}
    std::string error_text() const;
    sqlite3* db_;
    std::string path_;
};

// Parses "sqlite:PATH" (or a bare path ending in .db); nullopt for other schemes.
std::optional<std::string> sqlite_path_from_url(std::string_view url);

} // namespace store
