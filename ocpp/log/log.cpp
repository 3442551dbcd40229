#include "ocpp/log/log.hpp"

#include <cstdio>
#include <mutex>

#include "ocpp/log/log_text.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/util/enum_names.hpp"

namespace ocpp {

namespace {
// The level names of the config files and the command line.
constexpr EnumName<LogLevel> kLevelNames[] = {
    {LogLevel::Debug, "debug"}, {LogLevel::Info, "info"}, {LogLevel::Warn, "warn"},
    {LogLevel::Error, "error"}, {LogLevel::Off, "off"},
};
} // namespace

const char* to_string(LogLevel level) {
    return name_of(kLevelNames, level, "?");
}

bool parse_log_level(std::string_view text, LogLevel& out) {
    const auto level = value_of(kLevelNames, text);
    if (!level) {
        return false;
    }
    out = *level;
    return true;
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
    if (!enabled(level) || level == LogLevel::Off) {
        return;
    }
    // Whatever a peer put into the message, every sink gets one line of printable text.
    constexpr std::size_t max_component = 128;
    const bool clean_component = log_text_is_clean(component, max_component);
    const bool clean_message = log_text_is_clean(message, kMaxLogMessageBytes);
    if (clean_component && clean_message) {
        sink_(level, component, message);
        return;
    }
    const std::string safe_component = clean_component ? std::string() : escape_log_text(component, max_component);
    const std::string safe_message = clean_message ? std::string() : escape_log_text(message, kMaxLogMessageBytes);
    sink_(level, clean_component ? component : std::string_view(safe_component),
          clean_message ? message : std::string_view(safe_message));
}

} // namespace ocpp
