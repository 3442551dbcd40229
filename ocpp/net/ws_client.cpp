// Client over websocketpp + Asio, ws and wss. One translation unit on purpose (each that includes websocketpp costs
// 30-70 s to compile): the core's class is in detail/ws_client_core.hpp; connecting, opening, closing and the
// classification of failed attempts are here.
#include "ocpp/net/detail/ws_client_core.hpp"

namespace ocpp::net {

namespace detail {
namespace {

template <class Cfg> Result<void> ClientCore<Cfg>::init() {
    websocketpp::lib::error_code ec;
    ep_.init_asio(static_cast<asio::io_context*>(loop_.native_handle()), ec);
    if (ec) {
        return make_error("cannot initialise the client: " + ec.message());
    }
    ep_.set_user_agent("ocppkit");
    ep_.set_max_message_size(cfg_.max_message_size);
    ep_.set_close_handshake_timeout(2000);
    if constexpr (is_tls_v<Cfg>) {
        ep_.set_tls_init_handler([this](Hdl) { return tls_ctx_; });
        ep_.set_socket_init_handler([this](Hdl hdl, TlsStream& stream) {
            if (auto con = con_of(std::move(hdl))) {
                state(con).owner = this->shared_from_this();
                state(con).tls = std::make_unique<TlsDiag>();
                attach_tls_diag(stream.native_handle(), state(con).tls.get());
            }
        });
    } else {
        ep_.set_socket_init_handler([this](Hdl hdl, tcp::socket&) {
            if (auto con = con_of(std::move(hdl))) {
                state(con).owner = this->shared_from_this();
            }
        });
    }
    ep_.set_tcp_pre_init_handler([this](Hdl hdl) {
        auto con = con_of(std::move(hdl));
        if (!con || !state(con).info) {
            return;
        }
        set_no_delay(con);
        state(con).info->remote_address = remote_of(con);
        state(con).info->tcp_accepted = SteadyClock::now();
        if (auto attempt = attempt_of(*con)) {
            attempt->stage = is_tls_v<Cfg> ? "TLS handshake" : "WebSocket upgrade";
        }
        if constexpr (is_tls_v<Cfg>) {
            set_expected_peer_name(ssl_of(*con), con->get_host());
        }
    });
    ep_.set_tcp_post_init_handler([this](Hdl hdl) {
        auto con = con_of(std::move(hdl));
        if (!con || !state(con).info) {
            return;
        }
        if (auto attempt = attempt_of(*con)) {
            attempt->stage = "WebSocket upgrade";
        }
        if constexpr (is_tls_v<Cfg>) {
            SSL* ssl = ssl_of(*con);
            if (ssl != nullptr && SSL_is_init_finished(ssl) == 1) {
                state(con).info->tls_done = SteadyClock::now();
            }
            fill_tls_info(ssl, false, *state(con).info);
        }
    });
    ep_.set_open_handler([this](Hdl hdl) { on_open(std::move(hdl)); });
    ep_.set_close_handler([this](Hdl hdl) { on_close(std::move(hdl)); });
    ep_.set_fail_handler([this](Hdl hdl) { on_fail(std::move(hdl)); });
    set_session_handlers(
        ep_, [this](Hdl hdl) { return con_of(std::move(hdl)); }, log_, "net.client",
        static_cast<long>(cfg_.ping_interval.count()), static_cast<long>(cfg_.pong_timeout.count()));
    return {};
}

template <class Cfg>
void ClientCore<Cfg>::connect(const WsUrl& url, const ConnectOptions& options, Client::ConnectHandler on_done) {
    const bool v6 = url.host.find(':') != std::string::npos;
    const std::string text = std::string(url.secure ? "wss://" : "ws://") + (v6 ? "[" + url.host + "]" : url.host) +
                             ":" + std::to_string(url.port) + url.target;
    auto fail_later = [this, &on_done](ConnectError::Kind kind, std::string message) {
        loop_.post([self = this->shared_from_this(), handler = std::move(on_done), kind, message = std::move(message)] {
            if (!self->detached_) {
                handler(nullptr, ConnectError{kind, 0, message});
            }
        });
    };
    websocketpp::lib::error_code ec;
    ConPtr con = ep_.get_connection(text, ec);
    if (ec || !con) {
        fail_later(ConnectError::Kind::BadUrl, "invalid URL '" + options.url + "': " + ec.message());
        return;
    }
    if constexpr (is_tls_v<Cfg>) {
        if (options.tls) {
            if (auto r = apply_connection_tls(ssl_of(*con), *options.tls); !r) {
                fail_later(ConnectError::Kind::Tls, r.error().message);
                return;
            }
        }
    }
    auto attempt = std::make_shared<Attempt>();
    attempt->subprotocols = options.subprotocols;
    attempt->where = format_endpoint(url.host, url.port);
    attempt->source_address = options.source_address;
    attempt->timeout_ms = static_cast<long>(options.open_handshake_timeout.count());
    ConnState& st = state(con);
    st.info = std::make_unique<HandshakeInfo>();
    split_target(url.target, st.info->path, st.info->query);
    st.info->chargebox_id = chargebox_id_from_path(st.info->path).value_or("");
    st.info->offered_subprotocols = options.subprotocols;
    st.info->basic_user = options.basic_user;
    for (const auto& subprotocol : options.subprotocols) {
        con->add_subprotocol(subprotocol, ec);
        if (ec) {
            fail_later(ConnectError::Kind::Other, "cannot offer subprotocol '" + subprotocol + "': " + ec.message());
            return;
        }
    }
    try {
        if (options.basic_user) {
            const std::string credentials = *options.basic_user + ":" + options.basic_password.value_or("");
            con->append_header("Authorization", "Basic " + base64_encode(credentials));
        }
    } catch (const std::exception& e) {
        fail_later(ConnectError::Kind::Other, std::string("cannot prepare the request: ") + e.what());
        return;
    }
    attempt->on_done = std::move(on_done);
    st.attempt = attempt;
    con->set_open_handshake_timeout(attempt->timeout_ms);
    std::weak_ptr<Con> weak = con;
    st.timer = con->set_timer(attempt->timeout_ms, [this, weak](const std::error_code& tec) {
        if (auto c = weak.lock(); c && !tec) {
            on_deadline(*c);
        }
    });
    live_[con.get()] = con;
    ep_.connect(con);
}

template <class Cfg> void ClientCore<Cfg>::on_deadline(Con& con) {
    auto attempt = attempt_of(con);
    if (!attempt) {
        return;
    }
    finish(con, nullptr,
           ConnectError{ConnectError::Kind::Timeout, 0,
                        "no WebSocket connection to " + attempt->where + " within " +
                            std::to_string(attempt->timeout_ms) + " ms (stuck in " + attempt->stage + ")"});
    asio::error_code ignored;
    con.get_raw_socket().close(ignored); // aborts a pending connect, TLS handshake or read at once
    con.terminate(websocketpp::transport::error::make_error_code(websocketpp::transport::error::timeout));
}

template <class Cfg> void ClientCore<Cfg>::on_open(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    cancel_timer(st);
    auto attempt = attempt_of(*con);
    if (!attempt) { // abandoned
        con->terminate(websocketpp::lib::error_code());
        return;
    }
    const std::string selected = con->get_response_header("Sec-WebSocket-Protocol");
    const auto& offered = attempt->subprotocols;
    if (!offered.empty() && std::find(offered.begin(), offered.end(), selected) == offered.end()) {
        std::string list;
        for (const auto& item : offered) {
            list += (list.empty() ? "" : ", ") + item;
        }
        finish(*con, nullptr,
               ConnectError{ConnectError::Kind::NoSubprotocol, 101,
                            selected.empty()
                                ? "server " + attempt->where + " selected no subprotocol (offered: " + list + ")"
                                : "server " + attempt->where + " selected subprotocol '" + selected +
                                      "' which was not offered (offered: " + list + ")"});
        websocketpp::lib::error_code ec;
        con->close(websocketpp::close::status::protocol_error, "subprotocol not negotiated", ec);
        return;
    }
    HandshakeInfo info = std::move(*st.info);
    st.info.reset();
    info.subprotocol = selected;
    for (const auto& [name, value] : con->get_response().get_headers()) {
        info.headers[to_lower(name)] = value;
    }
    info.opened = SteadyClock::now();
    auto session = std::make_shared<WsSession<Cfg>>(std::move(info), loop_, cfg_.max_outbound_queue, con, &masks_);
    st.session = session;
    ++open_;
    arm_keepalive(con, static_cast<long>(cfg_.ping_interval.count()), static_cast<long>(cfg_.pong_timeout.count()));
    finish(*con, session, std::nullopt);
}

template <class Cfg> void ClientCore<Cfg>::on_close(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    cancel_timer(st);
    live_.erase(con.get());
    auto session = std::move(st.session);
    if (!session) {
        return;
    }
    --open_;
    CloseInfo info = close_info_of(con, st, session->closing_by_us());
    if (!info.by_peer && info.code == websocketpp::close::status::message_too_big) {
        info.reason = "incoming message exceeds max_message_size (" + std::to_string(cfg_.max_message_size) + " bytes)";
        log_.warn("net.client", "session " + std::to_string(session->id()) + " closed with 1009: " + info.reason);
    }
    try {
        session->finish(info);
    } catch (const std::exception& e) {
        log_.error("net.client", std::string("close handler threw: ") + e.what());
    }
}

template <class Cfg> void ClientCore<Cfg>::on_fail(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    cancel_timer(state(con));
    live_.erase(con.get());
    if (auto attempt = attempt_of(*con)) {
        ConnectError error = classify(*con, *attempt);
        log_.debug("net.client", "connection to " + attempt->where + " failed: " + error.message);
        finish(*con, nullptr, std::move(error));
    }
}

template <class Cfg> ConnectError ClientCore<Cfg>::classify(Con& con, Attempt& attempt) {
    using Kind = ConnectError::Kind;
    const auto ec = con.get_ec();
    const auto& cec = attempt.connect_error;
    if (attempt.bind_failed) {
        return {Kind::Other, 0, "cannot bind source address " + attempt.source_address + ": " + cec.message()};
    }
    if (cec == asio::error::connection_refused) {
        return {Kind::Refused, 0, "connection refused by " + attempt.where};
    }
    if (cec == asio::error::timed_out) {
        return {Kind::Timeout, 0, "TCP connect to " + attempt.where + " timed out"};
    }
    if (cec.category() == asio::error::get_netdb_category() || cec == asio::error::host_not_found) {
        return {Kind::Other, 0, "cannot resolve " + attempt.where + ": " + cec.message()};
    }
    if (cec) {
        return {Kind::Other, 0, "TCP connect to " + attempt.where + " failed: " + cec.message()};
    }
    const int status = con.get_response_code();
    const auto tec = con.get_transport_ec();
    if constexpr (is_tls_v<Cfg>) {
        const ConnState& st = static_cast<ConnState&>(con);
        const bool handshake_failed = st.info != nullptr && st.info->tls_done == SteadyClock::time_point{};
        // With TLS 1.3 a server refuses a client certificate only after the client's handshake has finished.
        const bool ssl_error = tec && tec.category() == asio::error::get_ssl_category();
        if (handshake_failed || ssl_error || (!st.tls->alert.empty() && status == 0)) {
            TlsDiag diag = *st.tls;
            if (diag.error.empty() && ssl_error) {
                diag.error = tec.message();
            }
            SSL* ssl = ssl_of(con);
            const bool untrusted = ssl != nullptr && SSL_get_verify_result(ssl) != X509_V_OK;
            return {Kind::Tls, 0, "TLS handshake with " + attempt.where + " failed: " + describe_tls_failure(ssl, diag),
                    untrusted};
        }
    }
    if (status != 0 && status != 101) {
        return {Kind::HttpStatus, status,
                "server " + attempt.where + " refused the WebSocket upgrade: HTTP " + std::to_string(status) + " " +
                    con.get_response_msg()};
    }
    if (ec == websocketpp::error::open_handshake_timeout) {
        return {Kind::Timeout, 0,
                "no WebSocket upgrade response from " + attempt.where + " within " +
                    std::to_string(attempt.timeout_ms) + " ms"};
    }
    if constexpr (!is_tls_v<Cfg>) {
        // A TLS server drops a plain HTTP request without an answer: the usual sign of ws:// where wss:// belongs.
        if (status == 0 && ec == websocketpp::transport::error::make_error_code(websocketpp::transport::error::eof)) {
            return {Kind::Other, 0,
                    "server " + attempt.where + " closed the connection without answering the WebSocket upgrade " +
                        "(End of File); if it serves TLS, use a wss:// URL"};
        }
    }
    return {Kind::Other, 0,
            "connection to " + attempt.where + " failed: " + ec.message() +
                (tec && tec.message() != ec.message() ? " (" + tec.message() + ")" : "")};
}

template <class Cfg> void ClientCore<Cfg>::detach() {
    detached_ = true;
    std::vector<std::shared_ptr<Con>> live;
    for (auto& [key, weak] : live_) {
        if (auto con = weak.lock()) {
            live.push_back(std::move(con));
        }
    }
    for (auto& con : live) {
        ConnState& st = state(con);
        if (auto attempt = attempt_of(*con)) {
            attempt->on_done = nullptr;
            st.attempt.reset();
            asio::error_code ignored;
            con->get_raw_socket().close(ignored);
            con->terminate(websocketpp::lib::error_code());
        } else if (st.session) {
            st.session->set_message_handler(nullptr);
            st.session->set_close_handler(nullptr);
            st.session->close(websocketpp::close::status::going_away, "client shutting down");
        }
    }
}

class WsClient final : public Client {
public:
    WsClient(EventLoop& loop, ClientConfig config, const Logger& log)
        : loop_(loop)
        , cfg_(std::move(config))
        , log_(log) {}
    ~WsClient() override {
        if (plain_) {
            plain_->detach();
        }
        if (tls_) {
            tls_->detach();
        }
    }

