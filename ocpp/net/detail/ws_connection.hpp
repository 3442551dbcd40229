#pragma once
// What a websocketpp connection tells about itself: its peer's address, its SSL object, why it closed (internal:
// reached only through ws_common.hpp). Threading: called on the loop thread that owns the connection.
#include <websocketpp/close.hpp>
#include <websocketpp/connection.hpp>

#include <asio/ip/tcp.hpp>

#include <string>
#include <type_traits>

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/detail/tls_socket.hpp"
#include "ocpp/net/detail/ws_conn_state.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net::detail {

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

} // namespace ocpp::net::detail
