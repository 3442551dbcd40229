#pragma once
// The handlers a Session hands its events to, shared by the transports (internal to ocpp/net).
#include <utility>

#include "ocpp/net/session.hpp"

namespace ocpp::net::detail {

// A session's message and close handlers: the close handler runs once, after which both are dropped (and whatever
// they captured with them).
class SessionHandlers {
public:
    void set_message(Session::MessageHandler h) { on_message_ = std::move(h); }
    void set_close(Session::CloseHandler h) { on_close_ = std::move(h); }
    // True until finish() ran.
    bool live() const { return !finished_; }
    // Hands a message to the message handler, if there is one and the session is not finished.
    void deliver(std::string_view text) {
        if (on_message_ && !finished_) {
            on_message_(text);
        }
    }
    // Runs the close handler exactly once; false when it had already run.
    bool finish(const CloseInfo& close) {
        if (finished_) {
            return false;
        }
        finished_ = true;
        auto handler = std::move(on_close_);
        on_close_ = nullptr;
        on_message_ = nullptr;
        if (handler) {
            handler(close);
        }
        return true;
    }

private:
    Session::MessageHandler on_message_;
    Session::CloseHandler on_close_;
    bool finished_ = false;
};

} // namespace ocpp::net::detail
