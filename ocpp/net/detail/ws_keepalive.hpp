#pragma once
// The handlers servers and clients install alike: received messages to the session, and the ping/pong keepalive
// (internal: reached only through ws_common.hpp). Threading: on the loop thread that owns the connection.
#include <websocketpp/close.hpp>
#include <websocketpp/common/connection_hdl.hpp>
#include <websocketpp/transport/base/connection.hpp>

#include <memory>
#include <string>
#include <system_error>

#include "ocpp/log/log.hpp"
#include "ocpp/net/detail/ws_conn_state.hpp"
#include "ocpp/net/detail/ws_session.hpp"

namespace ocpp::net::detail {

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
