#include "store/connection.hpp"

namespace store {

using ocpp::make_error;

Result<void> Statement::run() {
    for (;;) {
        auto r = step();
        if (!r) {
            return r.error();
        }
        if (!*r) {
            return {};
        }
    }
}

namespace {
Result<std::int64_t> applied_version(Connection& db, std::string_view component) {
    auto version = db.first([](const Statement& q) { return q.int64(0); },
                            "SELECT version FROM schema_versions WHERE component = ?1", component);
    if (!version) {
        return version.error();
    }
    return version->value_or(0);
}
} // namespace

Result<void> Connection::migrate(std::string_view component, const std::vector<Migration>& migrations) {
    for (const auto& m : migrations) {
        if (auto r = begin(); !r) {
            return r;
        }
        Result<void> applied = lock_migrations();
        if (applied) {
            applied = exec("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER "
                           "NOT NULL)");
        }
        std::int64_t current = 0;
        if (applied) {
            auto v = applied_version(*this, component);
            if (v) {
                current = *v;
            } else {
                applied = v.error();
            }
        }
        if (applied && m.version > current) {
            const bool own = dialect() == Dialect::Postgresql && !m.postgresql.empty();
            applied = exec(own ? m.postgresql : m.sql);
            if (applied) {
                auto set = execute("INSERT INTO schema_versions(component, version) VALUES(?1, ?2) "
                                   "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                                   component, static_cast<std::int64_t>(m.version));
                if (!set) {
                    applied = set.error();
                }
            }
        }
        if (!applied) {
            (void)rollback();
            return make_error("migration " + std::string(component) + " v" + std::to_string(m.version) +
                              " failed: " + applied.error().message);
        }
        if (auto r = commit(); !r) {
            return make_error("migration " + std::string(component) + " v" + std::to_string(m.version) +
                              " failed: " + r.error().message);
        }
    }
    return {};
}

std::string numbered_list(std::size_t count) {
    std::string out;
    for (std::size_t i = 1; i <= count; ++i) {
        out += (i == 1 ? "?" : ",?") + std::to_string(i);
    }
    return out;
}

} // namespace store
