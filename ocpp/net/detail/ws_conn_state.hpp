#pragma once
// What we keep per websocketpp connection, inside its connection object (internal: reached only through
// ws_common.hpp). Threading: touched only on the loop thread that owns the connection.
#include <asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net::detail {

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

template <class ConPtr> ConnState& state(const ConPtr& con) {
    return static_cast<ConnState&>(*con);
}

inline void cancel_timer(ConnState& st) {
    if (st.timer) {
        st.timer->cancel();
        st.timer.reset();
    }
}

} // namespace ocpp::net::detail
