#pragma once
// Session: one WebSocket connection as the rest of ocppkit sees it, whatever the transport underneath.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/enum_names.hpp"
#include "ocpp/util/executor.hpp"

namespace ocpp::net {

// What the server (or client) saw while the connection was opened.
struct HandshakeInfo {
    std::string remote_address; // "127.0.0.1:53412"; behind a trusted proxy the client's address
    std::string peer_address;   // the TCP peer ("127.0.0.1:53412"), the proxy's when remote_address came from it
    std::string path;           // request target without the query, e.g. "/ocpp/CB%201"
    std::string query;          // after '?', without it
    std::string chargebox_id;   // last path segment, percent-decoded ("CB 1")
    std::vector<std::string> offered_subprotocols; // Sec-WebSocket-Protocol as the peer sent it
    std::string subprotocol;                       // the one selected ("ocpp1.6"), empty when none
    std::map<std::string, std::string> headers;    // request headers, names lower-cased
    std::optional<std::string> basic_user;         // from "Authorization: Basic ..." when present and decodable
    std::optional<std::string> basic_password;     // never log this
    bool tls = false;
    // Server side: the TCP peer is in ServerConfig::trusted_proxies and began no PROXY header, so its X-Forwarded-*
    // headers count (X-Forwarded-Proto through forwarded.hpp's came_over_tls).
    bool from_trusted_proxy = false;
    // Server side, plain WebSocket only: the TCP peer is in ServerConfig::tls_proxies, began no PROXY header and says
    // X-Forwarded-Proto: https (that value alone): the client reached that proxy over TLS, which ended there (so no
    // client certificate comes with it).
    bool tls_at_proxy = false;
    std::string tls_version;         // "TLSv1.3"
    std::string tls_cipher;          // "TLS_AES_256_GCM_SHA384"
    std::string sni;                 // server name the client asked for
    std::string client_cert_subject; // subject of the verified client certificate (security profile 3)
    // What the client offered in its ClientHello (server side): cipher suites by their IANA names, comma-separated,
    // and the protocol versions ("TLSv1.3,TLSv1.2"); also filled for a handshake that failed after the ClientHello.
    std::string tls_offered_ciphers;
    std::string tls_offered_versions;
    // The certificates the client presented (PEM, leaf first, at most 16 KiB), whether or not they verified; only
    // when the server asks for client certificates.
    std::string client_cert_chain_pem;
    std::chrono::steady_clock::time_point tcp_accepted{}; // when the TCP connection was accepted
    std::chrono::steady_clock::time_point tls_done{};     // when the TLS handshake finished (tls only)
    std::chrono::steady_clock::time_point opened{};       // when the WebSocket handshake completed
};

struct CloseInfo {
    int code = 0;         // WebSocket close code received or sent (1006 when the connection dropped)
    std::string reason;   // close reason or the transport error in words
    bool by_peer = false; // the peer closed (or the connection dropped), not us
};

// What became of a message handed to Session::send(). Only Queued means it will be sent; the others leave the
// session as it was (a send is refused, the connection is not closed for it).
enum class SendStatus {
    Queued,      // accepted: queued or written to the connection
    Closed,      // the session is closed or closing (close() was called, or the peer went away)
    QueueFull,   // the outbound queue holds its maximum of unsent messages; try again once it drains
    InvalidUtf8, // the text is not valid UTF-8, which a WebSocket text frame must be (RFC 6455 5.6)
    WriteError,  // the transport refused the frame for another reason
};

// The status in words, for logs ("outbound queue full").
constexpr std::string_view to_string(SendStatus status) {
    constexpr ocpp::EnumName<SendStatus> names[] = {
        {SendStatus::Queued, "queued"},
        {SendStatus::Closed, "connection closed"},
        {SendStatus::QueueFull, "outbound queue full"},
        {SendStatus::InvalidUtf8, "not valid UTF-8"},
        {SendStatus::WriteError, "write error"},
    };
    return ocpp::name_of(names, status, "unknown");
}

class Session {
public:
    using MessageHandler = std::function<void(std::string_view text)>;
    using CloseHandler = std::function<void(const CloseInfo&)>;
    virtual ~Session() = default;

    virtual std::uint64_t id() const = 0;
    virtual const HandshakeInfo& info() const = 0;
    // The loop this connection lives on; other threads reach the session only through executor().post().
    virtual Executor& executor() = 0;
    // Queues a text message; anything but SendStatus::Queued says why it was not.
    // send() and close() must be called on executor()'s thread (post() to it from elsewhere).
    virtual SendStatus send(std::string_view text) = 0;
    // Starts the closing handshake (1000 = normal). The close handler runs once, when it is done.
    virtual void close(int code, std::string_view reason) = 0;
    virtual bool is_open() const = 0;
    // Messages accepted by send() that have not left yet (0 where the transport does not know); on executor().
    virtual std::size_t queued() { return 0; }
    // Handlers are set once, right after the session is handed over; they run on executor().
    virtual void set_message_handler(MessageHandler h) = 0;
    virtual void set_close_handler(CloseHandler h) = 0;
};

using SessionPtr = std::shared_ptr<Session>;

// Percent-decodes a path segment ("CB%201" -> "CB 1"); nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text);
// Percent-encodes one URL component: every byte but A-Z, a-z, 0-9, "-._~" and those in `keep` becomes "%XX".
std::string percent_encode(std::string_view text, std::string_view keep = {});
// The last non-empty segment of a path, percent-decoded; nullopt when there is none or it is malformed.
std::optional<std::string> chargebox_id_from_path(std::string_view path);
// Parses "Basic base64(user:password)"; nullopt when the header is not Basic or does not decode.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header_value);
// Splits a Sec-WebSocket-Protocol header ("ocpp1.6, ocpp2.0.1") into its tokens.
std::vector<std::string> split_subprotocols(std::string_view header_value);

} // namespace ocpp::net
