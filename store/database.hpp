#pragma once
// Opening the database every program shares: the URL resolved, the file opened, the shared tables migrated.
#include <memory>
#include <string_view>

#include "store/sqlite.hpp"

namespace store {

// Opens a "sqlite:PATH" URL and applies the migrations every program relies on (claiming codes). Errors say what
// failed; the caller adds which option named the URL.
Result<std::unique_ptr<Sqlite>> open_database(std::string_view url);

} // namespace store
