#include "ocpp/log/log_text.hpp"

#include <cstdint>
#include <cstdio>

namespace ocpp {

namespace {

// The length of the well-formed UTF-8 sequence at s[0] (2 to 4) and its code point, or 0 when it is not one
// (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short).
std::size_t utf8_sequence(std::string_view s, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t len = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() < len) {
        return 0;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

// Code points that are valid text but can fake a line break or reorder what a reader sees.
bool unsafe_code_point(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

// The escaped text; when quoting, inside double quotes (the marker of a cut follows the closing quote).
std::string escape(std::string_view text, std::size_t max_bytes, bool quoting) {
    std::string out = quoting ? "\"" : "";
    max_bytes += out.size();
    out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        char piece[8];
        std::size_t piece_len = 0;
        std::size_t consumed = 1;
        const char* copy_from = nullptr;
        if (b == '\n' || b == '\r' || b == '\t') {
            piece[0] = '\\';
            piece[1] = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
            piece_len = 2;
        } else if (b < 0x20 || b == 0x7F) {
            piece_len = static_cast<std::size_t>(std::snprintf(piece, sizeof piece, "\\x%02x", b));
        } else if (quoting && (b == '"' || b == '\\')) {
            piece[0] = '\\';
            piece[1] = static_cast<char>(b);
            piece_len = 2;
        } else if (b < 0x80) {
            copy_from = text.data() + i;
            piece_len = 1;
        } else {
            char32_t cp = 0;
            const std::size_t len = utf8_sequence(text.substr(i), cp);
            if (len == 0) {
                piece_len = static_cast<std::size_t>(std::snprintf(piece, sizeof piece, "\\x%02x", b));
            } else if (unsafe_code_point(cp)) {
                piece_len =
                    static_cast<std::size_t>(std::snprintf(piece, sizeof piece, "\\u%04x", static_cast<unsigned>(cp)));
                consumed = len;
            } else {
                copy_from = text.data() + i;
                piece_len = len;
                consumed = len;
            }
        }
        if (out.size() + piece_len > max_bytes) {
            break;
        }
        out.append(copy_from ? copy_from : piece, piece_len);
        i += consumed;
    }
    if (quoting) {
        out += '"';
    }
    if (i < text.size()) {
        out += "…(" + group_thousands(text.size() - i) + " bytes more)";
    }
    return out;
}

} // namespace

bool log_text_is_clean(std::string_view text, std::size_t max_bytes) {
    if (text.size() > max_bytes) {
        return false;
    }
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b >= 0x7F) {
            return false;
        }
    }
    return true;
}

std::string escape_log_text(std::string_view text, std::size_t max_bytes) {
    return escape(text, max_bytes, false);
}

std::string log_quote(std::string_view value, std::size_t max_bytes) {
    return escape(value, max_bytes, true);
}

std::string group_thousands(unsigned long long n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

} // namespace ocpp
