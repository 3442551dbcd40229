// Server over websocketpp + Asio, ws and wss. One file on purpose: each TU including websocketpp costs 30-70 s.
#include <netinet/in.h>
#include <sys/socket.h>
#include <websocketpp/server.hpp>

#include <atomic>
#include <unordered_map>

#include "ocpp/net/detail/ws_common.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"

namespace ocpp::net {

namespace detail {
namespace {

using ServerRng = websocketpp::random::none::int_generator<std::uint32_t>;
struct PlainServerConfig
    : ConfigBase<PlainServerConfig, websocketpp::transport::asio::basic_socket::endpoint, ServerRng> {
    typedef DirectTransport<transport_config> transport_type;
};
struct TlsServerConfig : ConfigBase<TlsServerConfig, websocketpp::transport::asio::tls_socket::endpoint, ServerRng> {
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
        , log_(log) {
        ep_.get_elog().attach(&log_);
    }

    Server::DeferredHandshakeHook hook_;
    Server::OpenHandler on_open_;
    Server::RejectHandler on_reject_;
    HttpHandler on_http_;

    Result<void> listen();
    // Stops accepting and closes every session with 1001. With `detach`, no callback into user code follows
    // (the Server object is going away): handlers are dropped before the sessions are closed.
    void shutdown(bool detach);
    std::size_t connection_count() const { return active_; }
    std::uint16_t port() const { return port_; }

private:
    ConPtr con_of(Hdl hdl) {
        websocketpp::lib::error_code ec;
        return ep_.get_con_from_hdl(std::move(hdl), ec);
    }
    void install_handlers();
    void on_tcp_pre_init(Hdl hdl);
    void on_tcp_post_init(Hdl hdl);
    bool on_validate(Hdl hdl);
    bool refuse(const ConPtr& con, int status, std::string reason);
    // The hook's answer to an upgrade it did not decide at once (the 101 prepared by websocketpp is held meanwhile).
    void answer_later(const ConPtr& con, HandshakeDecision decision);
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
    std::shared_ptr<asio::ssl::context> tls_ctx_;
    std::unordered_map<std::uint64_t, std::weak_ptr<WsSessionBase>> sessions_;
    std::unordered_map<const void*, std::weak_ptr<typename Endpoint::connection_type>> undecided_; // deferred upgrades
    std::atomic<std::size_t> active_{0}; // read from any thread by connection_count()
    std::uint16_t port_ = 0;
    bool listening_ = false;
    bool shutting_down_ = false;
};

template <class Cfg> void ServerCore<Cfg>::install_handlers() {
    if constexpr (is_tls_v<Cfg>) {
        ep_.set_tls_init_handler([this](Hdl) { return tls_ctx_; });
        ep_.set_socket_init_handler([this](Hdl hdl, asio::ssl::stream<asio::ip::tcp::socket>& stream) {
            if (auto con = con_of(hdl)) {
                ConnState& st = state(con);
                st.owner = this->shared_from_this();
                st.tls = std::make_unique<TlsDiag>();
                attach_tls_diag(stream.native_handle(), st.tls.get());
            }
        });
    } else {
        ep_.set_socket_init_handler([this](Hdl hdl, asio::ip::tcp::socket&) {
            if (auto con = con_of(hdl)) {
                state(con).owner = this->shared_from_this();
            }
        });
    }
    ep_.set_tcp_pre_init_handler([this](Hdl hdl) { on_tcp_pre_init(std::move(hdl)); });
    ep_.set_tcp_post_init_handler([this](Hdl hdl) { on_tcp_post_init(std::move(hdl)); });
    ep_.set_validate_handler([this](Hdl hdl) { return on_validate(std::move(hdl)); });
    ep_.set_open_handler([this](Hdl hdl) { on_open(std::move(hdl)); });
    ep_.set_close_handler([this](Hdl hdl) { on_close(std::move(hdl)); });
    ep_.set_fail_handler([this](Hdl hdl) { on_fail(std::move(hdl)); });
    ep_.set_http_handler([this](Hdl hdl) { on_http(std::move(hdl)); });
    ep_.set_message_handler([this](Hdl hdl, typename Endpoint::message_ptr msg) {
        auto con = con_of(std::move(hdl));
        if (!con || !state(con).session) {
            return;
        }
        try {
            state(con).session->deliver(msg->get_payload());
        } catch (const std::exception& e) {
            log_.error("net.server", std::string("message handler threw: ") + e.what());
        }
    });
    ep_.set_pong_handler([this](Hdl hdl, std::string) {
        if (auto con = con_of(std::move(hdl))) {
            on_pong(con, static_cast<long>(cfg_.ping_interval.count()), static_cast<long>(cfg_.pong_timeout.count()));
        }
    });
}

template <class Cfg> Result<void> ServerCore<Cfg>::listen() {
    if (listening_) {
        return make_error("server is already listening");
    }
    if constexpr (is_tls_v<Cfg>) {
        auto ctx = make_server_ssl_ctx(*cfg_.tls);
        if (!ctx) {
            return ctx.error();
        }
        tls_ctx_ = std::make_shared<asio::ssl::context>(ctx.value());
    }
    websocketpp::lib::error_code ec;
    ep_.init_asio(static_cast<asio::io_context*>(loop_.native_handle()), ec);
    if (ec) {
        return make_error("cannot initialise the server: " + ec.message());
    }
    install_handlers();
    ep_.set_user_agent("ocppkit"); // the Server header; websocketpp would announce itself and its version
    ep_.set_open_handshake_timeout(static_cast<long>(cfg_.open_handshake_timeout.count()));
    ep_.set_close_handshake_timeout(static_cast<long>(cfg_.close_handshake_timeout.count()));
    ep_.set_max_message_size(cfg_.max_message_size);
    ep_.set_max_http_body_size(cfg_.max_http_body);
    ep_.set_reuse_addr(true);
    ep_.set_listen_backlog(4096);
    if (cfg_.reuse_port) {
        ep_.set_tcp_pre_bind_handler([](std::shared_ptr<asio::ip::tcp::acceptor> acceptor) {
            const int one = 1;
            if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
                return websocketpp::lib::error_code(errno, std::system_category());
            }
            return websocketpp::lib::error_code();
        });
    }
    asio::error_code aec;
    asio::ip::address address = asio::ip::make_address(cfg_.host, aec);
    if (aec) {
        asio::ip::tcp::resolver resolver(*static_cast<asio::io_context*>(loop_.native_handle()));
        auto results = resolver.resolve(cfg_.host, std::to_string(cfg_.port), aec);
        if (aec || results.empty()) {
            return make_error("cannot resolve listen host '" + cfg_.host + "': " + aec.message());
        }
        address = results.begin()->endpoint().address();
    }
    const std::string where = format_endpoint(address.to_string(), cfg_.port);
    ep_.listen(asio::ip::tcp::endpoint(address, cfg_.port), ec);
    if (ec) {
        return make_error("cannot listen on " + where + ": " + ec.message());
    }
    port_ = ep_.get_local_endpoint(aec).port();
    ep_.start_accept(ec);
    if (ec) {
        return make_error("cannot accept on " + where + ": " + ec.message());
    }
    listening_ = true;
    log_.info("net.server", std::string("listening on ") + (is_tls_v<Cfg> ? "wss://" : "ws://") +
                                format_endpoint(address.to_string(), port_));
    return {};
}

template <class Cfg> void ServerCore<Cfg>::shutdown(bool detach) {
    if (detach) {
        hook_ = nullptr;
        on_open_ = nullptr;
        on_reject_ = nullptr;
        on_http_ = nullptr;
        for (auto& [id, weak] : sessions_) {
            if (auto session = weak.lock()) {
                session->set_message_handler(nullptr);
                session->set_close_handler(nullptr);
            }
        }
    }
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    if (listening_) {
        websocketpp::lib::error_code ec;
        ep_.stop_listening(ec);
        listening_ = false;
    }
    auto undecided = std::move(undecided_);
    for (auto& [key, weak] : undecided) {
        if (auto con = weak.lock()) {
            answer_later(con, HandshakeDecision::refuse(503, "server is shutting down"));
        }
    }
    std::vector<std::weak_ptr<WsSessionBase>> sessions; // close() may erase from sessions_ synchronously
    for (auto& [id, weak] : sessions_) {
        sessions.push_back(weak);
    }
    for (auto& weak : sessions) {
        if (auto session = weak.lock()) {
            session->close(websocketpp::close::status::going_away, "server shutting down");
        }
    }
}

template <class Cfg> void ServerCore<Cfg>::on_tcp_pre_init(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    set_no_delay(con); // here, not in the socket init handler: the socket is open only now
    st.info = std::make_unique<HandshakeInfo>();
    st.info->tcp_accepted = SteadyClock::now();
    st.info->remote_address = remote_of(con);
    if constexpr (is_tls_v<Cfg>) {
        // websocketpp's own TLS timer is a compile-time constant; bound the TLS handshake by our setting.
        std::weak_ptr<typename Endpoint::connection_type> weak = con;
        const long ms = static_cast<long>(cfg_.open_handshake_timeout.count());
        st.timer = con->set_timer(ms, [weak, ms](const std::error_code& ec) {
            auto c = weak.lock();
            if (ec || !c || !state(c).info || state(c).info->tls_done != SteadyClock::time_point{}) {
                return;
            }
            state(c).tls->error = "no TLS handshake within " + std::to_string(ms) + " ms";
            asio::error_code ignored;
            c->get_raw_socket().cancel(ignored);
        });
    }
}

template <class Cfg> void ServerCore<Cfg>::on_tcp_post_init(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con || !state(con).info) {
        return;
    }
    ConnState& st = state(con);
    cancel_timer(st);
    if constexpr (is_tls_v<Cfg>) {
        SSL* ssl = ssl_of(*con);
        if (ssl != nullptr && SSL_is_init_finished(ssl) == 1) {
            st.info->tls_done = SteadyClock::now();
        }
        fill_tls_info(ssl, true, *st.info);
    }
}

template <class Cfg> bool ServerCore<Cfg>::on_validate(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return false;
    }
    ConnState& st = state(con);
    if (!st.info) {
        st.info = std::make_unique<HandshakeInfo>();
        st.info->remote_address = remote_of(con);
    }
    HandshakeInfo& info = *st.info;
    split_target(con->get_resource(), info.path, info.query);
    info.chargebox_id = chargebox_id_from_path(info.path).value_or("");
    for (const auto& [name, value] : con->get_request().get_headers()) {
        info.headers[to_lower(name)] = value;
    }
    info.offered_subprotocols = split_subprotocols(con->get_request_header("Sec-WebSocket-Protocol"));
    const std::string& authorization = con->get_request_header("Authorization");
    if (!authorization.empty()) {
        if (auto credentials = parse_basic_auth(authorization)) {
            info.basic_user = std::move(credentials->first);
            info.basic_password = std::move(credentials->second);
        }
    }
    if (shutting_down_) {
        return refuse(con, 503, "server is shutting down");
    }
    if (active_ >= cfg_.max_connections) {
        return refuse(con, 503, "connection limit reached (" + std::to_string(cfg_.max_connections) + ")");
    }
    std::string selected;
    for (const auto& wanted : cfg_.subprotocols) {
        for (const auto& offered : info.offered_subprotocols) {
            if (selected.empty() && offered == wanted) {
                selected = wanted;
            }
        }
    }
    if (!cfg_.subprotocols.empty() && selected.empty()) {
        return refuse(con, 400,
                      "client did not offer subprotocol " + join(cfg_.subprotocols) +
                          "; it offered: " + join(info.offered_subprotocols));
    }
    info.subprotocol = selected;
    // The hook answers now (the usual case) or later; a later answer finds the 101 held (see answer_later).
    struct Pending {
        bool in_hook = true;
        bool answered = false;
        HandshakeDecision decision;
    };
    auto pending = std::make_shared<Pending>();
    if (hook_) {
        std::weak_ptr<ServerCore> weak_core = this->shared_from_this();
        std::weak_ptr<typename Endpoint::connection_type> weak_con = con;
        HandshakeAnswer answer = [pending, weak_core, weak_con](HandshakeDecision decision) {
            if (pending->answered) {
                return;
            }
            pending->answered = true;
            if (pending->in_hook) {
                pending->decision = std::move(decision);
                return;
            }
            auto core = weak_core.lock();
            auto c = weak_con.lock();
            if (core && c) {
                core->answer_later(c, std::move(decision));
            }
        };
        try {
            hook_(info, answer);
        } catch (const std::exception& e) {
            log_.error("net.server", std::string("handshake hook threw: ") + e.what());
            answer(HandshakeDecision::refuse(500, "internal error"));
        }
        pending->in_hook = false;
        if (pending->answered && pending->decision.status != 0) {
            return refuse(con, pending->decision.status, pending->decision.reason);
        }
    } else {
        pending->answered = true;
    }
    websocketpp::lib::error_code ec;
    con->select_subprotocol(selected, ec);
    if (ec) {
        return refuse(con, 500, "cannot select subprotocol: " + ec.message());
    }
    st.accepted = true; // counted now, so that waiting upgrades count against max_connections
    ++active_;
    if (!pending->answered) {
        st.deferred = true;
        con->hold_handshake_write();
        undecided_.emplace(con.get(), con);
    }
    return true;
}

