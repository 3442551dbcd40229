#pragma once
// "name": value members for the reports the simulator writes (the load report, the scenario report), with any
// RapidJSON writer. Header only; include it from targets that link RapidJSON.
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace sim {

// Writes "name": value into the object the writer is in: a bool, an int, a count, a double or a text; an empty
// optional writes null.
template <class Writer, class T> void member(Writer& w, const char* name, const T& value) {
    w.Key(name);
    if constexpr (std::is_same_v<T, bool>) {
        w.Bool(value);
    } else if constexpr (std::is_same_v<T, int>) {
        w.Int(value);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        w.Uint64(value);
    } else if constexpr (std::is_same_v<T, double>) {
        w.Double(value);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
        value ? w.Double(*value) : w.Null();
    } else if constexpr (std::is_same_v<T, std::optional<std::uint64_t>>) {
        value ? w.Uint64(*value) : w.Null();
    } else {
        w.String(value);
    }
}

} // namespace sim
