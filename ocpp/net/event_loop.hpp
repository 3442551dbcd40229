#pragma once
// EventLoop: an Asio io_context run by one thread, as an Executor. Servers and clients attach to one.
#include <memory>

#include "ocpp/util/executor.hpp"

namespace ocpp::net {

class EventLoop : public Executor {
public:
    static std::unique_ptr<EventLoop> create();
    // Runs the loop on the calling thread until stop(); keeps running while idle.
    virtual void run() = 0;
    // Thread-safe; run() returns soon after.
    virtual void stop() = 0;
    // Opaque access for ocpp/net implementations (the asio::io_context).
    virtual void* native_handle() = 0;
};

} // namespace ocpp::net