    void connect(const ConnectOptions& options, ConnectHandler on_done) override {
        WsUrl url;
        std::string reason;
        if (!parse_ws_url(options.url, url, reason)) {
            return fail_later(std::move(on_done), ConnectError::Kind::BadUrl,
                              "invalid URL '" + options.url + "': " + reason);
        }
        if (url.secure) {
            if (!tls_) {
                auto ctx = make_client_ssl_ctx(cfg_.tls.value_or(ClientTlsConfig{}));
                if (!ctx) {
                    return fail_later(std::move(on_done), ConnectError::Kind::Tls, ctx.error().message);
                }
                auto core = std::make_shared<ClientCore<TlsClientConfig>>(loop_, cfg_, log_, ctx.value());
                if (auto r = core->init(); !r) {
                    return fail_later(std::move(on_done), ConnectError::Kind::Other, r.error().message);
                }
                tls_ = std::move(core);
            }
            tls_->connect(url, options, std::move(on_done));
        } else {
            if (!plain_) {
                auto core = std::make_shared<ClientCore<PlainClientConfig>>(loop_, cfg_, log_, nullptr);
                if (auto r = core->init(); !r) {
                    return fail_later(std::move(on_done), ConnectError::Kind::Other, r.error().message);
                }
                plain_ = std::move(core);
            }
            plain_->connect(url, options, std::move(on_done));
        }
    }

    std::size_t connection_count() const override {
        return (plain_ ? plain_->open_count() : 0) + (tls_ ? tls_->open_count() : 0);
    }

private:
    // Reported from the loop, never from inside connect(); dropped when the client is gone by then.
    void fail_later(ConnectHandler on_done, ConnectError::Kind kind, std::string message) {
        loop_.post(
            [alive = std::weak_ptr<int>(alive_), on_done = std::move(on_done), kind, message = std::move(message)] {
                if (!alive.expired()) {
                    on_done(nullptr, ConnectError{kind, 0, message});
                }
            });
    }

    EventLoop& loop_;
    ClientConfig cfg_;
    Logger log_;
    std::shared_ptr<ClientCore<PlainClientConfig>> plain_;
    std::shared_ptr<ClientCore<TlsClientConfig>> tls_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace
} // namespace detail

std::unique_ptr<Client> Client::create(EventLoop& loop, ClientConfig config, const Logger& log) {
    return std::make_unique<detail::WsClient>(loop, std::move(config), log);
}

} // namespace ocpp::net
