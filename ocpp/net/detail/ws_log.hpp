#pragma once
// websocketpp's logs routed to our Logger (internal: reached only through ws_common.hpp).
#include <websocketpp/logger/levels.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "ocpp/log/log.hpp"
#include "ocpp/log/log_limiter.hpp"
#include "ocpp/util/clock.hpp"

namespace ocpp::net::detail {

namespace wslog = websocketpp::log;

// websocketpp's logger interface, routed to our Logger. The access log has no static channels at all, so
// websocketpp's per-frame logging compiles to nothing; the error log maps its channels onto our levels.
template <class Names, wslog::level StaticChannels> class WsLogger {
public:
    WsLogger(wslog::level channels, wslog::channel_type_hint::value) { set_channels(channels); }
    void set_channels(wslog::level channels) { dynamic_ |= channels & StaticChannels; }
    void clear_channels(wslog::level channels) { dynamic_ &= ~channels; }
    void write(wslog::level channel, const std::string& msg) { emit(channel, msg); }
    void write(wslog::level channel, const char* msg) { emit(channel, msg); }
    constexpr bool static_test(wslog::level channel) const { return (channel & StaticChannels) != 0; }
    bool dynamic_test(wslog::level channel) const { return (channel & dynamic_) != 0; }
    // The Logger must outlive every connection of the endpoint (the cores hold a copy).
    void attach(const Logger* log) {
        log_ = log;
        warnings_ = log ? std::make_shared<Budget>(*log) : nullptr;
    }

private:
    void emit(wslog::level channel, std::string_view msg) {
        if (log_ == nullptr || !dynamic_test(channel)) {
            return;
        }
        LogLevel level = LogLevel::Debug;
        if (channel == wslog::elevel::fatal) {
            level = LogLevel::Error;
        } else if (channel == wslog::elevel::warn) {
            // Peers can trigger these once per frame (e.g. "got non-close frame while closing"): one budget of
            // lines for the whole endpoint.
            warnings_->limiter.warn("warnings", msg);
            return;
        }
        log_->log(level, "net.websocketpp", msg);
    }
    wslog::level dynamic_ = 0;
    const Logger* log_ = nullptr;
    struct Budget {
        explicit Budget(const Logger& log)
            : limiter(log, clock, "net.websocketpp", "the WebSocket library") {}
        SystemClock clock;
        LogLimiter limiter;
    };
    std::shared_ptr<Budget> warnings_; // shared by copies of this logger
};

using AccessLog = WsLogger<wslog::alevel, wslog::alevel::none>;
using ErrorLog = WsLogger<wslog::elevel, wslog::elevel::library | wslog::elevel::info | wslog::elevel::warn |
                                             wslog::elevel::rerror | wslog::elevel::fatal>;

} // namespace ocpp::net::detail
