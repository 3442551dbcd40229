#pragma once
// OpenSSL helpers of ocpp/net (internal): contexts built from our configs, and per-connection TLS diagnostics.
#include <openssl/ssl.h>
#include <string>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"

namespace ocpp::net::detail {

// What went wrong in one connection's handshake, collected by the context's info callback.
struct TlsDiag {
    std::string error; // first OpenSSL reason seen when a handshake step failed, e.g. "certificate verify failed"
    std::string alert; // last fatal alert, e.g. "sent alert: handshake failure"
    int reason = 0;    // OpenSSL reason code of `error` (ERR_GET_REASON), 0 when none
    // From the ClientHello and the client's Certificate message (server side), until copied into HandshakeInfo.
    std::string offered_ciphers, offered_versions, presented_chain_pem;
};

// A server context: TLS >= 1.2 (or 1.3 only), a cipher list without RC4/3DES/NULL/EXPORT, RSA or ECDSA certificate,
// client certificates required when client_ca_file is set. Errors name the file and the OpenSSL reason.
Result<SSL_CTX*> make_server_ssl_ctx(const ServerTlsConfig& config);
// A client context: TLS >= 1.2, verification against ca_file (or the system store), optional client certificate.
Result<SSL_CTX*> make_client_ssl_ctx(const ClientTlsConfig& config);

// Lets a client context remember the server chains its own trust store accepted (a few, for minutes): the same chain
// again has only its validity times and the expected host name or IP address checked, not its signatures.
Result<void> remember_verified_chains(SSL_CTX* ctx);
// Replaces the CAs that client certificates must chain to (PEM texts, each one or more certificates) for the
// handshakes that start from now on; the server's own certificate chain stays. Errors when none is readable.
Result<void> set_client_ca_store(SSL_CTX* ctx, const std::vector<std::string>& ca_pems);
// Gives one connection its own trust store and client certificate (ConnectOptions::tls).
Result<void> apply_connection_tls(SSL* ssl, const ConnectTls& tls);
// Points the connection's SSL object at its diagnostics (they must outlive the SSL object).
void attach_tls_diag(SSL* ssl, TlsDiag* diag);
// Checks the server certificate against the URL host: IP SAN for an IP literal, DNS name otherwise.
void set_expected_peer_name(SSL* ssl, const std::string& host);
// A failed handshake in words: OpenSSL reason, certificate verification detail and alert.
std::string describe_tls_failure(SSL* ssl, const TlsDiag& diag);
// A failed server-side handshake as a kind: TlsHandshake, PlainHttpOnTls, or TlsAbandoned when nothing (no OpenSSL
// reason, no certificate problem, no alert) says why.
RejectedHandshake::Kind classify_tls_failure(SSL* ssl, const TlsDiag& diag);
// Version, cipher, SNI and (server side) the verified client certificate's subject.
void fill_tls_info(SSL* ssl, bool server_side, HandshakeInfo& info);
// Moves what the ClientHello offered and the certificates the client presented from `diag` into `info` (server
// side; also after a failed handshake).
void take_offered_tls(TlsDiag& diag, HandshakeInfo& info);

} // namespace ocpp::net::detail
