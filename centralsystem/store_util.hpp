#pragma once
// Small helpers shared by the store_*.cpp files.
#include <optional>
#include <string>
#include <string_view>

#include "store/sqlite.hpp"

namespace cs::db::detail {

inline void bind_opt_text(store::Statement& s, int index, const std::optional<std::string>& v) {
    if (v) {
        s.bind(index, std::string_view(*v));
    } else {
        s.bind_null(index);
    }
}
inline void bind_opt_real(store::Statement& s, int index, const std::optional<double>& v) {
    if (v) {
        s.bind(index, *v);
    } else {
        s.bind_null(index);
    }
}
inline void bind_opt_int(store::Statement& s, int index, const std::optional<int>& v) {
    if (v) {
        s.bind(index, static_cast<std::int64_t>(*v));
    } else {
        s.bind_null(index);
    }
}
inline std::optional<std::string> opt_text(const store::Statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<std::string>(s.text(col));
}
inline std::optional<double> opt_real(const store::Statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<double>(s.real(col));
}
inline std::optional<int> opt_int(const store::Statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<int>(static_cast<int>(s.int64(col)));
}

} // namespace cs::db::detail
