#pragma once
// The server's core over websocketpp + Asio (internal: only ws_server.cpp includes this and ws_server_upgrade.hpp,
// so websocketpp is compiled once for the server). Threading: everything runs on the server's loop thread.
#include <netinet/in.h>
#include <sys/socket.h>
#include <websocketpp/server.hpp>

#include <atomic>
#include <deque>
#include <unordered_map>

#include "ocpp/net/detail/ws_common.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/system/file_limit.hpp"

namespace ocpp::net::detail {
namespace {

using ServerRng = websocketpp::random::none::int_generator<std::uint32_t>;
struct PlainServerConfig
    : ConfigBase<PlainServerConfig, websocketpp::transport::asio::basic_socket::endpoint, ServerRng> {
    typedef DirectTransport<transport_config> transport_type;
};
struct TlsServerConfig : ConfigBase<TlsServerConfig, tls_socket::endpoint, ServerRng> {
    typedef DirectTransport<transport_config> transport_type;
};

using Hdl = websocketpp::connection_hdl;
using SteadyClock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out.empty() ? "none" : out;
}

// The implementation lives in a shared core: every connection holds it, so it outlives the Server object until
// the last connection has finished (websocketpp binds raw endpoint pointers into pending operations).
template <class Cfg> class ServerCore : public std::enable_shared_from_this<ServerCore<Cfg>> {
public:
    using Endpoint = websocketpp::server<Cfg>;
    using ConPtr = typename Endpoint::connection_ptr;

    ServerCore(EventLoop& loop, ServerConfig config, const Logger& log)
        : loop_(loop)
        , cfg_(std::move(config))
        , log_(log)
        , max_connections_(cfg_.max_connections) {
        ep_.get_elog().attach(&log_);
    }

    Server::DeferredHandshakeHook hook_;
    Server::OpenHandler on_open_;
    Server::RejectHandler on_reject_;
    HttpHandler on_http_;
    HttpBodyLimit body_limit_; // read by every connection's request parser; the core outlives its connections

    Result<void> listen();
    // The context of a listening TLS server that verifies client certificates, else nullptr.
    SSL_CTX* client_verifying_ctx() const {
        return tls_ctx_ && cfg_.tls && !cfg_.tls->client_ca_file.empty() ? tls_ctx_.get() : nullptr;
    }
    // Stops accepting and closes every session with 1001. With `detach`, no callback into user code follows
    // (the Server object is going away): handlers are dropped before the sessions are closed.
    void shutdown(bool detach);
    std::size_t connection_count() const { return active_; }
    std::uint16_t port() const { return port_; }

private:
    // The request parser asks body_limit_ once the request line and headers are in, and gives a large body time by
    // its size (websocketpp exposes the request only as const; the object itself is the connection's own member).
    void limit_body(const ConPtr& con) {
        const UploadPace pace{&con->timer_hold(), cfg_.open_handshake_timeout, UploadPace::kMinUploadRate};
        const_cast<typename Cfg::request_type&>(con->get_request())
            .set_body_limit(body_limit_ ? &body_limit_ : nullptr, pace);
    }
    ConPtr con_of(Hdl hdl) {
        websocketpp::lib::error_code ec;
        return ep_.get_con_from_hdl(std::move(hdl), ec);
    }
    void install_handlers();
    // Lowers max_connections (and says so) to what fits under the process' open-file limit with kReservedFiles
    // descriptors kept free for the database, logs and plain HTTP requests (such as /healthz), which then still get a
    // descriptor when chargers take all they may.
    void fit_connections_to_file_limit();
    static constexpr std::size_t kReservedFiles = 64;
    // Our accept loop in place of websocketpp's, which retries at once after a failure: out of descriptors (EMFILE,
    // ENFILE) that spins on a connection it cannot take. Here a failure waits for a timer, doubling up to 1 s.
    void accept_next();
    void on_accept(const ConPtr& con, const websocketpp::lib::error_code& ec);
    // Out of descriptors, the oldest connection that has not sent its request yet is dropped, so that a peer that
    // opens connections and stays silent cannot keep /healthz and the chargers out until its connections time out.
    bool drop_oldest_silent();
    // With proxy_protocol: the connection's PROXY header is read (a trusted proxy) or refused (anyone else) before
    // websocketpp starts on it (ws_server_preface.hpp).
    void start_preface(const ConPtr& con, asio::ip::tcp::socket& socket, std::function<void(bool)> go);
    void install_preface(const ConPtr& con) {
        if (!cfg_.proxy_protocol) {
            return;
        }
        std::weak_ptr<typename Endpoint::connection_type> weak = con;
        con->set_preface([this, weak](asio::ip::tcp::socket& socket, std::function<void(bool)> go) {
            if (auto c = weak.lock()) {
                start_preface(c, socket, std::move(go));
            } else {
                go(false);
            }
        });
    }
    // Whether a connection's X-Forwarded-For (and -Proto) is judged at all: never behind a PROXY header. The header
    // named the client (or, for a health check or UNKNOWN, nobody); what the client wrote after it is its own words,
    // even when its address lies in a trusted range (a broad range can hold chargers too).
    static bool headers_judged(const ConnState& st) { return st.proxy_address.empty(); }
    // The open-handshake timeout left of what the preface used (all of it without one), at least 1 ms.
    long handshake_ms_left(const ConnState& st) const {
        const auto used = st.info ? SteadyClock::now() - st.info->tcp_accepted : SteadyClock::duration{0};
        const auto left = cfg_.open_handshake_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(used);
        return std::max<long>(1, static_cast<long>(left.count()));
    }
    void on_tcp_pre_init(Hdl hdl);
    void on_tcp_post_init(Hdl hdl);
    bool on_validate(Hdl hdl);
    bool refuse(const ConPtr& con, int status, std::string reason, int retry_after = 0);
    // The hook's answer to an upgrade it did not decide at once (the 101 prepared by websocketpp is held meanwhile).
    void answer_later(const ConPtr& con, HandshakeDecision decision);
    // A connection ends (closed, or failed before it opened): its timer stops and it no longer counts.
    void release(ConnState& st) {
        cancel_timer(st);
        if (st.accepted) {
            st.accepted = false;
            --active_;
        }
    }
    void on_open(Hdl hdl);
    void on_close(Hdl hdl);
    void on_fail(Hdl hdl);
    void on_http(Hdl hdl);
    void report(const RejectedHandshake& rejected) {
        if (on_reject_) {
            try {
                on_reject_(rejected);
            } catch (const std::exception& e) {
                log_.error("net.server", std::string("reject handler threw: ") + e.what());
            }
        }
    }

    EventLoop& loop_;
    ServerConfig cfg_;
    Logger log_; // a copy: the core may outlive the caller's logger
    Endpoint ep_;
    SslCtxPtr tls_ctx_;
    std::unordered_map<std::uint64_t, std::weak_ptr<WsSessionBase>> sessions_;
    std::unordered_map<const void*, std::weak_ptr<typename Endpoint::connection_type>> undecided_; // deferred upgrades
    std::atomic<std::size_t> active_{0}; // read from any thread by connection_count()
    std::size_t max_connections_ = 0;    // cfg_.max_connections, or lower to fit the open-file limit
    std::unique_ptr<asio::steady_timer> accept_timer_;
    std::chrono::milliseconds accept_delay_{0}; // the wait before the next attempt after a failure
    std::size_t accept_failures_ = 0;           // since the last warning about them
    std::size_t silent_dropped_ = 0;            // since the last warning about accept failures
    SteadyClock::time_point last_accept_warning_{};
    // Accepted connections, oldest first, that may not have sent their request yet (checked when looked at).
    std::deque<std::weak_ptr<typename Endpoint::connection_type>> silent_;
    std::uint16_t port_ = 0;
    bool listening_ = false;
    bool shutting_down_ = false;
};

} // namespace
} // namespace ocpp::net::detail
