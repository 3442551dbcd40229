#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace store {

using ocpp::make_error;

namespace {

class SqliteStatement final : public StatementImpl {
public:
    explicit SqliteStatement(sqlite3_stmt* s)
        : stmt_(s) {}
    ~SqliteStatement() override { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind_text(int index, std::string_view text) override {
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind_int(int index, std::int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
    void bind_real(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
    void bind_null(int index) override { sqlite3_bind_null(stmt_, index); }

    Result<bool> step() override {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        sqlite3* db = sqlite3_db_handle(stmt_);
        return make_error(std::string("database error: ") + sqlite3_errmsg(db) + " (in: " + sqlite3_sql(stmt_) + ")");
    }
    void reset() override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    std::string text(int column) const override {
        const auto* p = sqlite3_column_text(stmt_, column);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
    }
    std::int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
    double real(int column) const override { return sqlite3_column_double(stmt_, column); }
    bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

private:
    sqlite3_stmt* stmt_;
};

} // namespace

Result<std::unique_ptr<Sqlite>> Sqlite::open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return make_error("cannot open database " + path + ": " + msg);
    }
    std::unique_ptr<Sqlite> s(new Sqlite(db, path));
    sqlite3_busy_timeout(db, 5000);
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        if (auto r = s->exec(pragma); !r) {
            return make_error("cannot set up database " + path + ": " + r.error().message);
        }
    }
    return s;
}

Sqlite::~Sqlite() {
    sqlite3_close_v2(db_);
}

std::string Sqlite::error_text() const {
    return sqlite3_errmsg(db_);
}

Result<void> Sqlite::exec(std::string_view sql) {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : error_text();
        sqlite3_free(err);
        return make_error("database error: " + msg);
    }
    return {};
}

Result<Statement> Sqlite::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        return make_error("database error: " + error_text() + " (in: " + std::string(sql) + ")");
    }
    return Statement(std::make_unique<SqliteStatement>(stmt));
}

std::int64_t Sqlite::changes() const {
    return sqlite3_changes(db_);
}

std::optional<std::string> sqlite_path_from_url(std::string_view url) {
    constexpr std::string_view kScheme = "sqlite:";
    if (url.substr(0, kScheme.size()) == kScheme) {
        std::string_view path = url.substr(kScheme.size());
        if (path.substr(0, 2) == "//") {
            path.remove_prefix(2);
        }
        return path.empty() ? std::nullopt : std::optional<std::string>(std::string(path));
    }
    if (url.find("://") == std::string_view::npos && url.size() > 3 && url.substr(url.size() - 3) == ".db") {
        return std::string(url);
    }
    return std::nullopt;
}

} // namespace store
