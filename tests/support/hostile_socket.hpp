#pragma once
// A hostile peer on raw sockets for the tests against the real binaries: many connections at once, WebSocket
// upgrades and frames written by hand (binary frames, unknown message types), and what a process has used of the
// machine (CPU time, its open-file limit).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ocppkit::test {

// A blocking TCP connection to 127.0.0.1:port; -1 when it fails.
inline int connect_raw(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// What arrives within `timeout`, until `until` appears (empty: until the peer closes).
inline std::string receive(int fd, const std::string& until, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (until.empty() || out.find(until) == std::string::npos) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

inline std::string upgrade_request(const std::string& path) {
    return "GET " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n";
}

// The HTTP status of an answer ("HTTP/1.1 101 ..." -> 101), 0 when there is none.
inline int status_of(const std::string& answer) {
    return answer.rfind("HTTP/1.1 ", 0) == 0 && answer.size() >= 12 ? std::atoi(answer.substr(9, 3).c_str()) : 0;
}

// A masked frame (client to server) of `opcode` with `payload` (under 64 KiB).
inline std::string client_frame(unsigned char opcode, const std::string& payload) {
    std::string frame;
    frame += static_cast<char>(0x80u | opcode);
    if (payload.size() < 126) {
        frame += static_cast<char>(0x80u | payload.size());
    } else {
        frame += static_cast<char>(0x80u | 126u);
        frame += static_cast<char>(payload.size() >> 8);
        frame += static_cast<char>(payload.size() & 0xffu);
    }
    const char key[4] = {0x0a, 0x1b, 0x2c, 0x3d};
    frame.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame += static_cast<char>(payload[i] ^ key[i % 4]);
    }
    return frame;
}

// The frames of an unmasked stream (server to client) as (opcode, payload), as far as they are complete.
inline std::vector<std::pair<int, std::string>> server_frames(const std::string& bytes) {
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
            break; // not used by these tests
        }
        if (at + len > bytes.size()) {
            break;
        }
        out.emplace_back(opcode, bytes.substr(at, len));
        i = at + len;
    }
    return out;
}

// The close code in a close frame's payload, 0 when it has none.
inline int close_code(const std::string& payload) {
    return payload.size() >= 2 ? static_cast<unsigned char>(payload[0]) << 8 | static_cast<unsigned char>(payload[1])
                               : 0;
}

// CPU time (user + system) the process has used, in clock ticks (/proc/PID/stat); -1 when it cannot be read.
inline long cpu_ticks(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 > stat.size()) {
        return -1;
    }
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    long utime = -1;
    long stime = -1;
    for (int i = 3; i <= 15 && fields >> field; ++i) { // field 3 is the state; 14 is utime, 15 stime
        if (i == 14) {
            utime = std::stol(field);
        } else if (i == 15) {
            stime = std::stol(field);
        }
    }
    return utime < 0 || stime < 0 ? -1 : utime + stime;
}

// The soft limit on open files of a running process ("Max open files" in /proc/PID/limits); -1 when unknown.
inline long soft_file_limit(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Max open files", 0) == 0) {
            std::istringstream words(line.substr(14));
            long soft = -1;
            words >> soft;
            return soft;
        }
    }
    return -1;
}

} // namespace ocppkit::test
