#pragma once
// Server: accepts OCPP WebSocket connections (ws or wss) and plain HTTP requests on one port.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/forwarded.hpp"
#include "ocpp/net/http.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/util/result.hpp"

namespace ocpp::net {

class EventLoop;
class LoopPool;

struct ServerTlsConfig {
    std::string cert_file;      // PEM chain; RSA or ECDSA
    std::string key_file;       // PEM private key
    std::string client_ca_file; // when set, clients must present a certificate signed by it (security profile 3)
    bool tls13_only = false;    // otherwise TLS 1.2 and 1.3
    // With client_ca_file: a client without a certificate is let in too (profile 2 beside 3 on one listener); one
    // that presents a certificate must still chain to client_ca_file.
    bool client_cert_optional = false;
    // Keep what a client offered and presented (cipher suites, versions, its certificate chain) in HandshakeInfo for
    // a report (the tester); off, a session carries none of it.
    bool record_client_details = false;
    // TLS 1.3 session tickets sent after each full handshake, for clients that resume sessions. 0 (the default):
    // none, no TLS 1.2 tickets and no session cache either: chargers hold one long connection and our simulator
    // never resumes, so each ticket was work (a new session sealed with the ticket key) and bytes for nothing.
    int session_tickets = 0;
};

struct ServerConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0; // 0 = any free port; see Server::port()
    std::optional<ServerTlsConfig> tls;
    std::vector<std::string> subprotocols{"ocpp1.6"}; // a client offering none of these is refused
    std::size_t max_message_size = 64 * 1024;
    std::size_t max_http_body = 1024 * 1024;
    std::size_t max_connections = 19000;
    std::size_t max_outbound_queue = 256; // messages per session; send() returns QueueFull beyond it
    // With a loop pool (Server::create_threaded): the bytes of all connections' messages on their way to the
    // handlers' loop together; a connection whose message would go beyond it is closed with 1013 (try again later).
    std::size_t max_inbound_bytes = 64 * 1024 * 1024;
    std::chrono::milliseconds open_handshake_timeout{10000};
    std::chrono::milliseconds close_handshake_timeout{2000};
    std::chrono::milliseconds ping_interval{60000}; // 0 = no pings
    std::chrono::milliseconds pong_timeout{30000};
    bool reuse_port = false; // SO_REUSEPORT, so several processes or loops can share a port
    // Peers whose X-Forwarded-For names the client (a load balancer in front): for their connections and requests
    // remote_address is the client's address; peer_address stays the proxy's. Empty: no header is believed.
    TrustedProxies trusted_proxies;
    // Proxies that end TLS in front of this (plain) listener and set X-Forwarded-Proto themselves, replacing whatever
    // the client sent: an upgrade from one of them (no PROXY header) whose only X-Forwarded-Proto value is "https" is
    // marked HandshakeInfo::tls_at_proxy. Empty (the default): none is, whatever the header says.
    TrustedProxies tls_proxies;
    // The PROXY protocol (version 1 or 2, HAProxy's send-proxy / send-proxy-v2) before any TLS or HTTP byte: a
    // connection from trusted_proxies must start with the header, whose client address becomes the connection's
    // (remote_address and peer_address; an X-Forwarded-For is then judged as that client's); LOCAL (health checks),
    // UNKNOWN and UNIX keep the proxy's own address, and no X-Forwarded-For is believed behind them. A header from any
    // other peer, and a missing, malformed or late one (open_handshake_timeout from the accept, shared with the TLS
    // handshake) end the connection with a log line.
    bool proxy_protocol = false;
};

// The decision on a WebSocket upgrade. Anything but 0 refuses it with that HTTP status (401 adds WWW-Authenticate).
struct HandshakeDecision {
    int status = 0;
    std::string reason;  // sent as the response body and reported to the refusal observer
    int retry_after = 0; // seconds; above 0 a refusal carries "Retry-After" (429, 503)
    static HandshakeDecision accept() { return {}; }
    static HandshakeDecision refuse(int status, std::string reason, int retry_after = 0) {
        return {status, std::move(reason), retry_after};
    }
};

