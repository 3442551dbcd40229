#pragma once
// The websocketpp config our server and client endpoints share (internal: reached only through ws_common.hpp).
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core.hpp>

#include <cstddef>

#include "ocpp/net/detail/ws_conn_state.hpp"
#include "ocpp/net/detail/ws_log.hpp"
#include "ocpp/net/detail/ws_request.hpp"
#include "ocpp/net/detail/ws_transport.hpp"

namespace ocpp::net::detail {

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

} // namespace ocpp::net::detail
