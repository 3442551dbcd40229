#include "ocpp/text/split.hpp"

namespace ocpp::text {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim(std::string_view text, std::string_view strip) {
    while (!text.empty() && strip.find(text.front()) != std::string_view::npos) {
        text.remove_prefix(1);
    }
    while (!text.empty() && strip.find(text.back()) != std::string_view::npos) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<std::string_view> split_nonempty(std::string_view text, char separator, std::string_view strip) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto end = text.find(separator);
        std::string_view piece = text.substr(0, end);
        while (!piece.empty() && strip.find(piece.front()) != std::string_view::npos) {
            piece.remove_prefix(1);
        }
        while (!piece.empty() && strip.find(piece.back()) != std::string_view::npos) {
            piece.remove_suffix(1);
        }
        if (!piece.empty()) {
            out.push_back(piece);
        }
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return out;
}

} // namespace ocpp::text
