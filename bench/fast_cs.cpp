// ocpp-bench-cs: a minimal, fast OCPP 1.6-J central system for load benchmarks. It answers the charge point's Core
// messages at once (BootNotification Accepted, Heartbeat, StatusNotification, MeterValues, Authorize,
// Start/StopTransaction), keeps no storage, and validates every frame strictly as a real central system would.
//
//   ocpp-bench-cs --listen 127.0.0.1:0 --threads 2 --interval 86400 [--boots N] [--log-level warn]
//
// Prints the port it listens on as the first line of stdout. With --boots N it prints one more stdout line when the
// N-th BootNotification has been answered: "boots N in S s (first connection to N-th boot answered)". With
// --stats-ms MS it prints "stats t=SECONDS calls=ANSWERED boots=B open=CONNECTIONS" every MS milliseconds, so that a
// script can compute the steady answered-call rate of whatever load generator runs against it. On SIGINT or SIGTERM
// it prints the totals per action to stderr and exits. --no-peer 1 keeps bare sessions without a Peer and answers
// nothing: the memory of the Server's connections alone.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/flags.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/system/stop_signals.hpp"
#include "ocpp/v16/messages.hpp"

using namespace ocpp;
using namespace ocpp::v16;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int threads = 1;
    int interval_s = 300;
    std::uint64_t boots = 0; // report when this many boots were answered; 0 = never
    long stats_ms = 0;       // print a stats line this often; 0 = never
    bool no_peer = false;    // hold bare sessions without a Peer (to measure the transport's memory alone)
    LogLevel log_level = LogLevel::Warn;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "ocpp-bench-cs: %s\nusage: ocpp-bench-cs [--listen HOST:PORT] [--threads N] [--interval S] "
                 "[--boots N] [--stats-ms MS] [--no-peer 0|1] [--log-level LEVEL]\n",
                 message.c_str());
    std::exit(2);
}

long number_arg(const std::string& flag, const std::string& v, long min, long max) {
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < min || n > max) {
        usage_error(flag + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got \"" + v + "\"");
    }
    return n;
}

Options parse(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&](const std::string& flag, const std::string& v) {
        if (flag == "--listen") {
            const auto colon = v.rfind(':');
            if (colon == std::string::npos || colon == 0) {
                usage_error("--listen: expected HOST:PORT, got \"" + v + "\"");
            }
            o.host = v.substr(0, colon);
            o.port = static_cast<std::uint16_t>(number_arg(flag, v.substr(colon + 1), 0, 65535));
        } else if (flag == "--threads") {
            o.threads = static_cast<int>(number_arg(flag, v, 1, 64));
        } else if (flag == "--interval") {
            o.interval_s = static_cast<int>(number_arg(flag, v, 1, 86400 * 7));
        } else if (flag == "--boots") {
            o.boots = static_cast<std::uint64_t>(number_arg(flag, v, 0, 10'000'000));
        } else if (flag == "--no-peer") {
            o.no_peer = number_arg(flag, v, 0, 1) == 1;
        } else if (flag == "--stats-ms") {
            o.stats_ms = number_arg(flag, v, 0, 3'600'000);
        } else if (flag == "--log-level") {
            if (!parse_log_level(v, o.log_level)) {
                usage_error("--log-level: expected debug, info, warn, error or off, got \"" + v + "\"");
            }
        } else {
            usage_error("unknown option " + flag);
        }
    });
    return o;
}

enum Counter : std::size_t { Boot, Heartbeat, Status, Meter, Authorize, Start, Stop, Opened, Closed, kCounters };
constexpr std::array<const char*, kCounters> kCounterNames{
    "BootNotification", "Heartbeat",       "StatusNotification", "MeterValues",       "Authorize",
    "StartTransaction", "StopTransaction", "connections opened", "connections closed"};

// Process-wide figures, shared by the loops (relaxed atomics: only totals matter).
struct Shared {
    Options options;
    std::array<std::atomic<std::uint64_t>, kCounters> counts{};
    std::atomic<std::int64_t> first_open_ns{0};
    std::atomic<std::uint64_t> boots{0};
    std::atomic<int> next_transaction{1};
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// One event loop with its server and the peers of its connections.
class Worker {
public:
    Worker(Shared& shared, const validation::Registry& schemas, const Logger& log)
        : shared_(shared)
        , schemas_(schemas)
        , log_(log)
        , loop_(net::EventLoop::create()) {}

    Result<std::uint16_t> listen(std::uint16_t port, bool reuse_port) {
        net::ServerConfig cfg;
        cfg.host = shared_.options.host;
        cfg.port = port;
        cfg.reuse_port = reuse_port;
        cfg.open_handshake_timeout = std::chrono::seconds(60);
        server_ = net::Server::create(*loop_, cfg, log_);
        server_->set_open_handler([this](net::SessionPtr session) { on_open(std::move(session)); });
        if (auto listening = server_->listen(); !listening) {
            return listening.error();
        }
        return server_->port();
    }

