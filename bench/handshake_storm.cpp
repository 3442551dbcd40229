// ocpp-bench-handshake-storm: wrong-password guesses for one Chargebox ID, `--concurrency` at a time, spread over at
// least `--seconds`, while legitimate chargers connect: each of `--cold` IDs once (its password not yet verified by
// the central system) and one ID (`--warm`) again and again (verified after its first connection). Prints the
// guesses' answers and each legitimate group's connect latency (TCP connect to the HTTP answer) as "key value" lines.
// Plain sockets on 127.0.0.1; the passwords of legitimate chargers are "<ID>-password-0123456789".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/net/detail/net_util.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// One upgrade; the HTTP status (0: none within 20 s) and the seconds it took.
std::pair<int, double> upgrade(std::uint16_t port, const std::string& id, const std::string& password) {
    const auto start = Clock::now();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return {0, 0};
    }
    timeval tv{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    int status = 0;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
        const std::string request = "GET /ocpp/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n" +
                                    "Authorization: Basic " + ocpp::net::detail::base64_encode(id + ":" + password) +
                                    "\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
            std::string got;
            char buf[1024];
            while (got.find("\r\n\r\n") == std::string::npos) {
                const auto n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    break;
                }
                got.append(buf, static_cast<std::size_t>(n));
            }
            if (got.rfind("HTTP/1.1 ", 0) == 0 && got.size() >= 12) {
                status = std::atoi(got.substr(9, 3).c_str());
            }
        }
    }
    ::close(fd);
    return {status, std::chrono::duration<double>(Clock::now() - start).count()};
}

struct Group {
    std::mutex mutex;
    std::vector<double> seconds;
    std::map<int, int> statuses;
    void add(std::pair<int, double> r) {
        std::lock_guard<std::mutex> lock(mutex);
        seconds.push_back(r.second);
        ++statuses[r.first];
    }
    void print(const char* name) {
        std::sort(seconds.begin(), seconds.end());
        auto pct = [&](double p) {
            return seconds.empty()
                       ? 0.0
                       : seconds[std::min(seconds.size() - 1, static_cast<std::size_t>(p * seconds.size()))];
        };
        std::printf("%s_n %zu\n%s_p50 %.4f\n%s_p99 %.4f\n%s_max %.4f\n", name, seconds.size(), name, pct(0.5), name,
                    pct(0.99), name, seconds.empty() ? 0.0 : seconds.back());
        for (const auto& [status, n] : statuses) {
            std::printf("%s_status_%d %d\n", name, status, n);
        }
    }
};

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == "--" + name) {
            return argv[i + 1];
        }
    }
    return fallback;
}

} // namespace

int main(int argc, char** argv) {
    const auto port = static_cast<std::uint16_t>(std::atoi(arg(argc, argv, "port", "0").c_str()));
    const std::string attacked = arg(argc, argv, "attacked", "CB-ATTACKED");
    const int guesses = std::atoi(arg(argc, argv, "guesses", "9000").c_str());
    const int concurrency = std::max(1, std::atoi(arg(argc, argv, "concurrency", "8").c_str()));
    const double seconds = std::atof(arg(argc, argv, "seconds", "60").c_str());
    const int cold = std::atoi(arg(argc, argv, "cold", "40").c_str());
    const std::string warm = arg(argc, argv, "warm", "CB-WARM");
    if (port == 0) {
        std::fprintf(stderr, "usage: ocpp-bench-handshake-storm --port P [--attacked ID] [--guesses N] "
                             "[--concurrency C] [--seconds S] [--cold N] [--warm ID]\n");
        return 2;
    }
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto at = [&](double fraction) {
        return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds * fraction));
    };
    // Guesses: guess n is not sent before start + n / guesses of the window, so they spread over it.
    std::atomic<int> next{0};
    Group attack;
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t) {
        threads.emplace_back([&] {
            for (int n; (n = next++) < guesses;) {
                std::this_thread::sleep_until(at(static_cast<double>(n) / guesses));
                attack.add(upgrade(port, attacked, "wrong-guess-" + std::to_string(n)));
            }
        });
    }
    Group cold_group, warm_group;
    std::thread cold_thread([&] {
        for (int i = 1; i <= cold; ++i) {
            std::this_thread::sleep_until(at((i - 0.5) / cold));
            const std::string id = "CB-COLD-" + std::to_string(i);
            cold_group.add(upgrade(port, id, id + "-password-0123456789"));
        }
    });
    std::thread warm_thread([&] {
        while (Clock::now() < deadline) {
            warm_group.add(upgrade(port, warm, warm + "-password-0123456789"));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    for (auto& t : threads) {
        t.join();
    }
    const double attack_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    cold_thread.join();
    warm_thread.join();
    std::printf("guesses %d\nattack_seconds %.2f\n", guesses, attack_seconds);
    attack.print("guess");
    cold_group.print("cold");
    warm_group.print("warm");
    return 0;
}
