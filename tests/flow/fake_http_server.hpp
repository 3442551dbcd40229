#pragma once
// A one-shot HTTP server on 127.0.0.1 for the client's edge cases: it accepts one connection on its own thread,
// keeps the raw request, and answers with a canned reply (or, with an empty reply, stays silent until destroyed).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace flow::test {

class FakeHttpServer {
public:
    explicit FakeHttpServer(std::string reply)
        : reply_(std::move(reply)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 4);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeHttpServer() {
        done_ = true;
        thread_.join();
        ::close(fd_);
    }
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // The request as it arrived (complete once the client has its answer).
    std::string request() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return request_;
    }

private:
    // Waits (bounded by done_ and 10 s) until fd is readable.
    bool readable(int fd) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done_ && std::chrono::steady_clock::now() < end) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                return true;
            }
        }
        return false;
    }
    void serve() {
        if (!readable(fd_)) {
            return;
        }
        const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) {
            return;
        }
        std::string raw;
        char buf[4096];
        while (raw.find("\r\n\r\n") == std::string::npos || !body_complete(raw)) {
            if (!readable(c)) {
                break;
            }
            const auto n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) {
                break;
            }
            raw.append(buf, static_cast<std::size_t>(n));
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            request_ = raw;
        }
        if (!reply_.empty()) {
            ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        } else {
            while (!done_ && readable(c)) {
                if (::recv(c, buf, sizeof buf, 0) <= 0) {
                    break;
                }
            }
        }
        ::close(c);
    }
    static bool body_complete(const std::string& raw) {
        const auto head_end = raw.find("\r\n\r\n");
        std::string head = raw.substr(0, head_end);
        for (auto& ch : head) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        const auto cl = head.find("content-length:");
        const std::size_t want = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
        return raw.size() >= head_end + 4 + want;
    }

    std::string reply_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> done_{false};
    mutable std::mutex mutex_;
    std::string request_;
    std::thread thread_;
};

} // namespace flow::test
