#pragma once
// RawWs: a hostile WebSocket client on a plain socket, for the hostile-input suites. It upgrades with any path and
// Basic credentials, sends text frames exactly as given (as fast as the test likes), and reads only when asked, so
// a test can play a charger that never reads. 127.0.0.1 only; every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocpp::testing {

inline std::string base64(std::string_view in) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const auto n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
        out += {abc[(n >> 18) & 63], abc[(n >> 12) & 63], abc[(n >> 6) & 63], abc[n & 63]};
    }
    if (i + 1 == in.size()) {
        const auto n = static_cast<unsigned char>(in[i]) << 16;
        out += {abc[(n >> 18) & 63], abc[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const auto n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {abc[(n >> 18) & 63], abc[(n >> 12) & 63], abc[(n >> 6) & 63], '='};
    }
    return out;
}

class RawWs {
public:
    RawWs() = default;
    ~RawWs() { close(); }
    RawWs(const RawWs&) = delete;
    RawWs& operator=(const RawWs&) = delete;

    // Sends the upgrade request for `target` (e.g. "/ocpp/CB-A%0Afake") and returns the HTTP status of the answer
    // (101 when upgraded), or 0 when nothing came within the timeout.
    int upgrade(std::uint16_t port, const std::string& target, const std::string& user = "",
                const std::string& password = "", std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        close();
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            return 0;
        }
        set_timeout(timeout);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            close();
            return 0;
        }
        std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                              "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Protocol: ocpp1.6\r\n";
        if (!user.empty()) {
            request += "Authorization: Basic " + base64(user + ":" + password) + "\r\n";
        }
        request += "\r\n";
        if (!send_all(request)) {
            return 0;
        }
        // Read the answer's head byte by byte, so that no frame after it is consumed.
        std::string head;
        char c = 0;
        while (head.size() < 16384 && head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) {
            head += c;
        }
        if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) {
            return 0;
        }
        return std::stoi(head.substr(9, 3));
    }

    // One masked text frame; false when the socket would not take it within the send timeout.
    bool send_text(std::string_view payload) {
        std::string frame;
        frame += static_cast<char>(0x81);
        if (payload.size() < 126) {
            frame += static_cast<char>(0x80 | payload.size());
        } else if (payload.size() < 65536) {
            frame += static_cast<char>(0x80 | 126);
            frame += static_cast<char>(payload.size() >> 8);
            frame += static_cast<char>(payload.size() & 0xFF);
        } else {
            frame += static_cast<char>(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xFF);
            }
        }
        const char mask[4] = {0x12, 0x34, 0x56, 0x78};
        frame.append(mask, 4);
        for (std::size_t i = 0; i < payload.size(); ++i) {
            frame += static_cast<char>(payload[i] ^ mask[i % 4]);
        }
        return send_all(frame);
    }

    // Reads whatever arrives within the timeout (raw bytes, frames not decoded); empty when the peer closed.
    std::string read_some(std::chrono::milliseconds timeout) {
        set_timeout(timeout);
        char buf[65536];
        const auto n = fd_ < 0 ? -1 : ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }

    // Reads until the peer closes the connection or the timeout passes; true when it closed.
    bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        set_timeout(std::chrono::milliseconds(200));
        char buf[65536];
        while (fd_ >= 0 && std::chrono::steady_clock::now() < end) {
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) {
                return true;
            }
            if (n > 0 && received) {
                received->append(buf, static_cast<std::size_t>(n));
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return true; // reset
            }
        }
        return false;
    }

    void set_timeout(std::chrono::milliseconds timeout) {
        if (fd_ < 0) {
            return;
        }
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    bool is_open() const { return fd_ >= 0; }

private:
    bool send_all(std::string_view data) {
        for (std::size_t sent = 0; sent < data.size();) {
            const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    int fd_ = -1;
};

} // namespace ocpp::testing
