#include "store/postgres.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

namespace store {

using ocpp::make_error;

namespace {

constexpr Oid kText = 25;
constexpr Oid kInt8 = 20;
constexpr Oid kFloat8 = 701;

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

bool succeeded(const PGresult* r) {
    const auto status = PQresultStatus(r);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::int64_t changed_rows(const PGresult* r) {
    const std::string_view command = PQcmdStatus(const_cast<PGresult*>(r));
    for (std::string_view verb : {"INSERT", "UPDATE", "DELETE"}) {
        if (command.substr(0, verb.size()) == verb) {
            return std::atoll(PQcmdTuples(const_cast<PGresult*>(r)));
        }
    }
    return -1; // not a change: keep the previous count, as SQLite does
}

class PgStatement final : public StatementImpl {
public:
    PgStatement(Postgres& owner, pg_conn* conn, std::string sql, int params)
        : owner_(owner)
        , conn_(conn)
        , sql_(std::move(sql))
        , values_(static_cast<std::size_t>(params))
        , types_(static_cast<std::size_t>(params), 0) {}

    void bind_text(int index, std::string_view text) override { set(index, std::string(text), kText); }
    void bind_int(int index, std::int64_t value) override { set(index, std::to_string(value), kInt8); }
    void bind_real(int index, double value) override {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", value);
        set(index, buf, kFloat8);
    }
    void bind_null(int index) override { set(index, std::nullopt, 0); }

    Result<bool> step() override {
        if (!result_) {
            std::vector<const char*> values;
            for (const auto& v : values_) {
                values.push_back(v ? v->c_str() : nullptr);
            }
            // Prepared once per connection: later runs skip parsing and planning.
            const std::string name = owner_.prepared(sql_, types_);
            result_.reset(name.empty() ? PQexecParams(conn_, sql_.c_str(), static_cast<int>(values.size()),
                                                      types_.data(), values.data(), nullptr, nullptr, 0)
                                       : PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                                        values.data(), nullptr, nullptr, 0));
            if (!result_ || !succeeded(result_.get())) {
                std::string why =
                    result_ ? trimmed(PQresultErrorMessage(result_.get())) : trimmed(PQerrorMessage(conn_));
                result_.reset();
                return make_error("database error: " + why + " (in: " + sql_ + ")");
            }
            if (const auto n = changed_rows(result_.get()); n >= 0) {
                owner_.set_changes(n);
            }
            row_ = -1;
        }
        if (row_ + 1 < PQntuples(result_.get())) {
            ++row_;
            return true;
        }
        return false;
    }
    void reset() override {
        result_.reset();
        for (auto& v : values_) {
            v.reset();
        }
        std::fill(types_.begin(), types_.end(), 0);
    }

    std::string text(int column) const override {
        return std::string(PQgetvalue(result_.get(), row_, column),
                           static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    std::int64_t int64(int column) const override {
        return std::strtoll(PQgetvalue(result_.get(), row_, column), nullptr, 10);
    }
    double real(int column) const override { return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr); }
    bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

private:
    void set(int index, std::optional<std::string> value, Oid type) {
        const auto i = static_cast<std::size_t>(index - 1);
        if (index < 1) {
            return;
        }
        if (i >= values_.size()) {
            values_.resize(i + 1);
            types_.resize(i + 1, 0);
        }
        values_[i] = std::move(value);
        types_[i] = type;
        result_.reset(); // bound again after a step: the next step runs it anew
    }

    Postgres& owner_;
    pg_conn* conn_;
    std::string sql_;
    std::vector<std::optional<std::string>> values_;
    std::vector<Oid> types_;
    ResultPtr result_;
    int row_ = -1;
};

void ignore_notice(void*, const char*) {}

} // namespace

bool is_postgres_url(std::string_view url) {
    return url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://";
}

std::string redact_postgres_url(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return std::string(url);
    }
    const auto authority_end = url.find_first_of("/?", scheme + 3);
    const auto at = url.rfind('@', authority_end == std::string_view::npos ? url.size() : authority_end);
    if (at == std::string_view::npos || at < scheme) {
        return std::string(url);
    }
    const auto colon = url.find(':', scheme + 3);
    if (colon == std::string_view::npos || colon > at) {
        return std::string(url);
    }
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Result<void> check_postgres_url(std::string_view url) {
    if (!is_postgres_url(url)) {
        return make_error("not a PostgreSQL URL (expected postgresql://USER@HOST:PORT/DATABASE): \"" +
                          redact_postgres_url(url) + "\"");
    }
    char* err = nullptr;
    const std::string text(url);
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &err);
    if (!options) {
        std::string why = err ? trimmed(err) : "out of memory";
        PQfreemem(err);
        return make_error("bad PostgreSQL URL \"" + redact_postgres_url(url) + "\": " + why);
    }
    PQconninfoFree(options);
    return {};
}

std::string to_postgres_placeholders(std::string_view sql, int& params) {
    std::string out;
    out.reserve(sql.size());
    params = 0;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote) {
            quote = c == quote ? 0 : quote; // a doubled quote closes and reopens: same result
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            int n = 0;
            std::size_t j = i + 1;
            for (; j < sql.size() && sql[j] >= '0' && sql[j] <= '9'; ++j) {
                n = n * 10 + (sql[j] - '0');
            }
            params = std::max(params, n);
            out += '$';
            out.append(sql.substr(i + 1, j - i - 1));
            i = j - 1;
            continue;
        }
        out += c;
    }
    return out;
}

