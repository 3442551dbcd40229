#pragma once
// Log-safe text: whatever a peer sends, a log line stays one line of printable text. The Logger runs every message
// through escape_log_text(); call sites quote a peer-supplied value with log_quote().
#include <cstddef>
#include <string>
#include <string_view>

namespace ocpp {

// Longest message (after escaping) the Logger writes; the rest becomes "…(N bytes more)".
inline constexpr std::size_t kMaxLogMessageBytes = 1024;
// Default length of one quoted value in a log line.
inline constexpr std::size_t kMaxLogValueBytes = 64;

// True when text can go into a log line as it is: printable ASCII only, at most max_bytes.
bool log_text_is_clean(std::string_view text, std::size_t max_bytes);

// Escapes what could break or forge a log line: \n, \r and \t by name; other C0 controls, DEL and bytes that are not
// UTF-8 as \xNN; C1 controls, line and paragraph separators and bidirectional overrides as \uNNNN. Other UTF-8 stays.
// Output longer than max_bytes is cut at a character boundary and ends with "…(N bytes more)" (N counts the input).
std::string escape_log_text(std::string_view text, std::size_t max_bytes);

// A peer-supplied value for a log line: in double quotes, escaped as above and with \" and \\, length-capped
// (the marker "…(N bytes more)" follows the closing quote).
std::string log_quote(std::string_view value, std::size_t max_bytes = kMaxLogValueBytes);

// 18211 -> "18,211", for counts in log lines.
std::string group_thousands(unsigned long long n);

} // namespace ocpp
