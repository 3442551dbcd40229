#pragma once
// The end of a server program's start-up: run its event loop until Ctrl-C or SIGTERM, then shut down in order.
#include <chrono>
#include <functional>

#include "ocpp/net/event_loop.hpp"

namespace ocpp::program {

// Runs `loop` on a thread of its own until SIGINT or SIGTERM arrives; then calls `on_signal` here (to say so), posts
// `shutdown` to the loop (close connections, abort work), gives the loop `grace` to run out by itself, stops it and
// joins its thread. Returns with the loop stopped: what lives on it can be destroyed.
void run_until_stop_signal(net::EventLoop& loop, const std::function<void()>& on_signal, std::function<void()> shutdown,
                           std::chrono::milliseconds grace = std::chrono::milliseconds(500));

} // namespace ocpp::program
