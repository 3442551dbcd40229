#pragma once
// The client's core over websocketpp + Asio (internal: only ws_client.cpp includes it, so websocketpp is compiled
// once for the client): connect attempts, the transport that binds a source address, and the ClientCore class.
// Threading: everything runs on the client's loop thread.
#include <netinet/in.h>
#include <sys/socket.h>
#include <websocketpp/client.hpp>

#include <atomic>
#include <unordered_map>

#include "ocpp/net/client.hpp"
#include "ocpp/net/detail/ws_common.hpp"
#include "ocpp/net/event_loop.hpp"

namespace ocpp::net::detail {
namespace {

using Hdl = websocketpp::connection_hdl;
using SteadyClock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

// One connection attempt, until its handler has run.
struct Attempt {
    Client::ConnectHandler on_done;
    std::vector<std::string> subprotocols;
    std::string where; // "host:port"
    std::string source_address;
    long timeout_ms = 0;
    const char* stage = "TCP connect";
    asio::error_code connect_error; // why the TCP connect failed (or the source address could not be bound)
    bool bind_failed = false;
};

template <class ConT> std::shared_ptr<Attempt> attempt_of(ConT& con) {
    return std::static_pointer_cast<Attempt>(static_cast<ConnState&>(con).attempt);
}

// websocketpp's Asio transport, with our own TCP connect: it binds the socket to a source address first (so many
// 127.x addresses can be used beyond ~28k ports per address), which websocketpp's range connect cannot do.
// Timeouts come from the attempt's deadline timer, not from websocketpp's compile-time connect timeouts.
template <class Cfg> class BindingTransport : public DirectTransport<typename Cfg::transport_config> {
    using Base = websocketpp::transport::asio::endpoint<typename Cfg::transport_config>;
    using TconPtr = typename Base::transport_con_ptr;
    using Callback = websocketpp::transport::connect_handler;

protected:
    void async_connect(TconPtr tcon, websocketpp::uri_ptr uri, Callback cb) {
        tcon->set_uri(uri);
        asio::error_code ec;
        const auto address = asio::ip::make_address(uri->get_host(), ec);
        if (!ec) {
            connect_to(std::move(tcon), {tcp::endpoint(address, uri->get_port())}, 0, std::move(cb));
            return;
        }
        if (!resolver_) {
            resolver_ = std::make_unique<tcp::resolver>(this->get_io_service());
        }
        resolver_->async_resolve(uri->get_host(), uri->get_port_str(),
                                 [this, tcon, cb](const asio::error_code& rec, tcp::resolver::results_type results) {
                                     std::vector<tcp::endpoint> endpoints;
                                     for (const auto& entry : results) {
                                         endpoints.push_back(entry.endpoint());
                                     }
                                     if (rec || endpoints.empty()) {
                                         fail(tcon, rec ? rec : asio::error::host_not_found, false, cb);
                                         return;
                                     }
                                     connect_to(tcon, std::move(endpoints), 0, cb);
                                 });
    }

private:
    static websocketpp::connection<Cfg>& full(const TconPtr& tcon) {
        return static_cast<websocketpp::connection<Cfg>&>(*tcon);
    }
    void fail(const TconPtr& tcon, asio::error_code ec, bool bind_failed, const Callback& cb) {
        if (auto attempt = attempt_of(full(tcon))) {
            attempt->connect_error = ec;
            attempt->bind_failed = bind_failed;
        }
        cb(ec);
    }
    void connect_to(TconPtr tcon, std::vector<tcp::endpoint> endpoints, std::size_t index, Callback cb) {
        auto attempt = attempt_of(full(tcon));
        if (!attempt) { // timed out or abandoned meanwhile
            cb(asio::error::operation_aborted);
            return;
        }
        auto& socket = tcon->get_raw_socket();
        asio::error_code ec;
        socket.close(ec);
        socket.open(endpoints[index].protocol(), ec);
        if (ec) {
            fail(tcon, ec, false, cb);
            return;
        }
        if (!attempt->source_address.empty()) {
            const auto source = asio::ip::make_address(attempt->source_address, ec);
            if (!ec) {
                // Let connect() pick the port, so the same port can serve several destinations.
                const int one = 1;
                ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
                socket.bind(tcp::endpoint(source, 0), ec);
            }
            if (ec) {
                fail(tcon, ec, true, cb);
                return;
            }
        }
        const tcp::endpoint target = endpoints[index];
        socket.async_connect(
            target, [this, tcon, endpoints = std::move(endpoints), index, cb](const asio::error_code& cec) mutable {
                if (!cec || cec == asio::error::operation_aborted) {
                    cb(cec);
                } else if (index + 1 < endpoints.size()) {
                    connect_to(tcon, std::move(endpoints), index + 1, cb);
                } else {
                    fail(tcon, cec, false, cb);
                }
            });
    }

    std::unique_ptr<tcp::resolver> resolver_;
};

using ClientRng = websocketpp::random::random_device::int_generator<std::uint32_t, websocketpp::concurrency::none>;
struct PlainClientConfig
    : ConfigBase<PlainClientConfig, websocketpp::transport::asio::basic_socket::endpoint, ClientRng> {
    typedef BindingTransport<PlainClientConfig> transport_type;
};
struct TlsClientConfig : ConfigBase<TlsClientConfig, tls_socket::endpoint, ClientRng> {
    typedef BindingTransport<TlsClientConfig> transport_type;
};

// Shared by all connections of one kind (ws or wss); each connection holds it (see ServerCore for why).
template <class Cfg> class ClientCore : public std::enable_shared_from_this<ClientCore<Cfg>> {
public:
    using Endpoint = websocketpp::client<Cfg>;
    using ConPtr = typename Endpoint::connection_ptr;
    using Con = typename Endpoint::connection_type;

    ClientCore(EventLoop& loop, const ClientConfig& config, const Logger& log, SSL_CTX* ctx)
        : loop_(loop)
        , cfg_(config)
        , log_(log) {
        ep_.get_elog().attach(&log_);
        if (ctx != nullptr) {
            tls_ctx_ = share_ssl_ctx(ctx);
        }
    }

    Result<void> init();
    void connect(const WsUrl& url, const ConnectOptions& options, Client::ConnectHandler on_done);
    // Drops every handler into user code, abandons pending attempts and closes open sessions (1001).
    void detach();
    std::size_t open_count() const { return open_; }

private:
    ConPtr con_of(Hdl hdl) {
        websocketpp::lib::error_code ec;
        return ep_.get_con_from_hdl(std::move(hdl), ec);
    }
    void finish(Con& con, SessionPtr session, std::optional<ConnectError> error) {
        auto attempt = attempt_of(con);
        if (!attempt) {
            return;
        }
        state_of(con).attempt.reset();
        auto handler = std::move(attempt->on_done);
        if (!handler) {
            return;
        }
        try {
            handler(std::move(session), std::move(error));
        } catch (const std::exception& e) {
            log_.error("net.client", std::string("connect handler threw: ") + e.what());
        }
    }
    static ConnState& state_of(Con& con) { return static_cast<ConnState&>(con); }
    void on_deadline(Con& con);
    void on_open(Hdl hdl);
    void on_close(Hdl hdl);
    void on_fail(Hdl hdl);
    ConnectError classify(Con& con, Attempt& attempt);

    EventLoop& loop_;
    ClientConfig cfg_;
    Logger log_;
    Endpoint ep_;
    MaskKeys masks_; // masking keys of our data frames
    SslCtxPtr tls_ctx_;
    std::unordered_map<const void*, std::weak_ptr<Con>> live_; // attempts and open sessions
    std::atomic<std::size_t> open_{0};                         // read from any thread by connection_count()
    bool detached_ = false;
};

} // namespace
} // namespace ocpp::net::detail
