#pragma once
// Helpers for the ocpp/net tests: an event loop on a thread, log capture, a throwaway PKI, raw sockets.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"

namespace ocpp::net::test {

using namespace std::chrono_literals;

// An EventLoop run by its own thread; stopped and joined on destruction.
class LoopThread {
public:
    LoopThread()
        : loop_(EventLoop::create())
        , thread_([this] { loop_->run(); }) {}
    ~LoopThread() { stop(); }
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;

    EventLoop& loop() { return *loop_; }
    void stop() {
        if (thread_.joinable()) {
            loop_->stop();
            thread_.join();
        }
    }
    // Runs fn on the loop thread and returns its result; throws when it does not finish within 10 s.
    template <class F> auto call(F fn) -> decltype(fn()) {
        using R = decltype(fn());
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
        auto future = task->get_future();
        loop_->post([task] { (*task)(); });
        if (future.wait_for(10s) != std::future_status::ready) {
            throw std::runtime_error("loop call timed out");
        }
        return future.get();
    }

private:
    std::unique_ptr<EventLoop> loop_;
    std::thread thread_;
};

// Polls pred every few milliseconds until it holds or the timeout passes.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5000ms);

// Collects log lines (thread-safe); `logger` writes into it.
class LogCapture {
public:
    LogCapture();
    const Logger& logger() const { return logger_; }
    bool contains(const std::string& needle) const;
    std::string all() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
    Logger logger_;
};

// Throwaway certificates, generated once per test run with the openssl command line into a temp directory that is
// removed at exit. The server certificates carry SAN IP:127.0.0.1 and DNS:localhost.
struct TestPki {
    std::string dir;
    std::string ca_cert;
    std::string server_rsa_cert, server_rsa_key;
    std::string server_ec_cert, server_ec_key;
    std::string server_wrong_name_cert, server_wrong_name_key; // SAN DNS:example.invalid only
    std::string client_cert, client_key;                       // CN=CB-0001, signed by ca_cert
    std::string other_ca_cert;
    std::string other_client_cert, other_client_key; // signed by other_ca_cert
    // The PKI, or nullptr with the reason in `error` when the openssl tool failed.
    static const TestPki* get(std::string* error = nullptr);
};

// Result of a synchronous connect through a Client on a LoopThread.
struct Connected {
    SessionPtr session;
    std::optional<ConnectError> error;
};
Connected connect_sync(LoopThread& lt, Client& client, const ConnectOptions& options);

// Blocking raw sockets on 127.0.0.1 (for garbage, hand-made requests and TLS clients).
int tcp_connect(std::uint16_t port, const char* host = "127.0.0.1");
bool write_all(int fd, const std::string& data);
// Reads until the peer closes, `until` appears, or the timeout passes.
std::string read_until(int fd, const std::string& until, std::chrono::milliseconds timeout = 3000ms);
// Sends a raw HTTP request and returns the whole response (the server closes after answering).
std::string http_exchange(std::uint16_t port, const std::string& request);
std::string upgrade_request(const std::string& path, const std::string& protocols, const std::string& extra = "");
void close_fd(int fd);

} // namespace ocpp::net::test
