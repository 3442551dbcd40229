#pragma once
// The server's side of a connection before it opens (internal, see ws_server_core.hpp): TCP and TLS set-up, the
// upgrade's validation and the handshake hook (answered at once or later), refusals, and failed attempts.
#include "ocpp/net/detail/ws_server_core.hpp"

namespace ocpp::net::detail {
namespace {

template <class Cfg> void ServerCore<Cfg>::fit_connections_to_file_limit() {
    const std::uint64_t limit = current_file_limit();
    const std::size_t open_now = open_file_count().value_or(0);
    const std::size_t fit = connections_that_fit(limit, open_now, kReservedFiles);
    if (fit >= cfg_.max_connections) {
        return;
    }
    max_connections_ = fit;
    log_.warn("net.server", "max_connections lowered from " + std::to_string(cfg_.max_connections) + " to " +
                                std::to_string(fit) + ": this process may open " + std::to_string(limit) +
                                " files (ulimit -n), " + std::to_string(open_now) + " are open and " +
                                std::to_string(limit > open_now + fit ? limit - open_now - fit : 0) +
                                " stay free for the database, logs and HTTP requests; raise the hard limit for more");
}

template <class Cfg> void ServerCore<Cfg>::accept_next() {
    if (!listening_ || shutting_down_) {
        return;
    }
    ConPtr con = ep_.get_connection();
    websocketpp::lib::error_code ec;
    if (con) {
        // As websocketpp's own loop: the pending connection (whose state holds this core) is bound into the handler.
        ep_.async_accept(
            con, [this, con](const websocketpp::lib::error_code& aec) { on_accept(con, aec); }, ec);
        if (!ec) {
            return;
        }
        con->terminate(websocketpp::lib::error_code());
    } else {
        ec = websocketpp::error::make_error_code(websocketpp::error::con_creation_failed);
    }
    on_accept(nullptr, ec);
}

template <class Cfg> void ServerCore<Cfg>::on_accept(const ConPtr& con, const websocketpp::lib::error_code& ec) {
    if (!ec) {
        accept_delay_ = std::chrono::milliseconds(0);
        // Forget the front entries that have sent their request or are gone; the rest is bounded by what is open.
        while (!silent_.empty() && (silent_.front().expired() || state(silent_.front().lock()).requested)) {
            silent_.pop_front();
        }
        silent_.push_back(con);
        con->start();
        accept_next();
        return;
    }
    if (con) {
        con->terminate(ec);
    }
    if (ec == websocketpp::error::operation_canceled || !listening_ || shutting_down_) {
        return; // the listener was closed
    }
    // Out of descriptors (or another accept failure): the connection stays in the kernel's queue until a descriptor
    // is free. Drop the oldest silent connection to free one, and wait (10 ms, doubling up to 1 s while nothing can
    // be dropped) instead of asking again at once. Said at most once every 10 s, with the counts.
    ++accept_failures_;
    const bool dropped = drop_oldest_silent();
    const auto now = SteadyClock::now();
    if (now - last_accept_warning_ >= std::chrono::seconds(10)) {
        last_accept_warning_ = now;
        const auto open_now = open_file_count(); // unknown when not even the directory can be opened
        log_.warn("net.server", "cannot accept a connection: " + ec.message() + " (this process may open " +
                                    std::to_string(current_file_limit()) + " files" +
                                    (open_now ? ", " + std::to_string(*open_now) + " are open" : std::string()) +
                                    "); retrying with a growing delay up to 1 s; " + std::to_string(accept_failures_) +
                                    " failed attempts and " + std::to_string(silent_dropped_) +
                                    " connections dropped that had sent no request, in the last 10 s");
        accept_failures_ = 0;
        silent_dropped_ = 0;
    }
    accept_delay_ = dropped
                        ? std::chrono::milliseconds(10)
                        : std::min<std::chrono::milliseconds>(
                              std::chrono::milliseconds(1000),
                              std::max<std::chrono::milliseconds>(std::chrono::milliseconds(10), 2 * accept_delay_));
    accept_timer_->expires_after(accept_delay_);
    std::weak_ptr<ServerCore> weak = this->shared_from_this();
    accept_timer_->async_wait([weak](const asio::error_code& tec) {
        auto core = weak.lock();
        if (!tec && core) {
            core->accept_next();
        }
    });
}

template <class Cfg> bool ServerCore<Cfg>::drop_oldest_silent() {
    // A connection gets 2 s for its request (its TLS handshake included) before it counts as silent: one that has
    // just been accepted may only be waiting for its turn on the loop.
    const auto silent_since = SteadyClock::now() - std::chrono::seconds(2);
    while (!silent_.empty()) {
        auto con = silent_.front().lock();
        if (!con || state(con).requested || con->get_state() != websocketpp::session::state::connecting) {
            silent_.pop_front();
            continue;
        }
        ConnState& st = state(con);
        if (st.info && st.info->tcp_accepted > silent_since) {
            return false; // the oldest is still young, and so are the others
        }
        silent_.pop_front();
        st.reported = true; // counted in the warning instead of a line per connection
        ++silent_dropped_;
        con->terminate(websocketpp::lib::error_code());
        return true;
    }
    return false;
}

template <class Cfg> void ServerCore<Cfg>::on_tcp_pre_init(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    set_no_delay(con);                        // here, not in the socket init handler: the socket is open only now
    const bool prefaced = st.info != nullptr; // the PROXY header was read (or looked for) and made the info
    if (!prefaced) {
        st.info = std::make_unique<HandshakeInfo>();
        st.info->tcp_accepted = SteadyClock::now();
        st.info->remote_address = remote_of(con);
        st.info->peer_address = st.info->remote_address;
    }
    if constexpr (!is_tls_v<Cfg>) {
        if (prefaced) { // the request's time counts from the accept, as the TLS handshake's does below
            con->set_open_handshake_timeout(handshake_ms_left(st));
        }
    } else {
        // websocketpp's own TLS timer is a compile-time constant; bound the TLS handshake by our setting (from the
        // accept: a PROXY header's time counts).
        std::weak_ptr<typename Endpoint::connection_type> weak = con;
        const long ms = handshake_ms_left(st);
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
        if (st.tls) {
            take_offered_tls(*st.tls, *st.info);
        }
    }
}

template <class Cfg> bool ServerCore<Cfg>::on_validate(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return false;
    }
    ConnState& st = state(con);
    st.requested = true;
    if (!st.info) {
        st.info = std::make_unique<HandshakeInfo>();
        st.info->remote_address = remote_of(con);
        st.info->peer_address = st.info->remote_address;
    }
    HandshakeInfo& info = *st.info;
    split_target(con->get_resource(), info.path, info.query);
    info.chargebox_id = chargebox_id_from_path(info.path).value_or("");
    for (const auto& [name, value] : con->get_request().get_headers()) {
        info.headers[to_lower(name)] = value;
    }
    if (!cfg_.trusted_proxies.empty() && headers_judged(st)) {
        info.from_trusted_proxy = cfg_.trusted_proxies.contains(endpoint_host(info.peer_address));
        const auto xff = info.headers.find("x-forwarded-for");
        info.remote_address = cfg_.trusted_proxies.remote_address(
            info.peer_address, xff == info.headers.end() ? std::string_view() : std::string_view(xff->second));
    }
    if (!info.tls && !cfg_.tls_proxies.empty() && headers_judged(st) &&
        cfg_.tls_proxies.contains(endpoint_host(info.peer_address))) {
        const auto proto = info.headers.find("x-forwarded-proto");
        info.tls_at_proxy = proto != info.headers.end() && says_https_alone(proto->second);
    }
    info.offered_subprotocols = split_subprotocols(con->get_request_header("Sec-WebSocket-Protocol"));
    const std::string& authorization = con->get_request_header("Authorization");
    if (!authorization.empty()) {
        if (auto credentials = parse_basic_auth_as(authorization, info.chargebox_id)) {
            info.basic_user = std::move(credentials->first);
            info.basic_password = std::move(credentials->second);
        }
    }
    if (shutting_down_) {
        return refuse(con, 503, "server is shutting down");
    }
    if (active_ >= max_connections_) {
        return refuse(con, 503, "connection limit reached (" + std::to_string(max_connections_) + ")");
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
            return refuse(con, pending->decision.status, pending->decision.reason, pending->decision.retry_after);
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
    refuse(con, decision.status, std::move(decision.reason), decision.retry_after);
    con->release_handshake_write(con->get_response().raw());
}

template <class Cfg> bool ServerCore<Cfg>::refuse(const ConPtr& con, int status, std::string reason, int retry_after) {
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
        if (retry_after > 0) {
            con->append_header("Retry-After", std::to_string(retry_after));
        }
        con->append_header("Content-Type", "text/plain; charset=utf-8");
        con->replace_header("Connection", "close"); // a refused upgrade ends the connection
        con->set_body(reason);
    } catch (const std::exception& e) {
        log_.warn("net.server", std::string("cannot set refusal response: ") + e.what());
    }
    // A 429 is the answer to a flood (the hook logs when it starts): one line each would let the flood fill the log.
    log_.log(status == 429 ? LogLevel::Debug : LogLevel::Info, "net.server",
             "refused WebSocket upgrade from " + st.info->remote_address + " to " + st.info->path + ": " +
                 std::to_string(status) + " " + reason);
    report(RejectedHandshake{*st.info, status, std::move(reason), RejectedHandshake::Kind::Refused});
    return false;
}

template <class Cfg> void ServerCore<Cfg>::on_fail(Hdl hdl) {
    auto con = con_of(std::move(hdl));
    if (!con) {
        return;
    }
    ConnState& st = state(con);
    release(st);
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
    using Kind = RejectedHandshake::Kind;
    RejectedHandshake rejected{std::move(*st.info), status, {}, Kind::Other};
    st.info.reset();
    const bool tls_failed = is_tls_v<Cfg> && rejected.info.tls_done == SteadyClock::time_point{};
    if (tls_failed && !st.tls) {
        rejected.reason = "TLS handshake failed: the connection's TLS state could not be made (out of memory)";
    } else if (tls_failed) {
        rejected.reason = "TLS handshake failed: " + describe_tls_failure(ssl_of(*con), *st.tls);
        rejected.kind = classify_tls_failure(ssl_of(*con), *st.tls);
        take_offered_tls(*st.tls, rejected.info);
    } else if (ec == websocketpp::error::open_handshake_timeout && undecided) {
        rejected.reason = "the upgrade was not decided within " + std::to_string(cfg_.open_handshake_timeout.count()) +
                          " ms (the server was still checking the credentials)";
        rejected.kind = Kind::Undecided;
    } else if (ec == websocketpp::error::open_handshake_timeout) {
        rejected.reason =
            "no WebSocket upgrade request within " + std::to_string(cfg_.open_handshake_timeout.count()) + " ms";
        rejected.kind = Kind::NoUpgrade;
    } else {
        const auto tec = con->get_transport_ec();
        rejected.reason = ec.message() + (tec && tec.message() != ec.message() ? " (" + tec.message() + ")" : "");
        if (status >= 400) {
            rejected.reason = "bad request: " + rejected.reason;
            rejected.kind = Kind::BadRequest;
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

} // namespace
} // namespace ocpp::net::detail
