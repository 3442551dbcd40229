// Server over websocketpp + Asio, ws and wss. One translation unit on purpose (each that includes websocketpp costs
// 30-70 s to compile): the core's class and its upgrade path are in detail/ws_server_core.hpp and
// detail/ws_server_upgrade.hpp; the handlers' wiring, listening, open sessions and plain HTTP are here.
#include "ocpp/net/detail/http_stream.hpp"
#include "ocpp/net/detail/ws_server_core.hpp"
#include "ocpp/net/detail/ws_server_preface.hpp"
#include "ocpp/net/detail/ws_server_upgrade.hpp"

namespace ocpp::net {

namespace detail {
namespace {

template <class Cfg> void ServerCore<Cfg>::install_handlers() {
    if constexpr (is_tls_v<Cfg>) {
        ep_.set_tls_init_handler([this](Hdl) { return tls_ctx_; });
        ep_.set_socket_init_handler([this](Hdl hdl, TlsStream& stream) {
            if (auto con = con_of(hdl)) {
                ConnState& st = state(con);
                st.owner = this->shared_from_this();
                limit_body(con);
                if (stream.native_handle() != nullptr) { // the second call, after the accept (tls_socket.hpp)
                    st.tls = std::make_unique<TlsDiag>();
                    attach_tls_diag(stream.native_handle(), st.tls.get());
                } else {
                    install_preface(con);
                }
            }
        });
    } else {
        ep_.set_socket_init_handler([this](Hdl hdl, asio::ip::tcp::socket&) {
            if (auto con = con_of(hdl)) {
                state(con).owner = this->shared_from_this();
                limit_body(con);
                install_preface(con);
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
    set_session_handlers(
        ep_, [this](Hdl hdl) { return con_of(std::move(hdl)); }, log_, "net.server",
        static_cast<long>(cfg_.ping_interval.count()), static_cast<long>(cfg_.pong_timeout.count()));
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
        tls_ctx_ = share_ssl_ctx(ctx.value());
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
            return make_error(ErrorKind::Io, "cannot resolve listen host '" + cfg_.host + "': " + aec.message());
        }
        address = results.begin()->endpoint().address();
    }
    const std::string where = format_endpoint(address.to_string(), cfg_.port);
    ep_.listen(asio::ip::tcp::endpoint(address, cfg_.port), ec);
    if (ec) {
        return make_error(ErrorKind::Io, "cannot listen on " + where + ": " + ec.message());
    }
    port_ = ep_.get_local_endpoint(aec).port();
    listening_ = true;
    fit_connections_to_file_limit();
    accept_timer_ = std::make_unique<asio::steady_timer>(*static_cast<asio::io_context*>(loop_.native_handle()));
    accept_next();
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
        body_limit_ = nullptr; // a request still being read keeps max_http_body
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
    if (accept_timer_) {
        accept_timer_->cancel();
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
    release(st);
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
        if (response.stream) {
            std::make_shared<HttpStreamWriter<ConPtr>>(std::move(c), std::move(response), *log)->start();
            return;
        }
        try {
            c->set_status(static_cast<websocketpp::http::status_code::value>(response.status));
            for (const auto& [name, value] : response.headers) {
                c->append_header(name, value);
            }
            // websocketpp ends a plain HTTP connection after one answer; saying so keeps a client that pools its
            // connections (Node's fetch, Python's http.client) from sending its next request into the closing socket.
            c->replace_header("Connection", "close");
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
    state(con).requested = true;
    HttpRequest request;
    request.method = con->get_request().get_method();
    split_target(con->get_resource(), request.path, request.query);
    for (const auto& [name, value] : con->get_request().get_headers()) {
        request.headers.emplace_back(to_lower(name), value);
    }
    request.body = con->get_request_body();
    request.peer_address = state(con).info ? state(con).info->peer_address : remote_of(con);
    // Behind a PROXY header that named no client (a health check) no forwarded header is anybody's we know.
    const bool judged = headers_judged(state(con));
    request.remote_address =
        judged ? cfg_.trusted_proxies.remote_address(request.peer_address, request.header("x-forwarded-for"))
               : request.peer_address;
    request.secure = cfg_.tls.has_value();
    request.from_trusted_proxy =
        judged && !cfg_.trusted_proxies.empty() && cfg_.trusted_proxies.contains(endpoint_host(request.peer_address));
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
    void set_http_body_limit(HttpBodyLimit limit) override { core_->body_limit_ = std::move(limit); }
    Result<void> listen() override { return core_->listen(); }
    std::uint16_t port() const override { return core_->port(); }
    void shutdown() override { core_->shutdown(false); }
    std::size_t connection_count() const override { return core_->connection_count(); }
    Result<void> replace_client_cas(const std::vector<std::string>& ca_pems) override {
        if (SSL_CTX* ctx = core_->client_verifying_ctx()) {
            return set_client_ca_store(ctx, ca_pems);
        }
        return Server::replace_client_cas(ca_pems);
    }

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
