#pragma once
// A thin RAII wrapper of one SQLite connection: WAL, busy timeout, foreign keys, versioned migrations.
// Not thread-safe: a connection belongs to one thread (the store worker).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace store {

using ocpp::Result;

class Statement {
public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* s)
        : stmt_(s) {}
    Statement(Statement&& o) noexcept
        : stmt_(o.stmt_) {
        o.stmt_ = nullptr;
    }
    Statement& operator=(Statement&& o) noexcept;
    ~Statement();

    // Binds by 1-based index; nullopt binds NULL.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind_optional(int index, std::optional<std::string_view> text);
    Statement& bind_null(int index);
    // true: a row is ready; false: done. Errors name the statement.
    Result<bool> step();
    Result<void> run(); // step until done
    void reset();

    std::string text(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    bool is_null(int column) const;

private:
    sqlite3_stmt* stmt_ = nullptr;
};

struct Migration {
    int version;
    std::string sql;
};

class Sqlite {
public:
    // Opens (and creates) a database file with WAL, a 5 s busy timeout and foreign keys on.
    static Result<std::unique_ptr<Sqlite>> open(const std::string& path);
    ~Sqlite();
    Sqlite(const Sqlite&) = delete;
    Sqlite& operator=(const Sqlite&) = delete;

    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // Applies migrations with a version above PRAGMA user_version, each in its own transaction.
    // `component` names a set of migrations so several components can share one file.
    Result<void> migrate(std::string_view component, const std::vector<Migration>& migrations);
    std::int64_t last_insert_rowid() const;
    int changes() const;
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
