#pragma once
// CSV mass import of chargers (POST /api/v1/chargers/import): one row per charge point, the charger's columns
// repeated on each of its rows. The file is checked as a whole and every problem is named with its row (as a
// spreadsheet numbers it, header = row 1), column and words; a file with any problem imports nothing.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Rows (charge points) per file; bodies are limited to kMaxImportBody bytes.
inline constexpr std::size_t kMaxImportRows = 20000;
inline constexpr std::size_t kMaxImportBody = 8 * 1024 * 1024;
// At most this many problems are listed (the count says how many there were).
inline constexpr std::size_t kMaxImportProblems = 1000;

struct RowProblem {
    std::size_t row = 0;
    std::string column; // "" when the problem is the whole row or file
    std::string error;
};

struct ImportPlan {
    std::vector<NewCharger> chargers;           // in file order; password still in clear
    std::vector<std::size_t> first_row;         // per charger: the row that named it first
    std::vector<std::vector<std::size_t>> rows; // per charger: the row of each charge point
    std::size_t charge_points = 0;
};

// The columns, in the order the documentation lists them.
const std::vector<std::string>& import_columns();

// Checks the file; every problem found, or the chargers to create. `bad_file` is set for problems with the file as a
// whole (not CSV, no header, unknown column): then the answer is 400 rather than 422.
struct ImportCheck {
    std::variant<ImportPlan, std::vector<RowProblem>> result;
    bool bad_file = false;
};
ImportCheck parse_import(std::string_view text);

} // namespace cs::api