    void start() {
        thread_ = std::thread([this] { loop_->run(); });
    }
    void stop() {
        loop_->stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

private:
    void count(Counter c) { shared_.counts[c].fetch_add(1, std::memory_order_relaxed); }

    void on_open(net::SessionPtr session) {
        std::int64_t expected = 0;
        shared_.first_open_ns.compare_exchange_strong(expected, now_ns());
        count(Opened);
        const std::uint64_t id = session->id();
        if (shared_.options.no_peer) {
            session->set_close_handler([this, id](const net::CloseInfo&) {
                count(Closed);
                sessions_.erase(id);
            });
            sessions_.emplace(id, std::move(session));
            return;
        }
        PeerConfig pc;
        pc.mode = validation::Mode::Strict;
        pc.rate.per_second = 0; // load generators send far more than a charger: no message-rate limit
        auto peer = Peer::create(std::move(session), schemas_, pc, log_);
        serve(*peer);
        peer->set_close_handler([this, id](const net::CloseInfo&) {
            count(Closed);
            peers_.erase(id);
        });
        peers_.emplace(id, std::move(peer));
    }

    void boot_answered() {
        count(Boot);
        const std::uint64_t n = shared_.boots.fetch_add(1, std::memory_order_relaxed) + 1;
        if (n == shared_.options.boots) {
            const double s = static_cast<double>(now_ns() - shared_.first_open_ns.load()) / 1e9;
            std::printf("boots %llu in %.3f s (first connection to N-th boot answered)\n",
                        static_cast<unsigned long long>(n), s);
            std::fflush(stdout);
        }
    }

    void serve(Peer& peer) {
        const int interval = shared_.options.interval_s;
        peer.on<BootNotificationReq>([this, interval](const BootNotificationReq&, Reply<BootNotificationConf> reply) {
            reply(BootNotificationConf{DateTime::now(), interval, RegistrationStatus::Accepted});
            boot_answered();
        });
        peer.on<HeartbeatReq>([this](const HeartbeatReq&, Reply<HeartbeatConf> reply) {
            reply(HeartbeatConf{DateTime::now()});
            count(Heartbeat);
        });
        peer.on<StatusNotificationReq>([this](const StatusNotificationReq&, Reply<StatusNotificationConf> reply) {
            reply(StatusNotificationConf{});
            count(Status);
        });
        peer.on<MeterValuesReq>([this](const MeterValuesReq&, Reply<MeterValuesConf> reply) {
            reply(MeterValuesConf{});
            count(Meter);
        });
        peer.on<AuthorizeReq>([this](const AuthorizeReq&, Reply<AuthorizeConf> reply) {
            AuthorizeConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            reply(conf);
            count(Authorize);
        });
        peer.on<StartTransactionReq>([this](const StartTransactionReq&, Reply<StartTransactionConf> reply) {
            StartTransactionConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            conf.transactionId = shared_.next_transaction.fetch_add(1, std::memory_order_relaxed);
            reply(conf);
            count(Start);
        });
        peer.on<StopTransactionReq>([this](const StopTransactionReq&, Reply<StopTransactionConf> reply) {
            StopTransactionConf conf;
            conf.idTagInfo = IdTagInfo{};
            conf.idTagInfo->status = AuthorizationStatus::Accepted;
            reply(conf);
            count(Stop);
        });
    }

    Shared& shared_;
    const validation::Registry& schemas_;
    const Logger& log_;
    std::unique_ptr<net::EventLoop> loop_;
    std::unique_ptr<net::Server> server_;
    std::unordered_map<std::uint64_t, std::shared_ptr<Peer>> peers_; // keeps each connection's Peer alive
    std::unordered_map<std::uint64_t, net::SessionPtr> sessions_;    // --no-peer: the bare sessions
    std::thread thread_;
};

} // namespace

int main(int argc, char** argv) {
    Shared shared;
    shared.options = parse(argc, argv);
    Logger log(shared.options.log_level);
    auto schemas = validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "ocpp-bench-cs: %s\n", schemas.error().message.c_str());
        return 1;
    }

    // SIGINT/SIGTERM end the run (the main thread waits for them); SIGPIPE is ignored meanwhile.
    ocpp::StopSignals stop_signals;

    std::vector<std::unique_ptr<Worker>> workers;
    const bool reuse_port = shared.options.threads > 1;
    std::uint16_t port = shared.options.port;
    for (int i = 0; i < shared.options.threads; ++i) {
        workers.push_back(std::make_unique<Worker>(shared, *schemas, log));
        auto bound = workers.back()->listen(port, reuse_port);
        if (!bound) {
            std::fprintf(stderr, "ocpp-bench-cs: %s\n", bound.error().message.c_str());
            return 1;
        }
        port = *bound; // the other loops share the first one's port through SO_REUSEPORT
    }
    for (auto& w : workers) {
        w->start();
    }
    std::printf("%u\n", static_cast<unsigned>(port));
    std::fflush(stdout);

    const auto started = std::chrono::steady_clock::now();
    const long tick_ms = shared.options.stats_ms > 0 ? shared.options.stats_ms : 3'600'000;
    for (;;) {
        if (stop_signals.wait_for(std::chrono::milliseconds(tick_ms))) {
            break;
        }
        if (shared.options.stats_ms > 0) {
            std::uint64_t calls = 0;
            for (std::size_t i = Boot; i <= Stop; ++i) {
                calls += shared.counts[i].load(std::memory_order_relaxed);
            }
            const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::printf("stats t=%.3f calls=%llu boots=%llu open=%llu\n", t, static_cast<unsigned long long>(calls),
                        static_cast<unsigned long long>(shared.counts[Boot].load()),
                        static_cast<unsigned long long>(shared.counts[Opened].load() - shared.counts[Closed].load()));
            std::fflush(stdout);
        }
    }
    for (auto& w : workers) {
        w->stop();
    }
    std::string totals = "ocpp-bench-cs: answered";
    for (std::size_t i = 0; i < kCounters; ++i) {
        totals += std::string(i == 0 ? " " : ", ") + kCounterNames[i] + " " + std::to_string(shared.counts[i].load());
    }
    std::fprintf(stderr, "%s\n", totals.c_str());
    std::fflush(stdout);
    std::_Exit(0); // no need to close thousands of connections one by one
}
