#include "tests/support/raw_ws.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "ocpp/net/detail/net_util.hpp"

namespace ocppkit::test {

namespace {

void set_socket_timeout(int fd, std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::chrono::milliseconds left_until(std::chrono::steady_clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
}

} // namespace

int connect_raw(std::uint16_t port, const char* host, const std::string& source) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (!source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
            ::close(fd);
            return -1;
        }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, host, &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool send_all(int fd, std::string_view data) {
    for (std::size_t sent = 0; sent < data.size();) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string receive(int fd, const std::string& until, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (until.empty() || out.find(until) == std::string::npos) {
        const auto left = left_until(deadline);
        pollfd pfd{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

void close_fd(int fd) {
    if (fd >= 0) {
        ::close(fd);
    }
}

std::string http_exchange(std::uint16_t port, const std::string& request) {
    const int fd = connect_raw(port);
    if (fd < 0) {
        return {};
    }
    send_all(fd, request);
    std::string response = receive(fd, "");
    ::close(fd);
    return response;
}

std::string upgrade_request(const std::string& path, const std::string& protocols, const std::string& extra) {
    return "GET " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           (protocols.empty() ? std::string() : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + extra + "\r\n";
}

int status_of(const std::string& answer) {
    return answer.rfind("HTTP/1.", 0) == 0 && answer.size() >= 12 ? std::atoi(answer.substr(9, 3).c_str()) : 0;
}

std::string basic_auth(const std::string& user, const std::string& password) {
    return "Basic " + ocpp::net::detail::base64_encode(user + ":" + password);
}

std::string client_frame(unsigned char opcode, std::string_view payload) {
    std::string frame;
    frame += static_cast<char>(0x80u | opcode);
    if (payload.size() < 126) {
        frame += static_cast<char>(0x80u | payload.size());
    } else if (payload.size() < 65536) {
        frame += static_cast<char>(0x80u | 126u);
        frame += static_cast<char>(payload.size() >> 8);
        frame += static_cast<char>(payload.size() & 0xffu);
    } else {
        frame += static_cast<char>(0x80u | 127u);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xffu);
        }
    }
    const char key[4] = {0x0a, 0x1b, 0x2c, 0x3d};
    frame.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame += static_cast<char>(payload[i] ^ key[i % 4]);
    }
    return frame;
}

std::vector<std::pair<int, std::string>> server_frames(const std::string& bytes) {
    std::vector<std::pair<int, std::string>> out;
    std::size_t i = 0;
    while (i + 2 <= bytes.size()) {
        const int opcode = static_cast<unsigned char>(bytes[i]) & 0x0f;
        std::size_t len = static_cast<unsigned char>(bytes[i + 1]) & 0x7fu;
        std::size_t at = i + 2;
        if (len == 126) {
            if (at + 2 > bytes.size()) {
                break;
            }
            len = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at]) << 8 |
                                           static_cast<unsigned char>(bytes[at + 1]));
            at += 2;
        } else if (len == 127) {
            if (at + 8 > bytes.size()) {
                break;
            }
            len = 0;
            for (int k = 0; k < 8; ++k) {
                len = len << 8 | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(k)]);
            }
            at += 8;
        }
        if (at + len > bytes.size()) {
            break;
        }
        out.emplace_back(opcode, bytes.substr(at, len));
        i = at + len;
    }
    return out;
}

int close_code(const std::string& payload) {
    return payload.size() >= 2 ? static_cast<unsigned char>(payload[0]) << 8 | static_cast<unsigned char>(payload[1])
                               : 0;
}

UpgradeReply ws_upgrade(std::uint16_t port, const std::string& target, const UpgradeOptions& options) {
    UpgradeReply reply;
    const auto start = std::chrono::steady_clock::now();
    const int fd = connect_raw(port, "127.0.0.1", options.source);
    if (fd < 0) {
        return reply;
    }
    const std::string extra =
        (options.authorization.empty() ? std::string() : "Authorization: " + options.authorization + "\r\n") +
        options.headers;
    if (!send_all(fd, upgrade_request(target, "ocpp1.6", extra)) || !options.read_answer) {
        ::close(fd);
        return reply;
    }
    const auto deadline = start + options.timeout;
    std::size_t want = std::string::npos;
    char buf[8192];
    for (;;) {
        const auto left = left_until(deadline);
        pollfd pfd{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
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
        if (reply.seconds == 0) {
            reply.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        if (reply.raw.compare(0, 12, "HTTP/1.1 101") == 0) {
            break; // upgraded: no body follows
        }
        std::string head = reply.raw.substr(0, head_end);
        for (char& c : head) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (const auto cl = head.find("content-length:"); cl != std::string::npos) {
            want = head_end + 4 + std::stoul(head.substr(cl + 15));
        }
        if (want != std::string::npos && reply.raw.size() >= want) { // without a length: until the server closes
            break;
        }
    }
    ::close(fd);
    reply.status = status_of(reply.raw);
    const auto head_end = reply.raw.find("\r\n\r\n");
    if (head_end != std::string::npos) {
        reply.body = reply.raw.substr(head_end + 4);
        std::string head = reply.raw.substr(0, head_end + 2);
        for (char& c : head) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (const auto at = head.find("\r\nretry-after: "); at != std::string::npos) {
            const auto begin = at + 15;
            reply.retry_after = reply.raw.substr(begin, head.find("\r\n", begin) - begin);
        }
    }
    return reply;
}

UpgradeReply basic_upgrade(std::uint16_t port, const std::string& id, const std::string& password,
                           const std::string& source, bool answer, std::chrono::milliseconds timeout) {
    UpgradeOptions options;
    options.authorization = basic_auth(id, password);
    options.source = source;
    options.read_answer = answer;
    options.timeout = timeout;
    return ws_upgrade(port, "/ocpp/" + id, options);
}

int RawWs::upgrade(std::uint16_t port, const std::string& target, const std::string& user, const std::string& password,
                   std::chrono::milliseconds timeout) {
    close();
    fd_ = connect_raw(port);
    if (fd_ < 0) {
        return 0;
    }
    set_timeout(timeout);
    const std::string extra = user.empty() ? std::string() : "Authorization: " + basic_auth(user, password) + "\r\n";
    if (!send_all(fd_, upgrade_request(target, "ocpp1.6", extra))) {
        return 0;
    }
    // Read the answer's head byte by byte, so that no frame after it is consumed.
    std::string head;
    char c = 0;
    while (head.size() < 16384 && head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) {
        head += c;
    }
    return status_of(head);
}

bool RawWs::send_text(std::string_view payload) {
    return fd_ >= 0 && send_all(fd_, client_frame(0x1, payload));
}

std::string RawWs::read_some(std::chrono::milliseconds timeout) {
    set_timeout(timeout);
    char buf[65536];
    const auto n = fd_ < 0 ? -1 : ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

bool RawWs::wait_closed(std::chrono::milliseconds timeout, std::string* received) {
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

void RawWs::set_timeout(std::chrono::milliseconds timeout) {
    if (fd_ >= 0) {
        set_socket_timeout(fd_, timeout);
    }
}

void RawWs::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

} // namespace ocppkit::test
