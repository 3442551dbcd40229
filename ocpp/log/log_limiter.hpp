#pragma once
// LogLimiter: a budget of log lines for one source (a connection), so that whatever a peer sends costs a bounded
// amount of log. Within a window the first lines are written; the rest are counted per kind and summed up when the
// window ends ("… and 18,211 more malformed frames from "CB-A" in the last 10 s"), or on flush().
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/util/clock.hpp"

namespace ocpp {

struct LogLimits {
    Clock::Duration window = std::chrono::seconds(10);
    std::size_t lines_per_window = 5; // lines written per window, all kinds together (summaries not counted)
};

class LogLimiter {
public:
    // component: the log component of every line; source: who the lines are about, as it appears in a summary.
    LogLimiter(const Logger& log, const Clock& clock, std::string component, std::string source, LogLimits limits = {});
    LogLimiter(const LogLimiter&) = delete;
    LogLimiter& operator=(const LogLimiter&) = delete;

    // Writes the line unless the budget of this window is spent; then it is counted under kind, a plural noun
    // ("malformed frames") that names it in the summary.
    void log(LogLevel level, std::string_view kind, std::string_view message);
    void warn(std::string_view kind, std::string_view message) { log(LogLevel::Warn, kind, message); }
    // The same, building the message only when it is written.
    template <class F> void log_with(LogLevel level, std::string_view kind, F&& make_message) {
        if (admit(level, kind)) {
            log_.log(level, component_, make_message());
        }
    }
    // True when the caller should write a line of this kind now; false when it was counted instead (or the level
    // is off).
    bool admit(LogLevel level, std::string_view kind);
    // Writes one summary line per kind held back, and starts a new window (e.g. when the connection closes).
    void flush();

    const std::string& component() const { return component_; }
    std::uint64_t held_back() const { return held_back_total_; } // lines counted instead of written, ever

private:
    struct Held {
        std::string kind;
        std::uint64_t count = 0;
        LogLevel level = LogLevel::Debug;
    };

    const Logger& log_;
    const Clock& clock_;
    std::string component_, source_;
    LogLimits limits_;
    bool window_open_ = false;
    Clock::TimePoint window_start_{};
    std::size_t written_ = 0;
    std::vector<Held> held_; // one entry per kind seen in this window; kinds come from code, so they are few
    std::uint64_t held_back_total_ = 0;
};

} // namespace ocpp
