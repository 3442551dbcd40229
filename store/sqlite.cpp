#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <deque>
#include <unordered_map>
#include <vector>

namespace store {

using ocpp::make_error;

// Prepared statements a query gave back, by their SQL text, for the next query of the same text. Bounded: beyond
// kMax the oldest texts go. Shared with the statements, which may be given back after the connection closed.
struct StatementCache {
    static constexpr std::size_t kMax = 256;
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>> free;
    std::deque<std::string> order; // texts in the order they were first kept
    std::size_t count = 0;
    bool closed = false;

    sqlite3_stmt* take(const std::string& sql) {
        auto it = free.find(sql);
        if (it == free.end() || it->second.empty()) {
            return nullptr;
        }
        sqlite3_stmt* stmt = it->second.back();
        it->second.pop_back();
        --count;
        return stmt;
    }
    void give_back(sqlite3_stmt* stmt, std::string sql) {
        if (closed || stmt == nullptr) {
            sqlite3_finalize(stmt);
            return;
        }
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        auto [it, added] = free.try_emplace(sql);
        if (added) {
            order.push_back(std::move(sql));
        }
        if (it->second.size() >= 4) { // more of one text at once than nested queries need
            sqlite3_finalize(stmt);
            return;
        }
        it->second.push_back(stmt);
        ++count;
        while (count > kMax && !order.empty()) {
            auto old = free.find(order.front());
            order.pop_front();
            if (old != free.end()) {
                count -= old->second.size();
                for (auto* s : old->second) {
                    sqlite3_finalize(s);
                }
                free.erase(old);
            }
        }
    }
    void close() {
        closed = true;
        drop_all();
    }
    void drop_all() {
        for (auto& [sql, stmts] : free) {
            for (auto* s : stmts) {
                sqlite3_finalize(s);
            }
        }
        free.clear();
        order.clear();
        count = 0;
    }
};

namespace {

class SqliteStatement final : public StatementImpl {
public:
    SqliteStatement(sqlite3_stmt* s, std::string sql, std::shared_ptr<StatementCache> cache)
        : stmt_(s)
        , sql_(std::move(sql))
        , cache_(std::move(cache)) {}
    ~SqliteStatement() override { cache_->give_back(stmt_, std::move(sql_)); }
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
    std::string sql_; // the text it was prepared from: its key in the cache
    std::shared_ptr<StatementCache> cache_;
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

Sqlite::Sqlite(sqlite3* db, std::string path)
    : db_(db)
    , path_(std::move(path))
    , cache_(std::make_shared<StatementCache>()) {}

Sqlite::~Sqlite() {
    cache_->close(); // statements still in use are finalized when given back
    sqlite3_close_v2(db_);
}

std::string Sqlite::error_text() const {
    return sqlite3_errmsg(db_);
}

Result<void> Sqlite::exec(std::string_view sql) {
    auto done = run_text(sql);
    // exec() runs migrations and other schema changes: after one, a kept "SELECT *" would go on with the old
    // columns, so the kept statements go (SQLite re-prepares the rest by itself).
    if (const long long version = schema_version(); version != schema_seen_) {
        cache_->drop_all();
        schema_seen_ = version;
    }
    return done;
}

long long Sqlite::schema_version() {
    auto q = prepare("PRAGMA schema_version"); // kept like any other statement: a few microseconds per exec()
    if (!q) {
        return -1;
    }
    auto row = q->step();
    return row && *row ? q->int64(0) : -1;
}

Result<void> Sqlite::run_text(std::string_view sql) {
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
    std::string text(sql);
    sqlite3_stmt* stmt = cache_->take(text);
    if (stmt == nullptr &&
        sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return make_error("database error: " + error_text() + " (in: " + text + ")");
    }
    return Statement(std::make_unique<SqliteStatement>(stmt, std::move(text), cache_));
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