template <class Cfg> void ServerCore<Cfg>::answer_later(const ConPtr& con, HandshakeDecision decision) {
    ConnState& st = state(con);
    undecided_.erase(con.get());
    if (!st.deferred || !con->handshake_write_held()) {
        return; // the connection failed meanwhile (handshake timeout, peer gone)
    }
    st.deferred = false;
    if (shutting_down_ && decision.status == 0) {
        decision = HandshakeDecision::refuse(503, "server is shutting down");
    }
    if (decision.status == 0) {
        con->release_handshake_write({});
        return;
    }
    st.accepted = false;
    --active_;
    try {
        for (const char* header : {"Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol"}) {
            con->remove_header(header);
        }
    } catch (const std::exception& e) {
        log_.warn("net.server", std::string("cannot clear the upgrade headers: ") + e.what());
    }
    refuse(con, decision.status, std::move(decision.reason));
    con->release_handshake_write(con->get_response().raw());
}

template <class Cfg> bool ServerCore<Cfg>::refuse(const ConPtr& con, int status, std::string reason) {
    ConnState& st = state(con);
    st.reported = true;
    if (status < 300 || status > 599) {
        status = 500;
    }
    try {
        con->set_status(static_cast<websocketpp::http::status_code::value>(status));
        if (status == 401) {
            con->append_header("WWW-Authenticate", "Basic realm=\"OCPP\"");
        }
        con->append_header("Content-Type", "text/plain; charset=utf-8");
        con->set_body(reason);
    } catch (const std::exception& e) {
        log_.warn("net.server", std::string("cannot set refusal response: ") + e.what());
    }
    log_.info("net.server", "refused WebSocket upgrade from " + st.info->remote_address + " to " + st.info->path +
                                ": " + std::to_string(status) + " " + reason);
    report(RejectedHandshake{*st.info, status, std::move(reason)});
    return false;
}

