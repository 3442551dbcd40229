#include "store/database.hpp"

#include "store/claims.hpp"

namespace store {

Result<std::unique_ptr<Sqlite>> open_database(std::string_view url) {
    const auto path = sqlite_path_from_url(url);
    if (!path) {
        return ocpp::make_error("not a database URL (expected sqlite:PATH): \"" + std::string(url) + "\"");
    }
    auto db = Sqlite::open(*path);
    if (!db) {
        return db.error();
    }
    if (auto migrated = Claims::migrate(**db); !migrated) {
        return migrated.error();
    }
    return std::move(*db);
}

} // namespace store
