#include "ocpp/program/serve_loop.hpp"

#include <future>
#include <thread>

#include "ocpp/system/stop_signals.hpp"

namespace ocpp::program {

void run_until_stop_signal(net::EventLoop& loop, const std::function<void()>& on_signal, std::function<void()> shutdown,
                           std::chrono::milliseconds grace) {
    StopSignals signals; // SIGINT and SIGTERM are counted from here on, instead of ending the process
    std::promise<void> loop_done;
    auto loop_finished = loop_done.get_future();
    std::thread loop_thread([&] {
        loop.run();
        loop_done.set_value();
    });
    signals.wait();
    on_signal();
    loop.post(std::move(shutdown));
    // Give close frames a moment to go out, then stop the loop whatever state it is in.
    if (loop_finished.wait_for(grace) != std::future_status::ready) {
        loop.stop();
    }
    loop_thread.join();
}

} // namespace ocpp::program