template <class Cfg> void ServerCore<Cfg>::on_open(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    HandshakeInfo info = st.info ? std::move(*st.info) : HandshakeInfo{};
    st.info.reset();
    info.opened = SteadyClock::now();
    auto session = std::make_shared<WsSession<Cfg>>(std::move(info), loop_, cfg_.max_outbound_queue, con);
    st.session = session;
    sessions_.emplace(session->id(), session);
    arm_keepalive(con, static_cast<long>(cfg_.ping_interval.count()), static_cast<long>(cfg_.pong_timeout.count()));
    log_.debug("net.server", "session " + std::to_string(session->id()) + " open: '" + session->info().chargebox_id +
                                 "' from " + session->info().remote_address);
    if (on_open_) {
        try {
            on_open_(session);
        } catch (const std::exception& e) {
            log_.error("net.server", std::string("open handler threw: ") + e.what());
        }
    }
}

template <class Cfg> void ServerCore<Cfg>::on_close(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    cancel_timer(st);
    if (st.accepted) {
        st.accepted = false;
        --active_;
    }
    auto session = std::move(st.session);
    if (!session) {
        return;
    }
    sessions_.erase(session->id());
    CloseInfo info = close_info_of(con, st, session->closing_by_us());
    const std::string who = "session " + std::to_string(session->id()) + " ('" + session->info().chargebox_id +
                            "' from " + session->info().remote_address + ")";
    if (!info.by_peer && info.code == websocketpp::close::status::message_too_big) {
        info.reason = "incoming message exceeds max_message_size (" + std::to_string(cfg_.max_message_size) + " bytes)";
        log_.warn("net.server", who + " closed with 1009: " + info.reason);
    } else {
        log_.debug("net.server", who + " closed: " + std::to_string(info.code) + " " + info.reason +
                                     (info.by_peer ? " (by peer)" : ""));
    }
    try {
        session->finish(info);
    } catch (const std::exception& e) {
        log_.error("net.server", std::string("close handler threw: ") + e.what());
    }
}

