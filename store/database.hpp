#pragma once
// Opening the database every program shares: the URL resolved, the connection opened, the shared tables migrated.
#include <memory>
#include <string>
#include <string_view>

#include "store/connection.hpp"

namespace store {

// Checks a --db URL without opening it: "sqlite:PATH" (or a bare PATH ending in .db) or "postgresql://...".
// The error says what is wrong; the caller adds which option named the URL.
Result<void> check_database_url(std::string_view url);

// True for a database several processes on several machines may share (PostgreSQL).
bool is_shared_database(std::string_view url);

// The URL as messages and logs may show it: a PostgreSQL password replaced by "***".
std::string redacted_url(std::string_view url);

// Refuses a SQLite database file that exists but is empty (0 bytes): a file truncated by accident would otherwise
// start as a new, empty database without a word. The error names the file and says how to start afresh (delete
// it). Any other URL passes. Programs call it at start and exit 2 on an error; open_database() checks it too.
Result<void> check_database_file(std::string_view url);

// Opens a database URL (see check_database_url) and applies the migrations every program relies on (claiming
// codes). Errors say what failed; the caller adds which option named the URL.
Result<std::unique_ptr<Connection>> open_database(std::string_view url);

// A program's database at start: the connection, or why the program must exit and with which code.
struct CheckedDatabase {
    std::unique_ptr<Connection> connection; // null when opening failed
    int exit_code = 0;                      // on failure: 2 for a file refused as it is, 1 for anything else
    std::string message;                    // on failure: the reason, prefixed with "--db: "
};

// What a program does with its --db URL at start: check_database_file(), then open_database().
CheckedDatabase open_checked(std::string_view url);

} // namespace store
