#pragma once
// A raw WebSocket upgrade request to 127.0.0.1:port with a target given byte for byte (so a test can send what a
// hostile or broken charger sends), and the answer's status and body. Every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace ocppkit_test {

struct UpgradeReply {
    int status = 0;   // 101 when upgraded; 0 when there was no HTTP answer
    std::string body; // the refusal's body (its reason)
    std::string raw;
};

inline UpgradeReply ws_upgrade(std::uint16_t port, const std::string& target, const std::string& authorization = "",
                               std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    UpgradeReply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return reply;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return reply;
    }
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Protocol: ocpp1.6\r\n";
    if (!authorization.empty()) {
        request += "Authorization: " + authorization + "\r\n";
    }
    request += "\r\n";
    for (std::size_t sent = 0; sent < request.size();) {
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t want = std::string::npos;
    char buf[8192];
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        reply.raw.append(buf, static_cast<std::size_t>(n));
        const auto head_end = reply.raw.find("\r\n\r\n");
        if (head_end == std::string::npos) {
            continue;
        }
        if (reply.raw.compare(0, 12, "HTTP/1.1 101") == 0) {
            break; // upgraded: no body follows
        }
        std::string head = reply.raw.substr(0, head_end);
        for (char& c : head) {
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        if (const auto cl = head.find("content-length:"); cl != std::string::npos) {
            want = head_end + 4 + std::stoul(head.substr(cl + 15));
        }
        if (want != std::string::npos && reply.raw.size() >= want) {
            break;
        }
    }
    ::close(fd);
    if (reply.raw.rfind("HTTP/1.", 0) == 0 && reply.raw.size() >= 12) {
        reply.status = std::stoi(reply.raw.substr(9, 3));
    }
    if (const auto head_end = reply.raw.find("\r\n\r\n"); head_end != std::string::npos) {
        reply.body = reply.raw.substr(head_end + 4);
    }
    return reply;
}

} // namespace ocppkit_test