template <class Cfg> void ServerCore<Cfg>::on_fail(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    cancel_timer(st);
    if (st.accepted) {
        st.accepted = false;
        --active_;
    }
    const bool undecided = st.deferred;
    if (undecided) {
        st.deferred = false;
        con->drop_handshake_write();
        undecided_.erase(con.get());
    }
    const auto ec = con->get_ec();
    if (st.reported || !st.info || ec == websocketpp::error::http_connection_ended) {
        return; // already reported, never accepted (listener closed), or a plain HTTP exchange
    }
    st.reported = true;
    const int status = con->get_response_code();
    const bool plain_http = !con->get_request().get_method().empty() && con->get_request_header("Upgrade").empty();
    RejectedHandshake rejected{std::move(*st.info), status, {}};
    st.info.reset();
    const bool tls_failed = is_tls_v<Cfg> && rejected.info.tls_done == SteadyClock::time_point{};
    if (tls_failed) {
        rejected.reason = "TLS handshake failed: " + describe_tls_failure(ssl_of(*con), *st.tls);
    } else if (ec == websocketpp::error::open_handshake_timeout && undecided) {
        rejected.reason = "the upgrade was not decided within " + std::to_string(cfg_.open_handshake_timeout.count()) +
                          " ms (the server was still checking the credentials)";
    } else if (ec == websocketpp::error::open_handshake_timeout) {
        rejected.reason =
            "no WebSocket upgrade request within " + std::to_string(cfg_.open_handshake_timeout.count()) + " ms";
    } else {
        const auto tec = con->get_transport_ec();
        rejected.reason = ec.message() + (tec && tec.message() != ec.message() ? " (" + tec.message() + ")" : "");
        if (status >= 400) {
            rejected.reason = "bad request: " + rejected.reason;
        }
    }
    if (plain_http) {
        log_.debug("net.server", "HTTP request from " + rejected.info.remote_address +
                                     " failed: " + std::to_string(status) + " " + rejected.reason);
        return;
    }
    log_.info("net.server", "connection from " + rejected.info.remote_address + " failed: " + rejected.reason);
    report(rejected);
}