// Answers a WebSocket upgrade that was not decided at once; call it once, on the loop's thread. Until then the client
// waits for its HTTP answer, bounded by open_handshake_timeout; an answer after that finds the connection gone and
// does nothing.
using HandshakeAnswer = std::function<void(HandshakeDecision)>;

// A refused or failed connection attempt, for diagnosis (the tester reports these): what happened as a kind to
// switch on, and in words for people.
struct RejectedHandshake {
    enum class Kind {
        Refused,        // answered with an HTTP refusal (the handshake hook, a limit, no common subprotocol)
        TlsHandshake,   // the TLS handshake failed: an alert, a certificate the peer or we did not accept, ...
        PlainHttpOnTls, // a plain HTTP request arrived on the TLS port (a charger set to ws:// instead of wss://)
        TlsAbandoned,   // the peer closed during the TLS handshake without a word (a port probe, a health check)
        NoUpgrade,      // no WebSocket upgrade request arrived within the open-handshake timeout
        Undecided,      // a deferred handshake decision did not come within the open-handshake timeout
        BadRequest,     // the upgrade request was malformed and answered with an HTTP error
        Other,          // the connection failed otherwise (e.g. dropped before its request was complete)
    };
    HandshakeInfo info;
    int status = 0;     // HTTP status sent, 0 when the connection failed before an HTTP answer (e.g. TLS)
    std::string reason; // for people (logs, reports); code switches on kind
    Kind kind = Kind::Other;
};

class Server {
public:
    using HandshakeHook = std::function<HandshakeDecision(const HandshakeInfo&)>;
    // For decisions that take work off the loop (a password hash, a database lookup): the hook calls answer now or
    // later. The loop serves other connections meanwhile.
    using DeferredHandshakeHook = std::function<void(const HandshakeInfo&, HandshakeAnswer answer)>;
    using OpenHandler = std::function<void(SessionPtr)>;
    using RejectHandler = std::function<void(const RejectedHandshake&)>;

    // The logger is copied. Destroy the server on the loop's thread (or while the loop is not running); it closes
    // its sessions (1001) and makes no further call into user code (session handlers included).
    static std::unique_ptr<Server> create(EventLoop& loop, ServerConfig config, const Logger& log);
    // The same server over the loops of a pool (one shared port, SO_REUSEPORT): TLS, HTTP and WebSocket work runs on
    // the pool's loops, every handler set here on `home`. The HTTP body limit and a response's stream are called on
    // the pool's loops (they must be thread-safe); the pool is stopped before the server is destroyed.
    static std::unique_ptr<Server> create_threaded(EventLoop& home, LoopPool& pool, ServerConfig config,
                                                   const Logger& log);
    virtual ~Server() = default;

    // Set handlers before listen(). The hook runs on the loop during the upgrade and must not block.
    virtual void set_handshake_hook(HandshakeHook hook) = 0;
    // Replaces the handshake hook (and is replaced by it): the last one set decides.
    virtual void set_deferred_handshake_hook(DeferredHandshakeHook hook) = 0;
    virtual void set_open_handler(OpenHandler h) = 0;
    virtual void set_reject_handler(RejectHandler h) = 0;
    virtual void set_http_handler(HttpHandler h) = 0;
    // Lowers max_http_body per request (never raises it); unset, every request may carry max_http_body.
    virtual void set_http_body_limit(HttpBodyLimit limit) = 0;

    // Binds and starts accepting; errors (port in use, bad certificate) come back as values.
    virtual Result<void> listen() = 0;
    virtual std::uint16_t port() const = 0;
    // Stops accepting and closes every session (going away); call on the loop's thread or before run().
    virtual void shutdown() = 0;
    virtual std::size_t connection_count() const = 0;
    // A listening TLS server that verifies client certificates (client_ca_file): from now on they must chain to one
    // of these CA certificates (PEM) instead; open connections are kept. Call on the loop's thread. An error, and
    // nothing changed, for another server or when no certificate is readable.
    virtual Result<void> replace_client_cas(const std::vector<std::string>& ca_pems) {
        (void)ca_pems;
        return make_error(ErrorKind::Invalid, "this server does not verify client certificates");
    }
};

} // namespace ocpp::net
