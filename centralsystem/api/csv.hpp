#pragma once
// A CSV reader for files from spreadsheets (RFC 4180): quoted fields with doubled quotes and line breaks, CRLF or LF,
// a UTF-8 byte-order mark, and ',' or ';' as the separator (the header line decides, as Excel writes ';' in many
// locales). Rows are numbered as a spreadsheet shows them: the header is row 1.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cs::csv {

struct Record {
    std::size_t row = 0;
    std::vector<std::string> fields;
};

struct Error {
    std::size_t row = 0;
    std::string error;
};

// All records, blank lines and rows of empty fields left out; at most `max_records` (more is an Error).
std::variant<std::vector<Record>, Error> parse(std::string_view text, std::size_t max_records);

} // namespace cs::csv