// One answer per request, now or later (websocketpp's deferred HTTP response), always on the loop thread.
template <class ConPtr> struct HttpReply {
    ConPtr con;
    const Logger* log;
    bool deferred = false;
    bool done = false;
    void answer(HttpResponse response) {
        if (done) {
            return;
        }
        done = true;
        auto c = std::move(con);
        try {
            c->set_status(static_cast<websocketpp::http::status_code::value>(response.status));
            for (const auto& [name, value] : response.headers) {
                c->append_header(name, value);
            }
            c->set_body(response.body);
        } catch (const std::exception& e) {
            log->warn("net.server", std::string("cannot send HTTP response: ") + e.what());
            return;
        }
        if (deferred) {
            websocketpp::lib::error_code ec;
            c->send_http_response(ec);
        }
    }
};

template <class Cfg> void ServerCore<Cfg>::on_http(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    HttpRequest request;
    request.method = con->get_request().get_method();
    split_target(con->get_resource(), request.path, request.query);
    for (const auto& [name, value] : con->get_request().get_headers()) {
        request.headers.emplace_back(to_lower(name), value);
    }
    request.body = con->get_request_body();
    request.remote_address = state(con).info ? state(con).info->remote_address : remote_of(con);
    auto reply = std::make_shared<HttpReply<ConPtr>>(HttpReply<ConPtr>{con, &log_});
    if (!on_http_) {
        reply->answer(HttpResponse{404, {{"Content-Type", "text/plain"}}, "not found\n"});
        return;
    }
    try {
        on_http_(request, [reply](HttpResponse response) { reply->answer(std::move(response)); });
    } catch (const std::exception& e) {
        log_.error("net.server", std::string("HTTP handler threw: ") + e.what());
        reply->answer(HttpResponse{500, {{"Content-Type", "text/plain"}}, "internal error\n"});
    }
    if (!reply->done) {
        reply->deferred = true;
        con->defer_http_response();
    }
}

