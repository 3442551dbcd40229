#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace ocppkit::test {

namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    return addr;
}

} // namespace

std::string HttpReply::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

HttpReply http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
               const std::vector<std::string>& extra_headers, std::chrono::milliseconds timeout) {
    return http_from("", port, method, target, body, extra_headers, timeout);
}

HttpReply http_from(const std::string& source, std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body, const std::vector<std::string>& extra_headers,
                    std::chrono::milliseconds timeout) {
    HttpReply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        reply.error = "socket failed";
        return reply;
    }
    if (!source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1 ||
            ::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
            ::close(fd);
            reply.error = "cannot send from " + source;
            return reply;
        }
    }
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const sockaddr_in addr = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
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

bool accepts_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in addr = loopback(port);
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) {
        ::close(fd);
    }
    return ok;
}

std::uint16_t free_port() {
    static std::mt19937 pick(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const auto port = static_cast<std::uint16_t>(20000 + pick() % 12000);
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in addr = loopback(port);
        const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (ok) {
            return port;
        }
    }
    return 0;
}

} // namespace ocppkit::test
