#pragma once
// The database-neutral connection every query is written against: SQLite (embedded default) and PostgreSQL
// implement it. SQL is written once with numbered placeholders (?1, ?2, ...; a number may repeat), in the
// subset both dialects understand (ON CONFLICT, RETURNING, LIKE ... ESCAPE, coalesce, lower); PostgreSQL's
// implementation translates the placeholders to $1, $2. Only DDL differs, per dialect, in Migration.
// Not thread-safe: a connection belongs to one thread (the store worker).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ocpp/util/result.hpp"

namespace store {

using ocpp::Result;

// What a backend implements for one prepared statement; Statement is the handle the queries use.
class StatementImpl {
public:
    virtual ~StatementImpl() = default;
    virtual void bind_text(int index, std::string_view text) = 0;
    virtual void bind_int(int index, std::int64_t value) = 0;
    virtual void bind_real(int index, double value) = 0;
    virtual void bind_null(int index) = 0;
    virtual Result<bool> step() = 0; // true: a row is ready
    virtual void reset() = 0;        // back to before the first step, bindings cleared
    virtual std::string text(int column) const = 0;
    virtual std::int64_t int64(int column) const = 0;
    virtual double real(int column) const = 0;
    virtual bool is_null(int column) const = 0;
};

class Statement {
public:
    Statement() = default;
    explicit Statement(std::unique_ptr<StatementImpl> impl)
        : impl_(std::move(impl)) {}

    // Binds by 1-based index; nullopt binds NULL.
    Statement& bind(int index, std::string_view text) {
        impl_->bind_text(index, text);
        return *this;
    }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, std::int64_t value) {
        impl_->bind_int(index, value);
        return *this;
    }
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    Statement& bind(int index, double value) {
        impl_->bind_real(index, value);
        return *this;
    }
    Statement& bind(int index, std::nullopt_t) { return bind_null(index); }
    template <class T> Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    Statement& bind_optional(int index, std::optional<std::string_view> text) {
        return text ? bind(index, *text) : bind_null(index);
    }
    Statement& bind_null(int index) {
        impl_->bind_null(index);
        return *this;
    }
    // Binds the arguments to ?1, ?2, ... in order.
    template <class... Args> Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    // true: a row is ready; false: done. Errors name the statement.
    Result<bool> step() { return impl_->step(); }
    Result<void> run(); // step until done
    void reset() { impl_->reset(); }

    std::string text(int column) const { return impl_->text(column); }
    std::int64_t int64(int column) const { return impl_->int64(column); }
    double real(int column) const { return impl_->real(column); }
    bool is_null(int column) const { return impl_->is_null(column); }
    std::optional<std::string> opt_text(int column) const {
        return is_null(column) ? std::nullopt : std::optional<std::string>(text(column));
    }
    std::optional<double> opt_real(int column) const {
        return is_null(column) ? std::nullopt : std::optional<double>(real(column));
    }
    std::optional<int> opt_int(int column) const {
        return is_null(column) ? std::nullopt : std::optional<int>(static_cast<int>(int64(column)));
    }

private:
    std::unique_ptr<StatementImpl> impl_;
};

enum class Dialect { Sqlite, Postgresql };

struct Migration {
    Migration(int v, std::string both, std::string own_postgresql = {})
        : version(v)
        , sql(std::move(both))
        , postgresql(std::move(own_postgresql)) {}
    int version;
    std::string sql;        // for both dialects, or SQLite's when `postgresql` is set
    std::string postgresql; // PostgreSQL's own DDL where it differs (identity columns, BIGINT, DOUBLE PRECISION)
};

class Connection {
public:
    virtual ~Connection() = default;
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    virtual Dialect dialect() const = 0;
    // Runs SQL without parameters; it may hold several statements.
    virtual Result<void> exec(std::string_view sql) = 0;
    virtual Result<Statement> prepare(std::string_view sql) = 0;
    // A write transaction: SQLite takes its write lock at once (BEGIN IMMEDIATE).
    virtual Result<void> begin() = 0;
    // Fails when the transaction was not committed (on PostgreSQL, one aborted by an earlier error).
    virtual Result<void> commit() = 0;
    Result<void> rollback() { return exec("ROLLBACK"); }
    // Rows changed by the last INSERT, UPDATE or DELETE.
    virtual std::int64_t changes() const = 0;
    // Names the database in messages (a path, or a URL without its password).
    virtual const std::string& name() const = 0;

    // Applies migrations with a version above the component's recorded one, each in its own transaction.
    // `component` names a set of migrations so several components can share one database; several processes
    // migrating the same database at once apply each version once.
    Result<void> migrate(std::string_view component, const std::vector<Migration>& migrations);

    // The query helper: prepares `sql` and binds the arguments to ?1, ?2, ... in order.
    template <class... Args> Result<Statement> query(std::string_view sql, const Args&... args) {
        auto q = prepare(sql);
        if (q) {
            q->bind_all(args...);
        }
        return q;
    }
    // Runs a statement that returns no rows; the answer is the number of rows it changed.
    template <class... Args> Result<std::int64_t> execute(std::string_view sql, const Args&... args) {
        auto q = query(sql, args...);
        if (!q) {
            return q.error();
        }
        if (auto r = q->run(); !r) {
            return r.error();
        }
        return changes();
    }
    // Runs a statement that returns no rows.
    template <class... Args> Result<void> run(std::string_view sql, const Args&... args) {
        auto q = query(sql, args...);
        if (!q) {
            return q.error();
        }
        return q->run();
    }
    // The first row read by `read(statement)`, or nullopt when there is none.
    template <class Read, class... Args>
    auto first(Read read, std::string_view sql, const Args&... args)
        -> Result<std::optional<std::decay_t<decltype(read(std::declval<const Statement&>()))>>> {
        using T = std::decay_t<decltype(read(std::declval<const Statement&>()))>;
        auto q = query(sql, args...);
        if (!q) {
            return q.error();
        }
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        return *row ? std::optional<T>(read(*q)) : std::nullopt;
    }
    // Every row read by `read(statement)`.
    template <class Read, class... Args>
    auto all(Read read, std::string_view sql, const Args&... args)
        -> Result<std::vector<std::decay_t<decltype(read(std::declval<const Statement&>()))>>> {
        auto q = query(sql, args...);
        if (!q) {
            return q.error();
        }
        return collect(*q, read);
    }
    // Reads the remaining rows of a statement.
    template <class Read>
    static auto collect(Statement& q, Read read)
        -> Result<std::vector<std::decay_t<decltype(read(std::declval<const Statement&>()))>>> {
        std::vector<std::decay_t<decltype(read(std::declval<const Statement&>()))>> out;
        for (;;) {
            auto row = q.step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                return out;
            }
            out.push_back(read(q));
        }
    }

protected:
    // Serialises migrations of several processes inside the migration's transaction (PostgreSQL: an advisory lock).
    virtual Result<void> lock_migrations() { return {}; }
};

// Values bound as one IN list, at most this many per statement: well under SQLite's oldest limit of 999 parameters.
inline constexpr std::size_t kListParams = 500;
// "?1,?2,...,?count": the placeholders of an IN list of `count` values bound from 1 on.
std::string numbered_list(std::size_t count);

} // namespace store