Result<std::unique_ptr<Postgres>> Postgres::open(std::string_view url) {
    if (auto ok = check_postgres_url(url); !ok) {
        return ok.error();
    }
    const std::string name = redact_postgres_url(url);
    const std::string text(url);
    // Our defaults first; the URL's own settings, read from "dbname", override them.
    const char* keys[] = {"connect_timeout", "options", "dbname", nullptr};
    const char* values[] = {"10", "-c statement_timeout=60000 -c lock_timeout=30000", text.c_str(), nullptr};
    pg_conn* conn = PQconnectdbParams(keys, values, 1);
    if (!conn) {
        return make_error("cannot connect to " + name + ": out of memory");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return make_error("cannot connect to " + name + ": " + why);
    }
    PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    std::unique_ptr<Postgres> db(new Postgres(conn, name));
    if (auto r = db->exec("SET TIME ZONE 'UTC'"); !r) {
        return r.error();
    }
    return db;
}

Postgres::~Postgres() {
    PQfinish(conn_);
}

Result<void> Postgres::exec(std::string_view sql) {
    const std::string text(sql);
    ResultPtr r(PQexec(conn_, text.c_str()));
    if (!r || !succeeded(r.get())) {
        return make_error("database error: " +
                          (r ? trimmed(PQresultErrorMessage(r.get())) : trimmed(PQerrorMessage(conn_))));
    }
    if (const auto n = changed_rows(r.get()); n >= 0) {
        changes_ = n;
    }
    return {};
}

Result<Statement> Postgres::prepare(std::string_view sql) {
    int params = 0;
    std::string translated = to_postgres_placeholders(sql, params);
    return Statement(std::make_unique<PgStatement>(*this, conn_, std::move(translated), params));
}

Result<void> Postgres::begin() {
    if (PQstatus(conn_) != CONNECTION_OK) {
        PQreset(conn_);    // the server restarted or the network dropped: try once to get back
        prepared_.clear(); // a new session has none of them
        if (PQstatus(conn_) != CONNECTION_OK) {
            return make_error("lost the connection to " + name_ + ": " + trimmed(PQerrorMessage(conn_)));
        }
        PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
        (void)exec("SET TIME ZONE 'UTC'");
    }
    return exec("BEGIN");
}

Result<void> Postgres::commit() {
    ResultPtr r(PQexec(conn_, "COMMIT"));
    if (!r || !succeeded(r.get())) {
        return make_error("database error: " +
                          (r ? trimmed(PQresultErrorMessage(r.get())) : trimmed(PQerrorMessage(conn_))));
    }
    // COMMIT of a transaction an error aborted answers "ROLLBACK" without failing: that is not a commit.
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
        return make_error("database error: the transaction was rolled back by an earlier error");
    }
    return {};
}

std::string Postgres::prepared(const std::string& sql, const std::vector<unsigned int>& types) {
    std::string key = sql;
    for (const auto t : types) {
        key += '\0' + std::to_string(t);
    }
    if (auto it = prepared_.find(key); it != prepared_.end()) {
        return it->second;
    }
    if (prepared_.size() >= 500) {
        return ""; // a bound: queries are fixed texts, so this means something builds SQL it should not
    }
    std::string name = "ocppkit_" + std::to_string(prepared_.size());
    ResultPtr r(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data()));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        return "";
    }
    prepared_.emplace(std::move(key), name);
    return name;
}

Result<void> Postgres::lock_migrations() {
    return exec("SELECT pg_advisory_xact_lock(7081966)"); // any fixed number: one lock for all of ocppkit
}

} // namespace store
