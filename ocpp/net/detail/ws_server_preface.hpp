#pragma once
// The server's PROXY protocol step (internal, see ws_server_core.hpp): before websocketpp starts on a connection, a
// trusted proxy's header is read and names the client; any other peer's first bytes are checked for a header, which
// is refused (anyone can send one). A failure ends the connection with one log line naming the peer and why.
#include "ocpp/net/detail/proxy_preface.hpp"
#include "ocpp/net/detail/ws_server_core.hpp"

namespace ocpp::net::detail {
namespace {

template <class Cfg>
void ServerCore<Cfg>::start_preface(const ConPtr& con, asio::ip::tcp::socket& socket, std::function<void(bool)> go) {
    auto fresh = std::make_unique<HandshakeInfo>();
    fresh->tcp_accepted = SteadyClock::now();
    fresh->remote_address = remote_of(con);
    fresh->peer_address = fresh->remote_address;
    const bool trusted = cfg_.trusted_proxies.contains(endpoint_host(fresh->peer_address));
    state(con).info = std::move(fresh);
    const auto mode = trusted ? ProxyPreface::Mode::Require : ProxyPreface::Mode::Refuse;
    ProxyPreface::start(
        socket, mode, cfg_.open_handshake_timeout,
        [this, con, trusted, go = std::move(go)](ProxyPreface::Outcome outcome) {
            ConnState& st = state(con);
            if (!st.info || con->get_state() != websocketpp::session::state::connecting) {
                // failed meanwhile (dropped as the oldest silent connection, or the server shut down)
                go(false);
                return;
            }
            HandshakeInfo& info = *st.info;
            if (!outcome.ok) {
                std::string why = outcome.why;
                if (outcome.fault == ProxyFault::NoSignature) {
                    why = "the PROXY header is missing (is send-proxy-v2 set on the balancer's server lines?)";
                }
                const std::string line = std::string(trusted ? "trusted proxy " : "peer ") + info.peer_address +
                                         ": connection refused: " + why;
                // A trusted proxy that sends no header or a broken one is a configuration to fix.
                log_.log(trusted && outcome.fault != ProxyFault::None ? LogLevel::Warn : LogLevel::Info, "net.server",
                         line);
                st.reported = true;
                report(RejectedHandshake{info, 0, "PROXY protocol: " + why, RejectedHandshake::Kind::Other});
                go(false);
                return;
            }
            if (trusted) {
                st.proxy_address = info.peer_address;
            }
            if (trusted && !outcome.header.own_address) {
                info.peer_address = format_endpoint(outcome.header.source_address, outcome.header.source_port);
                info.remote_address = info.peer_address;
                log_.debug("net.server",
                           "PROXY header from " + st.proxy_address + ": client " + info.peer_address +
                               (outcome.header.destination.empty() ? std::string()
                                                                   : " connected to " + outcome.header.destination));
            }
            go(true);
        });
}

} // namespace
} // namespace ocpp::net::detail
