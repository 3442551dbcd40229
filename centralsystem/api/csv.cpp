#include "centralsystem/api/csv.hpp"

namespace cs::csv {

namespace {

char separator_of(std::string_view text) {
    const std::string_view first = text.substr(0, text.find_first_of("\r\n"));
    std::size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (char c : first) {
        quoted = c == '"' ? !quoted : quoted;
        commas += !quoted && c == ',';
        semicolons += !quoted && c == ';';
    }
    return semicolons > commas ? ';' : ',';
}

bool all_empty(const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
        if (!f.empty()) {
            return false;
        }
    }
    return true;
}

} // namespace

std::variant<std::vector<Record>, Error> parse(std::string_view text, std::size_t max_records) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    const char sep = separator_of(text);
    std::vector<Record> out;
    Record current{1, {}};
    std::string field;
    std::size_t row = 1, i = 0;
    bool field_was_quoted = false;
    auto end_record = [&]() -> bool {
        current.fields.push_back(std::move(field));
        field.clear();
        field_was_quoted = false;
        if (!all_empty(current.fields)) {
            out.push_back(std::move(current));
        }
        current = Record{++row, {}};
        return out.size() <= max_records;
    };
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"' && field.empty() && !field_was_quoted) {
            // A quoted field: up to the lone closing quote; "" is one quote; line breaks are part of it.
            const std::size_t opened_on = row;
            ++i;
            for (;;) {
                if (i >= text.size()) {
                    return Error{opened_on, "a quoted field opened on this row is never closed (missing '\"')"};
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            field_was_quoted = true;
            if (i < text.size() && text[i] != sep && text[i] != '\r' && text[i] != '\n') {
                return Error{row, std::string("after a closing quote comes '") + text[i] +
                                      "' instead of a separator or the end of the line"};
            }
            continue;
        }
        if (c == sep) {
            current.fields.push_back(std::move(field));
            field.clear();
            field_was_quoted = false;
            ++i;
        } else if (c == '\r' || c == '\n') {
            i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
            if (!end_record()) {
                return Error{row - 1, "more than " + std::to_string(max_records) + " rows"};
            }
        } else if (c == '"') {
            return Error{row, "a '\"' inside an unquoted field: quote the whole field and double the quote"};
        } else {
            field += c;
            ++i;
        }
    }
    if (!field.empty() || field_was_quoted || !current.fields.empty()) {
        if (!end_record()) {
            return Error{row - 1, "more than " + std::to_string(max_records) + " rows"};
        }
    }
    return out;
}

} // namespace cs::csv
