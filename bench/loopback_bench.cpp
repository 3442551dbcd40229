// Loopback round trips: OCPP CALL -> CALLRESULT through our Server and Client (Peers on both ends, strict validation),
// against a raw-TCP baseline (standalone Asio, length-prefixed request/response of the same byte sizes), in the same
// run with the same threads: one server loop thread and one client loop thread each. Every connection keeps exactly
// one request in flight, as OCPP requires. A third stack, our Server and Client echoing the same texts without a
// Peer, shows how the cost divides between the WebSocket layer and the Peer. The stacks are measured in alternating
// slices, so that whatever else runs on the machine disturbs them alike; the counters give the rates and their
// ratios (target: ocpp/raw >= 0.5).
//
// Asio is included here only because this is a benchmark, not part of the library (ocpp/net keeps it private).
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"

namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr auto kWarmup = 200ms;
constexpr auto kSlice = 1s;

// Runs `fn` on the executor and waits for its result.
template <class F> auto on_loop(ocpp::Executor& ex, F fn) -> decltype(fn()) {
    std::promise<decltype(fn())> done;
    auto result = done.get_future();
    ex.post([&] {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            done.set_value();
        } else {
            done.set_value(fn());
        }
    });
    return result.get();
}

// Shared by both stacks: the round trips completed, and whether connections should send their next request.
struct Drive {
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> in_flight{0};
    std::atomic<bool> running{false};
};

// What one slice measured: round trips per wall-clock second, and per CPU second of the whole process (user +
// system; only the measured stack is busy). The second is less sensitive to other programs taking CPU from us.
struct Rates {
    double per_s = 0;
    double per_cpu_s = 0;
};

