#include "ocpp/text/chargebox_id.hpp"

#include <cstdint>
#include <cstdio>

namespace ocpp {

namespace {

// One character of the ID as people can read it, and as a log line cannot be forged with.
std::string shown(std::uint32_t code_point, bool valid_utf8) {
    char buf[48];
    if (!valid_utf8) {
        std::snprintf(buf, sizeof buf, "the byte 0x%02X (not UTF-8)", static_cast<unsigned>(code_point));
        return buf;
    }
    if (code_point == ' ') {
        return "\" \" (a space)";
    }
    if (code_point > 0x20 && code_point < 0x7F) {
        return "\"" + std::string(1, static_cast<char>(code_point)) + "\"";
    }
    const char* name = nullptr;
    switch (code_point) {
    case 0x00:
        name = "null";
        break;
    case 0x09:
        name = "tab";
        break;
    case 0x0A:
        name = "line feed";
        break;
    case 0x0D:
        name = "carriage return";
        break;
    case 0x1B:
        name = "escape";
        break;
    case 0x7F:
        name = "delete";
        break;
    default:
        name = code_point < 0x20 || (code_point >= 0x80 && code_point < 0xA0) ? "a control character" : "not ASCII";
    }
    std::snprintf(buf, sizeof buf, "U+%04X (%s)", static_cast<unsigned>(code_point), name);
    return buf;
}

// Decodes one UTF-8 sequence at text[i]; returns its length, 0 when it is not valid UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& code_point) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (b < 0x80) {
        code_point = b;
        return 1;
    }
    if ((b & 0xE0) == 0xC0) {
        n = 2, min = 0x80, code_point = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3, min = 0x800, code_point = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, code_point = b & 0x07;
    } else {
        return 0;
    }
    if (i + n > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(text[i + k]);
        if ((c & 0xC0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (c & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    return code_point < min || code_point > 0x10FFFF || surrogate ? 0 : n;
}

ChargeboxIdProblem problem(ChargeboxIdProblem::Kind kind, std::string message, std::size_t position = 0) {
    return ChargeboxIdProblem{kind, position, std::move(message)};
}

} // namespace

bool chargebox_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("*-_=:+|@.").find(c) != std::string_view::npos;
}

std::string_view chargebox_id_alphabet() {
    return "a-z A-Z 0-9 * - _ = : + | @ .";
}

std::optional<ChargeboxIdProblem> check_chargebox_id(std::string_view id) {
    using Kind = ChargeboxIdProblem::Kind;
    const std::string allowed = "a Chargebox ID may hold only " + std::string(chargebox_id_alphabet());
    if (id.empty()) {
        return problem(Kind::Empty, "empty; a Chargebox ID has 1 to " + std::to_string(kMaxChargeboxId) +
                                        " characters of " + std::string(chargebox_id_alphabet()));
    }
    std::size_t position = 0;
    for (std::size_t i = 0; i < id.size();) {
        ++position;
        if (chargebox_id_char(id[i])) {
            ++i;
            continue;
        }
        std::uint32_t code_point = static_cast<unsigned char>(id[i]);
        const std::size_t n = decode_utf8(id, i, code_point);
        const std::string what = shown(n == 0 ? static_cast<unsigned char>(id[i]) : code_point, n != 0);
        const std::string why = id[i] == '/' ? " (the ID is the last segment of the URL path)" : "";
        return problem(Kind::Character, "character " + std::to_string(position) + " is " + what + why + "; " + allowed,
                       position);
    }
    if (id.size() > kMaxChargeboxId) {
        return problem(Kind::TooLong, std::to_string(id.size()) + " characters long; a Chargebox ID has at most " +
                                          std::to_string(kMaxChargeboxId));
    }
    if (id == "." || id == "..") {
        return problem(Kind::DotSegment, "\"" + std::string(id) +
                                             "\" cannot be a Chargebox ID: it is not a URL path segment (clients "
                                             "and proxies remove it from the path)");
    }
    return std::nullopt;
}

} // namespace ocpp