template <class Cfg> class WsServer final : public Server {
public:
    WsServer(EventLoop& loop, ServerConfig config, const Logger& log)
        : core_(std::make_shared<ServerCore<Cfg>>(loop, std::move(config), log)) {}
    ~WsServer() override { core_->shutdown(true); }

    void set_handshake_hook(HandshakeHook hook) override {
        if (!hook) {
            core_->hook_ = nullptr;
            return;
        }
        core_->hook_ = [hook = std::move(hook)](const HandshakeInfo& info, HandshakeAnswer answer) {
            answer(hook(info));
        };
    }
    void set_deferred_handshake_hook(DeferredHandshakeHook hook) override { core_->hook_ = std::move(hook); }
    void set_open_handler(OpenHandler h) override { core_->on_open_ = std::move(h); }
    void set_reject_handler(RejectHandler h) override { core_->on_reject_ = std::move(h); }
    void set_http_handler(HttpHandler h) override { core_->on_http_ = std::move(h); }
    Result<void> listen() override { return core_->listen(); }
    std::uint16_t port() const override { return core_->port(); }
    void shutdown() override { core_->shutdown(false); }
    std::size_t connection_count() const override { return core_->connection_count(); }

private:
    std::shared_ptr<ServerCore<Cfg>> core_;
};

} // namespace
} // namespace detail

std::unique_ptr<Server> Server::create(EventLoop& loop, ServerConfig config, const Logger& log) {
    if (config.tls) {
        return std::make_unique<detail::WsServer<detail::TlsServerConfig>>(loop, std::move(config), log);
    }
    return std::make_unique<detail::WsServer<detail::PlainServerConfig>>(loop, std::move(config), log);
}

} // namespace ocpp::net
