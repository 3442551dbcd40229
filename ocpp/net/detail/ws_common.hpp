#pragma once
// websocketpp plumbing shared by ws_server.cpp and ws_client.cpp (internal: only those two files include it).
// Threading: every function here runs on the loop thread that owns the connection (one loop per endpoint).
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/frame.hpp>
#include <websocketpp/random/none.hpp>
#include <websocketpp/random/random_device.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/none.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/log/log_limiter.hpp"
#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/detail/session_handlers.hpp"
#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/detail/tls_socket.hpp"
#include "ocpp/net/detail/utf8.hpp"
#include "ocpp/net/detail/ws_transport.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net::detail {

namespace wslog = websocketpp::log;

// websocketpp's logger interface, routed to our Logger. The access log has no static channels at all, so
// websocketpp's per-frame logging compiles to nothing; the error log maps its channels onto our levels.
template <class Names, wslog::level StaticChannels> class WsLogger {
public:
    WsLogger(wslog::level channels, wslog::channel_type_hint::value) { set_channels(channels); }
    void set_channels(wslog::level channels) { dynamic_ |= channels & StaticChannels; }
    void clear_channels(wslog::level channels) { dynamic_ &= ~channels; }
    void write(wslog::level channel, const std::string& msg) { emit(channel, msg); }
    void write(wslog::level channel, const char* msg) { emit(channel, msg); }
    constexpr bool static_test(wslog::level channel) const { return (channel & StaticChannels) != 0; }
    bool dynamic_test(wslog::level channel) const { return (channel & dynamic_) != 0; }
    // The Logger must outlive every connection of the endpoint (the cores hold a copy).
    void attach(const Logger* log) {
        log_ = log;
        warnings_ = log ? std::make_shared<Budget>(*log) : nullptr;
    }

private:
    void emit(wslog::level channel, std::string_view msg) {
        if (log_ == nullptr || !dynamic_test(channel)) {
            return;
        }
        LogLevel level = LogLevel::Debug;
        if (channel == wslog::elevel::fatal) {
            level = LogLevel::Error;
        } else if (channel == wslog::elevel::warn) {
            // Peers can trigger these once per frame (e.g. "got non-close frame while closing"): one budget of
            // lines for the whole endpoint.
            warnings_->limiter.warn("warnings", msg);
            return;
        }
        log_->log(level, "net.websocketpp", msg);
    }
    wslog::level dynamic_ = 0;
    const Logger* log_ = nullptr;
    struct Budget {
        explicit Budget(const Logger& log)
            : limiter(log, clock, "net.websocketpp", "the WebSocket library") {}
        SystemClock clock;
        LogLimiter limiter;
    };
    std::shared_ptr<Budget> warnings_; // shared by copies of this logger
};

using AccessLog = WsLogger<wslog::alevel, wslog::alevel::none>;
using ErrorLog = WsLogger<wslog::elevel, wslog::elevel::library | wslog::elevel::info | wslog::elevel::warn |
                                             wslog::elevel::rerror | wslog::elevel::fatal>;

using TimerPtr = std::shared_ptr<asio::steady_timer>;
class WsSessionBase;

// Per-connection state, stored inside websocketpp's connection object (config::connection_base).
struct ConnState {
    std::shared_ptr<void> owner;             // the server/client core; kept alive while this connection exists
    std::shared_ptr<WsSessionBase> session;  // set once the WebSocket is open
    std::unique_ptr<HandshakeInfo> info;     // collected during the handshake, moved into the session
    std::unique_ptr<TlsDiag> tls;            // wss only
    TimerPtr timer;                          // handshake deadline, then the ping/pong timer
    std::shared_ptr<void> attempt;           // client side: the pending connect attempt
    std::optional<CloseInfo> close_override; // why we dropped it ourselves (pong timeout)
    std::string proxy_address;               // server side: the trusted proxy whose PROXY header began it
    bool accepted = false;                   // server side: passed validation, counted in connection_count()
    bool requested = false;                  // server side: its HTTP request (an upgrade or plain HTTP) arrived
    bool reported = false;                   // the failure was already reported
    bool deferred = false;                   // server side: the upgrade waits for a deferred handshake answer
    bool awaiting_pong = false;
};

