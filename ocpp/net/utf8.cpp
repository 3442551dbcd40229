// UTF-8 validation: ASCII runs (OCPP messages are ASCII but for free text) are skipped eight bytes at a time, each
// multi-byte sequence is decoded and checked against the ranges RFC 3629 allows.
#include "ocpp/net/detail/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ocpp::net::detail {

namespace {

// The index of the first byte at or after i that is not ASCII (or the size).
std::size_t skip_ascii(std::string_view text, std::size_t i) {
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + i, sizeof word);
        if ((word & 0x8080808080808080ULL) != 0) {
            break;
        }
    }
    while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) {
        ++i;
    }
    return i;
}

} // namespace

bool valid_utf8(std::string_view text) {
    std::size_t i = skip_ascii(text, 0);
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80) {
            i = skip_ascii(text, i);
            continue;
        }
        if (lead >= 0xc2 && lead <= 0xdf) {
            len = 2;
            cp = lead & 0x1fu;
        } else if ((lead & 0xf0) == 0xe0) {
            len = 3;
            cp = lead & 0x0fu;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            len = 4;
            cp = lead & 0x07u;
        } else {
            return false; // a continuation byte, an overlong two-byte lead (c0, c1) or beyond U+10FFFF (f5..ff)
        }
        if (text.size() - i < len) {
            return false; // truncated sequence
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (b & 0x3fu);
        }
        if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) {
            return false; // overlong, or a UTF-16 surrogate
        }
        if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) {
            return false;
        }
        i += len;
    }
    return true;
}

} // namespace ocpp::net::detail
