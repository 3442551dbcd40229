#include "ocpp/util/log.hpp"

#include <cstdio>
#include <mutex>

#include "ocpp/util/datetime.hpp"

namespace ocpp {

const char* to_string(LogLevel level) {
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warn:
        return "warn";
    case LogLevel::Error:
        return "error";
    case LogLevel::Off:
        return "off";
    }
    return "?";
}

bool parse_log_level(std::string_view text, LogLevel& out) {
    for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error, LogLevel::Off}) {
        if (text == to_string(level)) {
            out = level;
            return true;
        }
    }
    return false;
}

namespace {
void stderr_sink(LogLevel level, std::string_view component, std::string_view message) {
    // One fprintf per line keeps lines from different threads whole.
    const std::string stamp = format_datetime(DateTime::now());
    std::fprintf(stderr, "%s %-5s %.*s: %.*s\n", stamp.c_str(), to_string(level), static_cast<int>(component.size()),
                 component.data(), static_cast<int>(message.size()), message.data());
}
} // namespace

Logger::Logger(LogLevel level, Sink sink)
    : level_(level)
    , sink_(sink ? std::move(sink) : Sink(stderr_sink)) {}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) const {
    if (enabled(level) && level != LogLevel::Off) {
        sink_(level, component, message);
    }
}

} // namespace ocpp