// Counts the messages still waiting in websocketpp's send queue. websocketpp only exposes the queued payload
// bytes, which drain in FIFO order, so the pending messages are the newest ones whose sizes cover that amount.
class OutboundTracker {
public:
    std::size_t pending(std::size_t buffered_bytes) {
        while (head_ < sizes_.size() && total_ - sizes_[head_] >= buffered_bytes) {
            total_ -= sizes_[head_++];
        }
        if (head_ == sizes_.size()) {
            sizes_.clear();
            head_ = 0;
        } else if (head_ >= 64 && head_ * 2 >= sizes_.size()) {
            sizes_.erase(sizes_.begin(), sizes_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
        return sizes_.size() - head_;
    }
    void push(std::size_t bytes) {
        sizes_.push_back(bytes);
        total_ += bytes;
    }

private:
    std::vector<std::size_t> sizes_;
    std::size_t head_ = 0;
    std::size_t total_ = 0;
};

// The part of a WebSocket session that does not depend on the websocketpp config.
class WsSessionBase : public Session {
public:
    WsSessionBase(HandshakeInfo info, Executor& executor, std::size_t max_queue)
        : info_(std::move(info))
        , executor_(executor)
        , id_(next_session_id())
        , max_queue_(max_queue) {}

    std::uint64_t id() const override { return id_; }
    const HandshakeInfo& info() const override { return info_; }
    Executor& executor() override { return executor_; }
    bool is_open() const override { return handlers_.live() && !closing_; }
    void set_message_handler(MessageHandler h) override { handlers_.set_message(std::move(h)); }
    void set_close_handler(CloseHandler h) override { handlers_.set_close(std::move(h)); }

    bool closing_by_us() const { return closing_; }
    void deliver(std::string_view text) { handlers_.deliver(text); }
    // Runs the close handler exactly once, then drops the handlers (and whatever they captured).
    void finish(const CloseInfo& close) { handlers_.finish(close); }

protected:
    HandshakeInfo info_;
    Executor& executor_;
    std::uint64_t id_;
    std::size_t max_queue_;
    OutboundTracker outbound_;
    SessionHandlers handlers_; // live until the close handler ran
    bool closing_ = false;     // close() was called (or we dropped the connection)
};

// send() and close() must be called on the loop thread that owns the connection.
template <class Cfg> class WsSession final : public WsSessionBase {
public:
    using Con = websocketpp::connection<Cfg>;
    // `masks` is set on the client side (client frames are masked); it belongs to the endpoint, which lives as long
    // as any of its connections.
    WsSession(HandshakeInfo info, Executor& executor, std::size_t max_queue, std::weak_ptr<Con> con,
              MaskKeys* masks = nullptr)
        : WsSessionBase(std::move(info), executor, max_queue)
        , con_(std::move(con))
        , masks_(masks) {}

    SendStatus send(std::string_view text) override {
        if (!is_open()) {
            return SendStatus::Closed;
        }
        auto con = con_.lock();
        if (!con || con->get_state() != websocketpp::session::state::open) {
            return SendStatus::Closed;
        }
        if (outbound_.pending(con->get_buffered_amount()) + con->writing_messages() >= max_queue_) {
            return SendStatus::QueueFull;
        }
        if (!valid_utf8(text)) {
            return SendStatus::InvalidUtf8;
        }
        // The frame is built here, as websocketpp's "prepared" message: one message object and one copy of the text
        // per send (websocketpp's own path makes two of each), with the same checks and framing as its hybi13
        // processor. The header goes in front of the text in the same buffer, so the frame leaves in one piece.
        namespace frame = websocketpp::frame;
        const frame::basic_header header(frame::opcode::text, text.size(), true, masks_ != nullptr);
        frame::masking_key_type key;
        key.i = masks_ != nullptr ? masks_->next() : 0;
        const std::string head = masks_ != nullptr
                                     ? frame::prepare_header(header, frame::extended_header(text.size(), key.i))
                                     : frame::prepare_header(header, frame::extended_header(text.size()));
        auto msg = con->get_message(frame::opcode::text, head.size() + text.size());
        std::string& payload = msg->get_raw_payload();
        payload.assign(head).append(text.data(), text.size());
        if (masks_ != nullptr) {
            frame::word_mask_exact(reinterpret_cast<std::uint8_t*>(payload.data() + head.size()), text.size(), key);
        }
        msg->set_prepared(true);
        if (const auto ec = con->send(msg)) {
            // websocketpp refuses a prepared message only when the connection left the open state.
            return ec == websocketpp::error::invalid_state ? SendStatus::Closed : SendStatus::WriteError;
        }
        outbound_.push(payload.size());
        return SendStatus::Queued;
    }

    std::size_t queued() override {
        auto con = con_.lock();
        return con ? outbound_.pending(con->get_buffered_amount()) + con->writing_messages() : 0;
    }

    void close(int code, std::string_view reason) override {
        if (!is_open()) {
            return;
        }
        closing_ = true;
        auto con = con_.lock();
        if (!con) {
            return;
        }
        websocketpp::lib::error_code ec;
        con->close(static_cast<websocketpp::close::status::value>(code), std::string(reason), ec);
        if (ec) { // e.g. a reserved close code: drop the connection instead
            con->terminate(ec);
        }
    }

private:
    std::weak_ptr<Con> con_;
    MaskKeys* masks_;
};

// Hands a received data message to the session's handler. OCPP-J uses text frames only: a binary message is not
// processed, and the connection is closed with 1003 (unsupported data) instead.
template <class MessagePtr>
void deliver_message(WsSessionBase& session, const MessagePtr& msg, const Logger& log, const char* tag) {
    if (msg->get_opcode() != websocketpp::frame::opcode::text) {
        // Only the session number and the address: the Chargebox ID is the peer's text.
        log.warn(tag, "session " + std::to_string(session.id()) + " from " + session.info().remote_address +
                          " sent a binary frame; OCPP-J uses text frames only: closing with 1003");
        session.close(websocketpp::close::status::unsupported_data, "OCPP-J uses text frames only");
        return;
    }
    session.deliver(msg->get_payload());
}

// websocketpp's request parser, with a body limit per request: once the request line and headers are in, a
// Content-Length above what `limit` allows for the path is refused with 413 before the body is read (at most one read
// buffer of it has arrived). Without a limit it is websocketpp's parser unchanged (clients, servers without one).
// A large accepted body earns time by what arrives of it: the connection's timers, websocketpp's open-handshake timer
// among them, wait until open_handshake_timeout plus the body bytes received so far at kMinUploadRate bytes per
// second (for a body above kPacedBody bytes), so a slow link that keeps sending finishes, and a peer that claims a
// large Content-Length and then dribbles or stalls is cut as before; upgrades and smaller requests keep
// open_handshake_timeout alone.
struct UploadPace {
    static constexpr std::size_t kPacedBody = 256 * 1024;
    static constexpr std::size_t kMinUploadRate = 64 * 1024;
    std::chrono::steady_clock::time_point* hold_timers_until = nullptr; // the connection's (DirectConnection)
    std::chrono::milliseconds base{0};
    std::size_t bytes_per_second = 0;
};

class LimitedRequest : public websocketpp::http::parser::request {
public:
    void set_body_limit(const HttpBodyLimit* limit, UploadPace pace = {}) {
        limit_ = limit;
        pace_ = pace;
    }
    // Shadows the base's consume (websocketpp calls it through the config's request_type, not virtually).
    std::size_t consume(char const* buf, std::size_t len) {
        const bool headers_pending = !ready() && m_body_bytes_needed == 0;
        const std::size_t used = request::consume(buf, len);
        if (paced_ && ready()) {
            paced_ = false; // the body is in: later timers (the answer's, the TLS shutdown's) keep their own times
            *pace_.hold_timers_until = std::chrono::steady_clock::time_point{};
        } else if (paced_) {
            earn_time();
        }
        const bool limited = limit_ != nullptr && *limit_;
        if ((!limited && pace_.hold_timers_until == nullptr) || !headers_pending || judged_ ||
            (!ready() && m_body_bytes_needed == 0)) {
            return used;
        }
        judged_ = true; // the headers are complete: judge once
        const std::string& length = get_header("Content-Length");
        if (length.empty()) {
            return used;
        }
        const unsigned long long bytes = std::strtoull(length.c_str(), nullptr, 10);
        if (limited) {
            const std::string& uri = get_uri();
            const std::size_t max =
                (*limit_)(get_method(), std::string_view(uri).substr(0, uri.find('?')), get_header("Authorization"));
            if (bytes > max) {
                throw websocketpp::http::exception("the request body exceeds " + std::to_string(max) + " bytes",
                                                   websocketpp::http::status_code::request_entity_too_large);
            }
        }
        if (pace_.hold_timers_until != nullptr && pace_.bytes_per_second > 0 && bytes > UploadPace::kPacedBody &&
            !ready()) {
            // Accepted (websocketpp refused a body above max_http_body already): time by what arrives of it.
            paced_ = true;
            paced_from_ = std::chrono::steady_clock::now();
            declared_ = bytes;
            earn_time();
        }
        return used;
    }

private:
    const HttpBodyLimit* limit_ = nullptr;
    UploadPace pace_;
    bool judged_ = false;
    bool paced_ = false; // the connection's timers are held for this request's body
    std::chrono::steady_clock::time_point paced_from_{};
    unsigned long long declared_ = 0; // the paced body's Content-Length

    // The hold: the handshake timeout from the headers' arrival, plus the body received so far at the minimum rate.
    void earn_time() {
        const unsigned long long received = declared_ > m_body_bytes_needed ? declared_ - m_body_bytes_needed : 0;
        *pace_.hold_timers_until =
            paced_from_ + pace_.base + std::chrono::milliseconds(received * 1000 / pace_.bytes_per_second);
    }
};

// Common parts of our websocketpp configs: single-threaded loops (no strands, no mutexes), a 4 KiB read buffer
// instead of 16 KiB (an OCPP frame is usually far smaller; larger ones take a few reads), reused messages, our
// loggers, our per-connection state, and a TLS shutdown that gives up after 250 ms instead of 5 s.
template <class Self, class SocketType, class Rng> struct ConfigBase : public websocketpp::config::core {
    typedef Self type;
    typedef websocketpp::config::core base;
    typedef websocketpp::concurrency::none concurrency_type;
    typedef LimitedRequest request_type;
    typedef base::response_type response_type;
    typedef websocketpp::message_buffer::message<RecyclingMessages> message_type;
    typedef RecyclingMessages<message_type> con_msg_manager_type;
    typedef websocketpp::message_buffer::alloc::endpoint_msg_manager<con_msg_manager_type> endpoint_msg_manager_type;
    typedef AccessLog alog_type;
    typedef ErrorLog elog_type;
    typedef Rng rng_type;
    typedef ConnState connection_base;

    static const bool enable_multithreading = false;
    static const std::size_t connection_read_buffer_size = 4096;
    static const wslog::level alog_level = wslog::alevel::none;
    static const wslog::level elog_level = wslog::elevel::library | wslog::elevel::info | wslog::elevel::warn |
                                           wslog::elevel::rerror | wslog::elevel::fatal;

    struct transport_config : public base::transport_config {
        typedef websocketpp::concurrency::none concurrency_type;
        typedef AccessLog alog_type;
        typedef ErrorLog elog_type;
        typedef LimitedRequest request_type;
        typedef base::response_type response_type;
        typedef SocketType socket_type;
        static const bool enable_multithreading = false;
        // Backstop only: the configured open-handshake timeout bounds the TLS handshake first.
        static const long timeout_socket_post_init = 120000;
        // After the WebSocket close handshake the TLS close_notify exchange adds nothing, and with a read still
        // pending asio completes websocketpp's TLS shutdown with operation_aborted, which websocketpp ignores:
        // every TLS close then ends by this timer (5 s by default). Keep it short.
        static const long timeout_socket_shutdown = 250;
    };
};

template <class ConPtr> ConnState& state(const ConPtr& con) {
    return static_cast<ConnState&>(*con);
}

inline std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
    return format_endpoint(ep.address().to_string(), ep.port());
}

template <class ConPtr> std::string remote_of(const ConPtr& con) {
    asio::error_code ec;
    const auto ep = con->get_raw_socket().remote_endpoint(ec);
    return ec ? std::string("unknown") : endpoint_text(ep);
}

template <class ConPtr> void set_no_delay(const ConPtr& con) {
    asio::error_code ec;
    con->get_raw_socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

template <class Cfg>
constexpr bool is_tls_v = std::is_same_v<typename Cfg::transport_config::socket_type, tls_socket::endpoint>;

// The connection's SSL object (nullptr for plain ws).
template <class Cfg> SSL* ssl_of(websocketpp::connection<Cfg>& con) {
    if constexpr (is_tls_v<Cfg>) {
        return con.get_socket().native_handle();
    } else {
        (void)con;
        return nullptr;
    }
}

// Why a connection that was open went away, as our CloseInfo.
template <class ConPtr> CloseInfo close_info_of(const ConPtr& con, const ConnState& st, bool closed_by_us) {
    namespace cs = websocketpp::close::status;
    if (st.close_override) {
        return *st.close_override;
    }
    const int local = con->get_local_close_code();
    const int remote = con->get_remote_close_code();
    const bool protocol_violation = local == cs::protocol_error || local == cs::invalid_payload ||
                                    local == cs::message_too_big || local == cs::unsupported_data;
    if (closed_by_us) {
        return {local, con->get_local_close_reason(), false};
    }
    // websocketpp stops reading after it closed for a protocol violation, so no close frame came back; when the peer
    // closed for a violation of ours, its close frame was read (remote == its code).
    if (protocol_violation && remote == cs::abnormal_close) {
        std::string reason = con->get_local_close_reason();
        if (local == cs::message_too_big) {
            reason = "incoming message exceeds max_message_size";
        }
        return {local, reason, false};
    }
    if (remote == cs::abnormal_close) {
        const auto tec = con->get_transport_ec();
        const auto ec = con->get_ec();
        std::string why = tec ? tec.message() : (ec ? ec.message() : std::string("no close frame"));
        return {cs::abnormal_close, "connection dropped: " + why, true};
    }
    return {remote, con->get_remote_close_reason(), true};
}

// Ping every `interval`; when no pong arrives within `pong_timeout`, drop the connection (close code 1006).
// One timer per connection, stored in its ConnState and cancelled when the connection closes.
template <class Con> void arm_keepalive(const std::shared_ptr<Con>& con, long interval_ms, long pong_timeout_ms) {
    if (interval_ms <= 0) {
        return;
    }
    std::weak_ptr<Con> weak = con;
    state(con).timer = con->set_timer(interval_ms, [weak, interval_ms, pong_timeout_ms](const std::error_code& ec) {
        auto c = weak.lock();
        if (ec || !c || c->get_state() != websocketpp::session::state::open) {
            return;
        }
        ConnState& st = state(c);
        st.awaiting_pong = true;
        websocketpp::lib::error_code ping_ec;
        c->ping("", ping_ec);
        st.timer = c->set_timer(pong_timeout_ms, [weak, pong_timeout_ms](const std::error_code& ec2) {
            auto c2 = weak.lock();
            if (ec2 || !c2 || !state(c2).awaiting_pong || c2->get_state() != websocketpp::session::state::open) {
                return;
            }
            state(c2).close_override =
                CloseInfo{websocketpp::close::status::abnormal_close,
                          "no pong within " + std::to_string(pong_timeout_ms) + " ms; connection dropped", false};
            c2->terminate(websocketpp::transport::error::make_error_code(websocketpp::transport::error::timeout));
        });
    });
}

// Called from the pong handler: the peer is alive, start the next interval.
template <class Con> void on_pong(const std::shared_ptr<Con>& con, long interval_ms, long pong_timeout_ms) {
    ConnState& st = state(con);
    if (!st.awaiting_pong) {
        return;
    }
    st.awaiting_pong = false;
    if (st.timer) {
        st.timer->cancel();
    }
    arm_keepalive(con, interval_ms, pong_timeout_ms);
}

inline void cancel_timer(ConnState& st) {
    if (st.timer) {
        st.timer->cancel();
        st.timer.reset();
    }
}

// Installs the message and pong handlers, which servers and clients share: messages go to the connection's session
// (an exception from its handler is logged, not let into the loop), pongs re-arm the keepalive. `con_of` turns a
// handle into the connection (null when it is gone); `log` must outlive the endpoint.
template <class Endpoint, class ConOf>
void set_session_handlers(Endpoint& ep, ConOf con_of, const Logger& log, const char* tag, long ping_interval_ms,
                          long pong_timeout_ms) {
    ep.set_message_handler([con_of, &log, tag](websocketpp::connection_hdl hdl, typename Endpoint::message_ptr msg) {
        auto con = con_of(std::move(hdl));
        if (!con || !state(con).session) {
            return;
        }
        try {
            deliver_message(*state(con).session, msg, log, tag);
        } catch (const std::exception& e) {
            log.error(tag, std::string("message handler threw: ") + e.what());
        }
    });
    ep.set_pong_handler([con_of, ping_interval_ms, pong_timeout_ms](websocketpp::connection_hdl hdl, std::string) {
        if (auto con = con_of(std::move(hdl))) {
            on_pong(con, ping_interval_ms, pong_timeout_ms);
        }
    });
}

} // namespace ocpp::net::detail
