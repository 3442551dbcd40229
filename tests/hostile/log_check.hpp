#pragma once
// What the hostile-input suite looks for in a program's log: a line a peer forged, or a raw control byte.
#include <string>

namespace hostile {

// The first line that starts like a forged one ("fake log line", a time stamp of ours, "forged:") or carries a raw
// control byte, or "" when the text is clean.
inline std::string forged_line(const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        if (line.rfind("fake log line", 0) == 0 || line.rfind("2026-01-01T00:00:00.000Z", 0) == 0 ||
            line.rfind("forged:", 0) == 0) {
            return line;
        }
        for (char c : line) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 0x20 || b == 0x7F) {
                return line;
            }
        }
    }
    return "";
}

} // namespace hostile
