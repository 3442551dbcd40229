#include "tester/report/markup_escape.hpp"

#include "tester/report/json.hpp"

namespace tester {

namespace {

enum class Markup { Html, XmlText, XmlAttribute };

constexpr const char* kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Appends what XML 1.0 makes of the character at clean[i] (not one of &<>"'); returns the bytes it took.
std::size_t append_xml_char(std::string& out, const std::string& clean, std::size_t i, bool attribute) {
    const auto c = static_cast<unsigned char>(clean[i]);
    if (c == '\t' || c == '\n') {
        out += attribute ? (c == '\t' ? "&#9;" : "&#10;") : std::string(1, clean[i]);
    } else if (c == '\r') {
        out += "&#13;";
    } else if (c < 0x20 || c == 0x7F) {
        out += kReplacement; // not allowed in XML 1.0, even as a reference
    } else if (c == 0xEF && i + 2 < clean.size() && static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
               (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE) {
        out += kReplacement; // U+FFFE and U+FFFF are not XML characters either
        return 3;
    } else {
        out += clean[i];
    }
    return 1;
}

std::string escape(std::string_view text, Markup target) {
    const std::string clean = sanitize_utf8(text);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (std::size_t i = 0; i < clean.size();) {
        const char* entity = nullptr;
        switch (clean[i]) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            entity = target == Markup::Html ? "&#39;" : "&apos;";
            break;
        default:
            break;
        }
        if (entity) {
            out += entity;
            ++i;
        } else if (target == Markup::Html) {
            out += clean[i++];
        } else {
            i += append_xml_char(out, clean, i, target == Markup::XmlAttribute);
        }
    }
    return out;
}

} // namespace

std::string html_escape(std::string_view text) {
    return escape(text, Markup::Html);
}

std::string xml_escape(std::string_view text, bool attribute) {
    return escape(text, attribute ? Markup::XmlAttribute : Markup::XmlText);
}

} // namespace tester
