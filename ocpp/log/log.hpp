#pragma once
// Levelled logging through an injected Logger; the sink is replaceable (tests capture lines). Every sink receives
// log-safe text: control characters escaped and the message capped (see log_text.hpp), whatever a peer sent.
#include <functional>
#include <string>
#include <string_view>

namespace ocpp {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

const char* to_string(LogLevel level);
bool parse_log_level(std::string_view text, LogLevel& out);

class Logger {
public:
    using Sink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;
    // The default sink writes "2026-01-01T00:00:00.000Z level component: message" lines to stderr.
    explicit Logger(LogLevel level = LogLevel::Info, Sink sink = {});

    bool enabled(LogLevel level) const { return level >= level_; }
    void set_level(LogLevel level) { level_ = level; }
    void log(LogLevel level, std::string_view component, std::string_view message) const;
    void debug(std::string_view c, std::string_view m) const { log(LogLevel::Debug, c, m); }
    void info(std::string_view c, std::string_view m) const { log(LogLevel::Info, c, m); }
    void warn(std::string_view c, std::string_view m) const { log(LogLevel::Warn, c, m); }
    void error(std::string_view c, std::string_view m) const { log(LogLevel::Error, c, m); }

private:
    LogLevel level_;
    Sink sink_;
};

} // namespace ocpp
