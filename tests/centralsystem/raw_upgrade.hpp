#pragma once
// raw_upgrade: one WebSocket upgrade request with HTTP Basic credentials from a chosen 127.x source address, over a
// plain socket, as a password guesser would send it: the HTTP answer's status and Retry-After and how long it took,
// or (answer = false) the request sent and the socket closed without reading, as a flood does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace cs::test {

struct UpgradeReply {
    int status = 0; // 0: no answer
    std::string retry_after;
    double seconds = 0; // from connect to the answer's headers
};

inline std::string base64(const std::string& in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
        n |= i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) << 8 : 0;
        n |= i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
}

inline UpgradeReply raw_upgrade(std::uint16_t port, const std::string& id, const std::string& password,
                                const std::string& source = "127.0.0.1", bool answer = true,
                                std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    UpgradeReply reply;
    const auto start = std::chrono::steady_clock::now();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return reply;
    }
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return reply;
    }
    const std::string request = "GET /ocpp/" + id + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                "Sec-WebSocket-Protocol: ocpp1.6\r\nAuthorization: Basic " +
                                base64(id + ":" + password) + "\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()) || !answer) {
        ::close(fd);
        return reply;
    }
    std::string got;
    char buf[2048];
    while (got.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    reply.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (got.rfind("HTTP/1.1 ", 0) == 0 && got.size() >= 12) {
        reply.status = std::stoi(got.substr(9, 3));
    }
    std::string lower;
    for (char c : got) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (const auto at = lower.find("\r\nretry-after: "); at != std::string::npos) {
        const auto begin = at + 15;
        reply.retry_after = got.substr(begin, got.find("\r\n", begin) - begin);
    }
    return reply;
}

} // namespace cs::test