double process_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Measures one slice: starts every connection, warms up, counts round trips over kSlice, stops and drains.
template <class Start> Rates measure(Drive& drive, Start start_all) {
    drive.running = true;
    start_all();
    std::this_thread::sleep_for(kWarmup);
    const auto c0 = drive.completed.load();
    const auto t0 = Steady::now();
    const double cpu0 = process_cpu_seconds();
    std::this_thread::sleep_for(kSlice);
    const auto c1 = drive.completed.load();
    const auto t1 = Steady::now();
    const double cpu1 = process_cpu_seconds();
    drive.running = false;
    const auto deadline = Steady::now() + 10s;
    while (drive.in_flight.load() > 0 && Steady::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    if (drive.in_flight.load() > 0) {
        throw std::runtime_error("round trips still in flight 10 s after the slice ended");
    }
    const auto n = static_cast<double>(c1 - c0);
    return {n / std::chrono::duration<double>(t1 - t0).count(), cpu1 > cpu0 ? n / (cpu1 - cpu0) : 0};
}

// ---- What both of our stacks share: our Server and Client on 127.0.0.1, each on its own loop thread.

class LoopPair {
public:
    LoopPair()
        : server_loop_(ocpp::net::EventLoop::create())
        , client_loop_(ocpp::net::EventLoop::create()) {}

    // Listens on a free port, hands every accepted session to on_open (server loop), then runs both loops.
    void start(std::function<void(ocpp::net::SessionPtr)> on_open) {
        ocpp::net::ServerConfig sc;
        sc.ping_interval = 0ms;
        sc.open_handshake_timeout = 60s;
        server_ = ocpp::net::Server::create(*server_loop_, sc, log_);
        server_->set_open_handler(std::move(on_open));
        if (auto ok = server_->listen(); !ok) {
            throw std::runtime_error("listen: " + ok.error().message);
        }
        client_ = ocpp::net::Client::create(*client_loop_, ocpp::net::ClientConfig{}, log_);
        server_thread_ = std::thread([this] { server_loop_->run(); });
        client_thread_ = std::thread([this] { client_loop_->run(); });
    }

    // Opens `connections` sessions to /ocpp/<prefix><i>, each handed to on_open (client loop); throws when one fails.
    void connect(std::size_t connections, const std::string& prefix,
                 std::function<void(ocpp::net::SessionPtr)> on_open) {
        std::promise<void> all_open;
        std::atomic<std::size_t> pending{connections};
        std::atomic<std::size_t> errors{0};
        const std::string base = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/ocpp/" + prefix;
        client_loop_->post([&, base] {
            for (std::size_t i = 0; i < connections; ++i) {
                ocpp::net::ConnectOptions options;
                options.url = base + std::to_string(i);
                options.open_handshake_timeout = 60s;
                client_->connect(options, [&](ocpp::net::SessionPtr s, std::optional<ocpp::net::ConnectError> e) {
                    if (e) {
                        ++errors;
                    } else {
                        on_open(std::move(s));
                    }
                    if (--pending == 0) {
                        all_open.set_value();
                    }
                });
            }
        });
        all_open.get_future().get();
        if (errors > 0) {
            throw std::runtime_error(std::to_string(errors.load()) + " connections failed");
        }
    }

    // Runs close_all on the client loop, waits (5 s at most) until the server has no connection left, then shuts the
    // server down and stops and joins both loops.
    void stop(std::function<void()> close_all) {
        on_loop(*client_loop_, std::move(close_all));
        const auto deadline = Steady::now() + 5s;
        while (on_loop(*server_loop_, [this] { return server_->connection_count(); }) > 0 && Steady::now() < deadline) {
            std::this_thread::sleep_for(5ms);
        }
        on_loop(*server_loop_, [this] { server_->shutdown(); });
        server_loop_->stop();
        client_loop_->stop();
        server_thread_.join();
        client_thread_.join();
    }

    ocpp::net::EventLoop& client_loop() { return *client_loop_; }
    const ocpp::Logger& log() const { return log_; }

private:
    ocpp::Logger log_{ocpp::LogLevel::Error};
    std::unique_ptr<ocpp::net::EventLoop> server_loop_, client_loop_;
    std::unique_ptr<ocpp::net::Server> server_;
    std::unique_ptr<ocpp::net::Client> client_;
    std::thread server_thread_, client_thread_;
};

// ---- Our stack: Server + Client, a Peer on each end.

// A load generator sends far more than a charger: no message-rate limit on either end.
ocpp::PeerConfig bench_peer_config() {
    ocpp::PeerConfig pc;
    pc.rate.per_second = 0;
    return pc;
}

class OcppLoopback {
public:
    explicit OcppLoopback(std::size_t connections)
        : schemas_(load_schemas()) {
        pair_.start([this](ocpp::net::SessionPtr s) {
            const auto id = s->id();
            auto peer = ocpp::Peer::create(std::move(s), schemas_, bench_peer_config(), pair_.log());
            peer->on<ocpp::v16::HeartbeatReq>(
                [](const ocpp::v16::HeartbeatReq&, ocpp::Reply<ocpp::v16::HeartbeatConf> reply) {
                    reply(ocpp::v16::HeartbeatConf{ocpp::DateTime::now()});
                });
            server_peers_.emplace(id, std::move(peer));
        });
        connect(connections);
    }

    ~OcppLoopback() {
        pair_.stop([this] {
            for (auto& p : client_peers_) {
                p->close(1000, "done");
            }
        });
    }

    Rates run_slice() {
        return measure(drive_, [this] {
            pair_.client_loop().post([this] {
                for (auto& p : client_peers_) {
                    drive_.in_flight.fetch_add(1);
                    send_next(p.get());
                }
            });
        });
    }

    std::uint64_t failed() const { return drive_.failed.load(); }
    // The texts of one round trip (a Heartbeat CALL and its CALLRESULT), for the other stacks.
    const std::string& request_text() const { return request_text_; }
    const std::string& response_text() const { return response_text_; }

private:
    static ocpp::validation::Registry load_schemas() {
        auto r = ocpp::validation::Registry::v16();
        if (!r) {
            throw std::runtime_error(r.error().message);
        }
        return std::move(*r);
    }

    void connect(std::size_t connections) {
        client_peers_.reserve(connections);
        pair_.connect(connections, "BENCH-", [this](ocpp::net::SessionPtr s) {
            client_peers_.push_back(ocpp::Peer::create(std::move(s), schemas_, bench_peer_config(), pair_.log()));
        });
        // The frame sizes of one round trip, for the raw baseline.
        on_loop(pair_.client_loop(), [this] {
            auto* peer = client_peers_.front().get();
            peer->set_frame_observer([this](ocpp::FrameDirection d, std::string_view text) {
                (d == ocpp::FrameDirection::Sent ? request_text_ : response_text_) = std::string(text);
            });
            peer->call(ocpp::v16::HeartbeatReq{},
                       [peer](ocpp::CallOutcome<ocpp::v16::HeartbeatConf>) { peer->set_frame_observer(nullptr); });
        });
        const auto deadline = Steady::now() + 10s;
        while (on_loop(pair_.client_loop(), [this] { return response_text_.size(); }) == 0 &&
               Steady::now() < deadline) {
            std::this_thread::sleep_for(1ms);
        }
    }

    void send_next(ocpp::Peer* peer) {
        peer->call(ocpp::v16::HeartbeatReq{}, [this, peer](ocpp::CallOutcome<ocpp::v16::HeartbeatConf> out) {
            (out.ok() ? drive_.completed : drive_.failed).fetch_add(1, std::memory_order_relaxed);
            if (out.ok() && drive_.running.load(std::memory_order_relaxed)) {
                send_next(peer);
            } else {
                drive_.in_flight.fetch_sub(1);
            }
        });
    }

    LoopPair pair_;
    ocpp::validation::Registry schemas_;
    std::unordered_map<std::uint64_t, std::shared_ptr<ocpp::Peer>> server_peers_; // server loop only
    std::vector<std::shared_ptr<ocpp::Peer>> client_peers_;                       // client loop only
    std::string request_text_, response_text_;                                    // client loop only
    Drive drive_;
};

// ---- Our transport alone: the same Server and Client, fixed frame texts echoed without a Peer (no parsing, no
// validation), to tell the WebSocket layer's cost from the Peer's.

class WsLoopback {
public:
    WsLoopback(std::size_t connections, std::string request, std::string response)
        : request_(std::move(request))
        , response_(std::move(response)) {
        pair_.start([this](ocpp::net::SessionPtr s) {
            auto* session = s.get();
            session->set_message_handler([this, session](std::string_view) { session->send(response_); });
            server_sessions_.push_back(std::move(s));
        });
        pair_.connect(connections, "WS-", [this](ocpp::net::SessionPtr s) {
            auto* session = s.get();
            session->set_message_handler([this, session](std::string_view) {
                drive_.completed.fetch_add(1, std::memory_order_relaxed);
                if (!drive_.running.load(std::memory_order_relaxed) ||
                    session->send(request_) != ocpp::net::SendStatus::Queued) {
                    drive_.in_flight.fetch_sub(1);
                }
            });
            client_sessions_.push_back(std::move(s));
        });
    }

    ~WsLoopback() {
        pair_.stop([this] {
            for (auto& s : client_sessions_) {
                s->close(1000, "done");
            }
        });
    }

    Rates run_slice() {
        return measure(drive_, [this] {
            pair_.client_loop().post([this] {
                for (auto& s : client_sessions_) {
                    drive_.in_flight.fetch_add(1);
                    if (s->send(request_) != ocpp::net::SendStatus::Queued) {
                        drive_.failed.fetch_add(1);
                        drive_.in_flight.fetch_sub(1);
                    }
                }
            });
        });
    }
    std::uint64_t failed() const { return drive_.failed.load(); }

private:
    LoopPair pair_;
    std::string request_, response_;
    std::vector<ocpp::net::SessionPtr> server_sessions_; // server loop only
    std::vector<ocpp::net::SessionPtr> client_sessions_; // client loop only
    Drive drive_;
};

// ---- The baseline: plain Asio, 4-byte big-endian length + body, one request in flight per connection.

std::string length_prefixed(std::size_t body_bytes, char fill) {
    std::string frame(4 + body_bytes, fill);
    const auto n = static_cast<std::uint32_t>(body_bytes);
    frame[0] = static_cast<char>(n >> 24);
    frame[1] = static_cast<char>(n >> 16);
    frame[2] = static_cast<char>(n >> 8);
    frame[3] = static_cast<char>(n);
    return frame;
}

// Accumulates reads until one whole length-prefixed message is in the buffer.
struct MessageReader {
    std::vector<char> buf = std::vector<char>(4096);
    std::size_t have = 0;
    // The size of the complete message at the front (header included), or 0 when more bytes are needed.
    std::size_t complete() {
        if (have < 4) {
            return 0;
        }
        const auto* p = reinterpret_cast<const unsigned char*>(buf.data());
        const std::size_t body =
            (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | std::size_t{p[3]};
        if (buf.size() < 4 + body) {
            buf.resize(4 + body);
        }
        return have >= 4 + body ? 4 + body : 0;
    }
    void consume(std::size_t n) {
        std::memmove(buf.data(), buf.data() + n, have - n);
        have -= n;
    }
};

class RawServerConn : public std::enable_shared_from_this<RawServerConn> {
public:
    RawServerConn(asio::ip::tcp::socket socket, const std::string& response)
        : socket_(std::move(socket))
        , response_(response) {}
    void start() {
        socket_.set_option(asio::ip::tcp::no_delay(true));
        read();
    }

private:
    void read() {
        auto self = shared_from_this();
        socket_.async_read_some(asio::buffer(in_.buf.data() + in_.have, in_.buf.size() - in_.have),
                                [this, self](const asio::error_code& ec, std::size_t n) {
                                    if (ec) {
                                        return;
                                    }
                                    in_.have += n;
                                    if (const auto size = in_.complete()) {
                                        in_.consume(size);
                                        write();
                                    } else {
                                        read();
                                    }
                                });
    }
    void write() {
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(response_), [this, self](const asio::error_code& ec, std::size_t) {
            if (!ec) {
                read();
            }
        });
    }
    asio::ip::tcp::socket socket_;
    const std::string& response_;
    MessageReader in_;
};

class RawClientConn {
public:
    RawClientConn(asio::io_context& io, const std::string& request, Drive& drive)
        : socket_(io)
        , request_(request)
        , drive_(drive) {}
    asio::ip::tcp::socket& socket() { return socket_; }
    void send() {
        asio::async_write(socket_, asio::buffer(request_), [this](const asio::error_code& ec, std::size_t) {
            if (ec) {
                fail();
                return;
            }
            read();
        });
    }

private:
    void read() {
        socket_.async_read_some(asio::buffer(in_.buf.data() + in_.have, in_.buf.size() - in_.have),
                                [this](const asio::error_code& ec, std::size_t n) {
                                    if (ec) {
                                        fail();
                                        return;
                                    }
                                    in_.have += n;
                                    const auto size = in_.complete();
                                    if (size == 0) {
                                        read();
                                        return;
                                    }
                                    in_.consume(size);
                                    drive_.completed.fetch_add(1, std::memory_order_relaxed);
                                    if (drive_.running.load(std::memory_order_relaxed)) {
                                        send();
                                    } else {
                                        drive_.in_flight.fetch_sub(1);
                                    }
                                });
    }
    void fail() {
        drive_.failed.fetch_add(1);
        drive_.in_flight.fetch_sub(1);
    }
    asio::ip::tcp::socket socket_;
    const std::string& request_;
    Drive& drive_;
    MessageReader in_;
};

class RawLoopback {
public:
    RawLoopback(std::size_t connections, std::size_t request_bytes, std::size_t response_bytes)
        : request_(length_prefixed(request_bytes, 'q'))
        , response_(length_prefixed(response_bytes, 'r'))
        , server_work_(asio::make_work_guard(server_io_))
        , client_work_(asio::make_work_guard(client_io_))
        , acceptor_(server_io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        acceptor_.listen(4096);
        accept();
        server_thread_ = std::thread([this] { server_io_.run(); });
        const auto endpoint = acceptor_.local_endpoint();
        for (std::size_t i = 0; i < connections; ++i) {
            clients_.push_back(std::make_unique<RawClientConn>(client_io_, request_, drive_));
            clients_.back()->socket().connect(endpoint);
            clients_.back()->socket().set_option(asio::ip::tcp::no_delay(true));
        }
        client_thread_ = std::thread([this] { client_io_.run(); });
    }
    ~RawLoopback() {
        asio::post(client_io_, [this] {
            for (auto& c : clients_) {
                asio::error_code ec;
                c->socket().close(ec);
            }
        });
        client_work_.reset();
        client_thread_.join();
        asio::post(server_io_, [this] { acceptor_.close(); });
        server_work_.reset();
        server_thread_.join();
    }

    Rates run_slice() {
        return measure(drive_, [this] {
            asio::post(client_io_, [this] {
                for (auto& c : clients_) {
                    drive_.in_flight.fetch_add(1);
                    c->send();
                }
            });
        });
    }
    std::uint64_t failed() const { return drive_.failed.load(); }

private:
    void accept() {
        acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
            if (ec) {
                return;
            }
            std::make_shared<RawServerConn>(std::move(socket), response_)->start();
            accept();
        });
    }

    std::string request_, response_;
    asio::io_context server_io_{1}, client_io_{1};
    asio::executor_work_guard<asio::io_context::executor_type> server_work_, client_work_;
    asio::ip::tcp::acceptor acceptor_;
    std::vector<std::unique_ptr<RawClientConn>> clients_;
    std::thread server_thread_, client_thread_;
    Drive drive_;
};

