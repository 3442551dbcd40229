#pragma once
// websocketpp plumbing shared by ws_server.cpp and ws_client.cpp (internal: only ws_server_core.hpp and
// ws_client_core.hpp include it, and only those two files include them). One header per part:
//   ws_log.hpp         websocketpp's error and access logs routed to our Logger
//   ws_conn_state.hpp  ConnState, what we keep inside each websocketpp connection
//   ws_session.hpp     WsSession, our Session over a websocketpp connection (send, close, received messages)
//   ws_request.hpp     LimitedRequest, the request parser with a body limit per path and paced uploads
//   ws_config.hpp      ConfigBase, the websocketpp config both endpoints build on
//   ws_connection.hpp  a connection's peer address, SSL object and close reason
//   ws_keepalive.hpp   the message and pong handlers, and the ping/pong keepalive
//   ws_transport.hpp   the per-message transport path (DirectConnection), masking keys, recycled messages
//   tls_socket.hpp     the socket policy that runs our TLS stream under websocketpp
// Threading: every function here runs on the loop thread that owns the connection (one loop per endpoint).
#include <websocketpp/random/none.hpp>
#include <websocketpp/random/random_device.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/none.hpp>

#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/detail/tls_socket.hpp"
#include "ocpp/net/detail/ws_config.hpp"
#include "ocpp/net/detail/ws_connection.hpp"
#include "ocpp/net/detail/ws_keepalive.hpp"
#include "ocpp/net/detail/ws_session.hpp"
#include "ocpp/net/detail/ws_transport.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"
