#pragma once
// Support for the `ocpp-tester serve` tests: a tiny blocking HTTP/1.1 client, the real binary started on a free
// port and stopped by its PID, an event loop on a thread, and a small well-behaved charger built on Client + Peer.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/peer/peer.hpp"

namespace tester::test {

using namespace std::chrono_literals;

struct HttpReply {
    int status = 0;                             // 0: no answer (see error)
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;
    std::string error;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

inline std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// One request on a fresh connection ("Connection: close"), every wait bounded by `timeout`.
inline HttpReply http(std::uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "", const std::vector<std::string>& extra_headers = {},
                      std::chrono::milliseconds timeout = 5000ms) {
    HttpReply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        reply.error = "socket failed";
        return reply;
    }
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        reply.error = "connect failed";
        return reply;
    }
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    const bool typed = std::any_of(extra_headers.begin(), extra_headers.end(),
                                   [](const std::string& h) { return lower(h).rfind("content-type:", 0) == 0; });
    if (!body.empty() && !typed) {
        request += "Content-Type: application/json\r\n";
    }
    for (const auto& h : extra_headers) {
        request += h + "\r\n";
    }
    request += "\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break; // the server may answer early (e.g. 413) and close; read what came
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t header_end = std::string::npos, want = std::string::npos;
    char buf[16384];
    while (std::chrono::steady_clock::now() < deadline) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        raw.append(buf, static_cast<std::size_t>(n));
        if (header_end == std::string::npos && (header_end = raw.find("\r\n\r\n")) != std::string::npos) {
            const std::string head = lower(raw.substr(0, header_end));
            if (auto cl = head.find("content-length:"); cl != std::string::npos) {
                want = header_end + 4 + std::stoul(head.substr(cl + 15));
            }
        }
        if (want != std::string::npos && raw.size() >= want) {
            break;
        }
    }
    ::close(fd);
    header_end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos) {
        reply.error = "no HTTP answer: " + raw.substr(0, 200);
        return reply;
    }
    reply.status = std::stoi(raw.substr(9, 3));
    std::size_t pos = raw.find("\r\n") + 2;
    while (pos < header_end) {
        const auto eol = raw.find("\r\n", pos);
        const std::string line = raw.substr(pos, eol - pos);
        if (const auto colon = line.find(':'); colon != std::string::npos) {
            reply.headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
        }
        pos = eol + 2;
    }
    reply.body = raw.substr(header_end + 4);
    return reply;
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool accepts_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) {
        ::close(fd);
    }
    return ok;
}

// A port nobody listens on right now, taken below the kernel's ephemeral range (32768 and up): a port from that range
// can meanwhile become the source port of another test's client connection (the storm tests open thousands), and
// the binary started on it would find it in use.
inline std::uint16_t free_port() {
    static std::mt19937 pick(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const auto port = static_cast<std::uint16_t>(20000 + pick() % 12000);
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (ok) {
            return port;
        }
    }
    return 0;
}

// Polls pred until it holds or the timeout passes.
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = 100ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(every);
    }
    return pred();
}

// A child process (the real binary), stderr into a file; SIGTERM then SIGKILL by PID when destroyed.
class Process {
public:
    Process(const std::string& program, std::vector<std::string> args, const std::string& stderr_file) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (err >= 0) {
                ::dup2(err, 2);
                ::dup2(err, 1);
            }
            std::vector<char*> argv{const_cast<char*>(program.c_str())};
            for (auto& a : args) {
                argv.push_back(a.data());
            }
            argv.push_back(nullptr);
            ::execv(program.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~Process() { stop(); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    // Waits (bounded) for the process to exit; its exit code, or -1 when it did not exit in time.
    int wait_exit(std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (pid_ > 0) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= end) {
                return -1;
            }
            std::this_thread::sleep_for(20ms);
        }
        return code_;
    }
    // SIGTERM, 5 s to exit, then SIGKILL; returns the exit code.
    int stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            if (wait_exit(5000ms) < 0 && pid_ > 0) {
                ::kill(pid_, SIGKILL);
                wait_exit(5000ms);
            }
        }
        return code_;
    }

private:
    pid_t pid_ = -1;
    int code_ = -1;
};

// An EventLoop run by its own thread; stopped and joined on destruction.
class LoopThread {
public:
    LoopThread()
        : loop_(ocpp::net::EventLoop::create())
        , thread_([this] { loop_->run(); }) {}
    ~LoopThread() { stop(); }
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;
    ocpp::net::EventLoop& loop() { return *loop_; }
    void stop() {
        if (thread_.joinable()) {
            loop_->stop();
            thread_.join();
        }
    }
    // Runs fn on the loop and waits (10 s at most) for it.
    void call(std::function<void()> fn) {
        auto done = std::make_shared<std::promise<void>>();
        auto f = done->get_future();
        loop_->post([fn = std::move(fn), done] {
            fn();
            done->set_value();
        });
        if (f.wait_for(10s) != std::future_status::ready) {
            throw std::runtime_error("loop call timed out");
        }
    }

private:
    std::unique_ptr<ocpp::net::EventLoop> loop_;
    std::thread thread_;
};

} // namespace tester::test
