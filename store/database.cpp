#include "store/database.hpp"

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "store/claims.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"

namespace store {

Result<void> check_database_url(std::string_view url) {
    if (is_postgres_url(url)) {
        return check_postgres_url(url);
    }
    if (!sqlite_path_from_url(url)) {
        return ocpp::make_error(
            "not a database URL (expected sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE): \"" +
            redact_postgres_url(url) + "\"");
    }
    return {};
}

bool is_shared_database(std::string_view url) {
    return is_postgres_url(url);
}

std::string redacted_url(std::string_view url) {
    return redact_postgres_url(url);
}

Result<void> check_database_file(std::string_view url) {
    if (is_postgres_url(url)) {
        return {};
    }
    const auto path = sqlite_path_from_url(url);
    if (!path) {
        return {};
    }
    std::error_code ec;
    const auto status = std::filesystem::status(*path, ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
        return {}; // missing (created on open) or not a file (opening says why)
    }
    // SQLite creates a new database file empty and writes its first page when the creating program commits its
    // schema: a file that is empty now may be one that another program (the tester beside the central system) is
    // creating at this moment. Only a file that stays empty for a few seconds is taken for a truncated one.
    auto size = std::filesystem::file_size(*path, ec);
    for (int i = 0; i < 60 && !ec && size == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        size = std::filesystem::file_size(*path, ec);
    }
    if (!ec && size == 0) {
        return ocpp::make_error("the database file " + *path +
                                " is empty (0 bytes): it may have been truncated, and starting would begin a new, "
                                "empty database in its place. Restore it from a backup, or delete the file to start "
                                "with a new database");
    }
    return {};
}

Result<std::unique_ptr<Connection>> open_database(std::string_view url) {
    if (auto ok = check_database_url(url); !ok) {
        return ok.error();
    }
    if (auto ok = check_database_file(url); !ok) {
        return ok.error();
    }
    std::unique_ptr<Connection> db;
    if (is_postgres_url(url)) {
        auto pg = Postgres::open(url);
        if (!pg) {
            return pg.error();
        }
        db = std::move(*pg);
    } else {
        auto lite = Sqlite::open(*sqlite_path_from_url(url));
        if (!lite) {
            return lite.error();
        }
        db = std::move(*lite);
    }
    if (auto migrated = Claims::migrate(*db); !migrated) {
        return migrated.error();
    }
    return db;
}

CheckedDatabase open_checked(std::string_view url) {
    CheckedDatabase out;
    if (auto empty = check_database_file(url); !empty) {
        out.exit_code = 2;
        out.message = "--db: " + empty.error().message;
        return out;
    }
    auto db = open_database(url);
    if (!db) {
        out.exit_code = 1;
        out.message = "--db: " + db.error().message;
        return out;
    }
    out.connection = std::move(*db);
    return out;
}

} // namespace store
