#pragma once
// Client: opens OCPP WebSocket connections (ws or wss) as a charge point. Many connections share one loop.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/util/result.hpp"

namespace ocpp::net {

class EventLoop;

struct ClientTlsConfig {
    std::string ca_file;   // trust anchors for the server certificate; empty = system default
    std::string cert_file; // client certificate (security profile 3)
    std::string key_file;
    bool verify_peer = true;
};

// TLS material of one connection (PEM text), for a charge point that keeps its own trust store and client
// certificate (the security whitepaper's InstallCertificate and CertificateSigned): replaces the client's ca_file,
// cert_file and key_file for this connection only. Shared, since a fleet reuses one for many attempts.
struct ConnectTls {
    std::vector<std::string> trusted_roots_pem; // the server certificate must chain to one of these
    std::string certificate_chain_pem;          // client certificate (leaf first); empty = none
    std::string private_key_pem;                // its key
};

struct ConnectOptions {
    std::string url; // "ws://127.0.0.1:8180/ocpp/CB-0001" or "wss://..."; the id is already in the path
    std::optional<std::string> basic_user; // security profiles 1 and 2
    std::optional<std::string> basic_password;
    std::vector<std::string> subprotocols{"ocpp1.6"}; // empty = offer none
    std::string source_address;                       // bind to this local address (e.g. 127.0.0.2), empty = any
    std::chrono::milliseconds open_handshake_timeout{30000};
    std::shared_ptr<const ConnectTls> tls; // wss:// only; none = the client's TlsConfig
};

struct ClientConfig {
    std::optional<ClientTlsConfig> tls; // used for wss:// URLs
    std::size_t max_message_size = 64 * 1024;
    std::size_t max_outbound_queue = 256;
    std::chrono::milliseconds ping_interval{0}; // 0 = no pings from the client
    std::chrono::milliseconds pong_timeout{30000};
};

// Why a connection attempt failed, in words an installer understands plus a machine-readable kind.
struct ConnectError {
    enum class Kind { BadUrl, Refused, Timeout, Tls, HttpStatus, NoSubprotocol, Other } kind = Kind::Other;
    int http_status = 0;
    std::string message;
    bool server_untrusted = false; // Tls: the server's certificate did not verify against the trusted roots
};

class Client {
public:
    using ConnectHandler = std::function<void(SessionPtr session, std::optional<ConnectError> error)>;

    // The logger is copied. Destroy the client on the loop's thread (or while the loop is not running); pending
    // attempts are abandoned without calling their handlers, open sessions are closed (1001) silently.
    static std::unique_ptr<Client> create(EventLoop& loop, ClientConfig config, const Logger& log);
    virtual ~Client() = default;
    // Starts a connection; the handler runs on the loop exactly once, with a session or an error.
    // Call on the loop's thread.
    virtual void connect(const ConnectOptions& options, ConnectHandler on_done) = 0;
    virtual std::size_t connection_count() const = 0;
};

} // namespace ocpp::net
