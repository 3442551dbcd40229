#pragma once

// A name table per enum: one row per enumerator, looked up both ways, so a name function is a table and a call.

#include <cstddef>
#include <optional>
#include <string_view>

namespace ocpp {

// One row of a name table: an enumerator and its name (a string literal, so .data() stays NUL-terminated).
template <class E> struct EnumName {
    E value;
    const char* name;
};

// The name of `value` in `table`, or `fallback` when the table has no row for it (a value cast from a number).
template <class E, std::size_t N>
constexpr const char* name_of(const EnumName<E> (&table)[N], E value, const char* fallback) {
    for (const auto& row : table) {
        if (row.value == value) {
            return row.name;
        }
    }
    return fallback;
}

// The enumerator named `name` in `table`, or nothing when no row has that name (exact, case-sensitive match).
template <class E, std::size_t N>
constexpr std::optional<E> value_of(const EnumName<E> (&table)[N], std::string_view name) {
    for (const auto& row : table) {
        if (std::string_view(row.name) == name) {
            return row.value;
        }
    }
    return std::nullopt;
}

} // namespace ocpp