// One iteration = one slice of each stack in turn (OCPP, WebSocket only, raw TCP); the counters average over the
// iterations. Rates per wall-clock second decide the target; rates per CPU second of the process are a cross-check
// that other programs on the machine disturb less.
void BM_LoopbackRoundTrips(benchmark::State& state) {
    const auto connections = static_cast<std::size_t>(state.range(0));
    OcppLoopback ocpp_stack(connections);
    WsLoopback ws_stack(connections, ocpp_stack.request_text(), ocpp_stack.response_text());
    RawLoopback raw_stack(connections, ocpp_stack.request_text().size(), ocpp_stack.response_text().size());
    Rates ocpp_sum, ws_sum, raw_sum;
    double best_ratio = 0;
    auto add = [](Rates& sum, const Rates& r) {
        sum.per_s += r.per_s;
        sum.per_cpu_s += r.per_cpu_s;
    };
    for (auto _ : state) {
        const Rates ocpp_rate = ocpp_stack.run_slice();
        const Rates ws_rate = ws_stack.run_slice();
        const Rates raw_rate = raw_stack.run_slice();
        add(ocpp_sum, ocpp_rate);
        add(ws_sum, ws_rate);
        add(raw_sum, raw_rate);
        best_ratio = std::max(best_ratio, raw_rate.per_s > 0 ? ocpp_rate.per_s / raw_rate.per_s : 0.0);
    }
    const auto n = static_cast<double>(state.iterations());
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    state.counters["ocpp_rt/s"] = ocpp_sum.per_s / n;
    state.counters["ws_rt/s"] = ws_sum.per_s / n;
    state.counters["raw_rt/s"] = raw_sum.per_s / n;
    state.counters["ocpp/raw"] = ratio(ocpp_sum.per_s, raw_sum.per_s);
    state.counters["ws/raw"] = ratio(ws_sum.per_s, raw_sum.per_s);
    state.counters["best_ocpp/raw"] = best_ratio;
    state.counters["ocpp_rt/cpu_s"] = ocpp_sum.per_cpu_s / n;
    state.counters["ws_rt/cpu_s"] = ws_sum.per_cpu_s / n;
    state.counters["raw_rt/cpu_s"] = raw_sum.per_cpu_s / n;
    state.counters["cpu_ocpp/raw"] = ratio(ocpp_sum.per_cpu_s, raw_sum.per_cpu_s);
    state.counters["cpu_ws/raw"] = ratio(ws_sum.per_cpu_s, raw_sum.per_cpu_s);
    state.counters["req_B"] = static_cast<double>(ocpp_stack.request_text().size());
    state.counters["resp_B"] = static_cast<double>(ocpp_stack.response_text().size());
    state.counters["failed"] = static_cast<double>(ocpp_stack.failed() + ws_stack.failed() + raw_stack.failed());
    state.SetLabel("alternating " + std::to_string(kSlice.count()) + " s slices, 1 server + 1 client thread each");
}

BENCHMARK(BM_LoopbackRoundTrips)
    ->ArgName("connections")
    ->Arg(1000)
    ->Iterations(8)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

} // namespace

BENCHMARK_MAIN();
