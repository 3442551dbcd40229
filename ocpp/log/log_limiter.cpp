#include "ocpp/log/log_limiter.hpp"

#include <algorithm>

#include "ocpp/log/log_text.hpp"

namespace ocpp {

LogLimiter::LogLimiter(const Logger& log, const Clock& clock, std::string component, std::string source,
                       LogLimits limits)
    : log_(log)
    , clock_(clock)
    , component_(std::move(component))
    , source_(std::move(source))
    , limits_(limits) {}

void LogLimiter::log(LogLevel level, std::string_view kind, std::string_view message) {
    if (admit(level, kind)) {
        log_.log(level, component_, message);
    }
}

bool LogLimiter::admit(LogLevel level, std::string_view kind) {
    if (!log_.enabled(level) || level == LogLevel::Off) {
        return false;
    }
    const auto now = clock_.now();
    if (!window_open_ || now - window_start_ >= limits_.window) {
        flush();
        window_open_ = true;
        window_start_ = now;
    }
    if (written_ < limits_.lines_per_window) {
        ++written_;
        return true;
    }
    ++held_back_total_;
    for (auto& h : held_) {
        if (h.kind == kind) {
            ++h.count;
            h.level = level > h.level ? level : h.level;
            return false;
        }
    }
    held_.push_back(Held{std::string(kind), 1, level});
    return false;
}

void LogLimiter::flush() {
    if (window_open_ && !held_.empty()) {
        // A window that ended before this call held its lines within its length.
        const auto span_time = std::min(clock_.now() - window_start_, limits_.window);
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(span_time).count();
        const std::string span = seconds < 1 ? "in the last second" : "in the last " + std::to_string(seconds) + " s";
        for (const auto& h : held_) {
            log_.log(h.level, component_,
                     "… and " + group_thousands(h.count) + " more " + h.kind + " from " + log_quote(source_) + " " +
                         span + " (not logged one by one)");
        }
    }
    held_.clear();
    written_ = 0;
    window_open_ = false;
}

} // namespace ocpp
