// Header text: case-insensitive names, OWS trimming, the Sec-WebSocket-Protocol list; session ids.
#include <atomic>
#include <cctype>

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/text/split.hpp"

namespace ocpp::net {

std::vector<std::string> split_subprotocols(std::string_view header_value) {
    std::vector<std::string> out;
    for (const auto token : text::split_nonempty(header_value, ',', " \t")) {
        out.emplace_back(token);
    }
    return out;
}

std::string_view HttpRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (detail::iequals(key, name)) {
            return value;
        }
    }
    return {};
}

namespace detail {

std::uint64_t next_session_id() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace detail

} // namespace ocpp::net
