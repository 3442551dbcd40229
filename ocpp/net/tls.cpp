// OpenSSL contexts and TLS diagnostics for ocpp/net (no Asio, no websocketpp here).
#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <utility>

#include "ocpp/net/detail/tls.hpp"

namespace ocpp::net::detail {

namespace {

// TLS 1.2 suites: forward-secret AEAD first; the two RSA-key-exchange GCM suites last because the OCPP 1.6
// security whitepaper requires central systems to offer them to chargers. TLS 1.3 keeps OpenSSL's defaults.
constexpr const char* kTls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                                      "AES128-GCM-SHA256:AES256-GCM-SHA384:!aNULL:!eNULL:!RC4:!3DES:!EXPORT:!MD5";

int diag_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Takes every queued OpenSSL error; returns the first reason (the root cause) or `fallback`.
std::string drain_openssl_errors(const char* fallback = "unknown OpenSSL error") {
    std::string first;
    while (unsigned long e = ERR_get_error()) {
        if (first.empty()) {
            const char* reason = ERR_reason_error_string(e);
            if (reason != nullptr) {
                first = reason;
            } else {
                char buf[256];
                ERR_error_string_n(e, buf, sizeof buf);
                first = buf;
            }
        }
    }
    return first.empty() ? fallback : first;
}

void info_callback(const SSL* ssl, int where, int ret) {
    auto* diag = static_cast<TlsDiag*>(SSL_get_ex_data(ssl, diag_index()));
    if (diag == nullptr) {
        return;
    }
    if ((where & SSL_CB_ALERT) != 0) {
        if (SSL_alert_type_string(ret)[0] == 'F') { // fatal alerts only; close_notify is a warning
            diag->alert = std::string((where & SSL_CB_READ) != 0 ? "received alert: " : "sent alert: ") +
                          SSL_alert_desc_string_long(ret);
        }
    } else if ((where & SSL_CB_EXIT) != 0 && ret <= 0 && diag->error.empty()) {
        // Asio takes the error off the queue after this callback; peek at it now.
        if (unsigned long e = ERR_peek_error()) {
            const char* reason = ERR_reason_error_string(e);
            diag->error = reason != nullptr ? reason : "error " + std::to_string(e);
            diag->reason = ERR_GET_REASON(e);
        }
    }
}

// The cipher suites and versions a client offers, for the tester's TLS report; a ClientHello is never refused here.
int client_hello_callback(SSL* ssl, int* /*alert*/, void* /*arg*/) {
    auto* diag = static_cast<TlsDiag*>(SSL_get_ex_data(ssl, diag_index()));
    if (diag == nullptr) {
        return SSL_CLIENT_HELLO_SUCCESS;
    }
    const unsigned char* ids = nullptr;
    const std::size_t len = SSL_client_hello_get0_ciphers(ssl, &ids);
    std::string names;
    for (std::size_t i = 0; i + 1 < len && i < 256; i += 2) {
        const unsigned id = (static_cast<unsigned>(ids[i]) << 8) | ids[i + 1];
        if ((id & 0x0f0f) == 0x0a0a || id == 0x00ff || id == 0x5600) {
            continue; // GREASE values and signalling suites name no cipher
        }
        const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, ids + i);
        const char* name = cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : nullptr;
        char unknown[16];
        if (name == nullptr) {
            std::snprintf(unknown, sizeof unknown, "0x%04X", id);
            name = unknown;
        }
        names += (names.empty() ? "" : ",") + std::string(name);
    }
    diag->offered_ciphers = std::move(names);
    auto version_name = [](unsigned v) -> std::string {
        switch (v) {
        case 0x0304:
            return "TLSv1.3";
        case 0x0303:
            return "TLSv1.2";
        case 0x0302:
            return "TLSv1.1";
        case 0x0301:
            return "TLSv1";
        case 0x0300:
            return "SSLv3";
        default:
            return {};
        }
    };
    std::string versions;
    const unsigned char* ext = nullptr;
    std::size_t ext_len = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions, &ext, &ext_len) == 1 && ext_len >= 1) {
        const std::size_t n = std::min<std::size_t>(ext[0], ext_len - 1);
        for (std::size_t i = 1; i + 1 <= n; i += 2) {
            const auto name = version_name((static_cast<unsigned>(ext[i]) << 8) | ext[i + 1]);
            if (!name.empty()) {
                versions += (versions.empty() ? "" : ",") + name;
            }
        }
    } else {
        // No supported_versions extension: the legacy field is the highest version offered.
        const auto name = version_name(SSL_client_hello_get0_legacy_version(ssl));
        versions = name.empty() ? std::string() : "up to " + name;
    }
    diag->offered_versions = std::move(versions);
    return SSL_CLIENT_HELLO_SUCCESS;
}

// Keeps the certificates a client presents (leaf first), verified or not, and leaves the verdict to OpenSSL.
int keep_presented_chain(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* diag = ssl != nullptr ? static_cast<TlsDiag*>(SSL_get_ex_data(ssl, diag_index())) : nullptr;
    if (diag == nullptr || !diag->presented_chain_pem.empty()) {
        return preverify_ok;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (!bio || leaf == nullptr) {
        return preverify_ok;
    }
    PEM_write_bio_X509(bio.get(), leaf);
    if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store)) {
        for (int i = 0; i < sk_X509_num(sent) && i < 8; ++i) {
            X509* cert = sk_X509_value(sent, i);
            if (cert != leaf && X509_cmp(cert, leaf) != 0) {
                PEM_write_bio_X509(bio.get(), cert);
            }
        }
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len > 0 && len <= 16 * 1024) {
        diag->presented_chain_pem.assign(data, static_cast<std::size_t>(len));
    }
    return preverify_ok;
}

struct CtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxDeleter>;

Error ctx_error(const std::string& what) {
    return make_error(ErrorKind::Invalid, what + ": " + drain_openssl_errors());
}

Result<void> load_identity(SSL_CTX* ctx, const std::string& cert_file, const std::string& key_file) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
        return ctx_error("cannot load certificate chain '" + cert_file + "'");
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return ctx_error("cannot load private key '" + key_file + "'");
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return ctx_error("private key '" + key_file + "' does not match certificate '" + cert_file + "'");
    }
    return {};
}

std::string name_to_string(X509_NAME* name) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
        return {};
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string{};
}

} // namespace

Result<SSL_CTX*> make_server_ssl_ctx(const ServerTlsConfig& config) {
    ERR_clear_error();
    CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
        return ctx_error("cannot create TLS server context");
    }
    SSL_CTX_set_min_proto_version(ctx.get(), config.tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS); // idle connections give their record buffers back
    if (SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
        return ctx_error("cannot set the cipher list");
    }
    static const unsigned char sid_ctx[] = "ocppkit";
    SSL_CTX_set_session_id_context(ctx.get(), sid_ctx, sizeof sid_ctx - 1);
    if (config.session_tickets <= 0) {
        SSL_CTX_set_num_tickets(ctx.get(), 0);
        SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
        SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    } else {
        SSL_CTX_set_num_tickets(ctx.get(), static_cast<std::size_t>(config.session_tickets));
    }
    if (auto r = load_identity(ctx.get(), config.cert_file, config.key_file); !r) {
        return r.error();
    }
    if (!config.client_ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx.get(), config.client_ca_file.c_str(), nullptr) != 1) {
            return ctx_error("cannot load client CA file '" + config.client_ca_file + "'");
        }
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
        if (names == nullptr) {
            return ctx_error("no CA certificate names in client CA file '" + config.client_ca_file + "'");
        }
        SSL_CTX_set_client_CA_list(ctx.get(), names);
        SSL_CTX_set_verify(ctx.get(),
                           config.client_cert_optional ? SSL_VERIFY_PEER
                                                       : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           config.record_client_details ? keep_presented_chain : nullptr);
    }
    SSL_CTX_set_info_callback(ctx.get(), info_callback);
    if (config.record_client_details) {
        SSL_CTX_set_client_hello_cb(ctx.get(), client_hello_callback, nullptr);
    }
    ERR_clear_error();
    return ctx.release();
}

Result<SSL_CTX*> make_client_ssl_ctx(const ClientTlsConfig& config) {
    ERR_clear_error();
    CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        return ctx_error("cannot create TLS client context");
    }
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
        return ctx_error("cannot set the cipher list");
    }
    if (config.verify_peer) {
        if (!config.ca_file.empty()) {
            if (SSL_CTX_load_verify_locations(ctx.get(), config.ca_file.c_str(), nullptr) != 1) {
                return ctx_error("cannot load CA file '" + config.ca_file + "'");
            }
        } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
            return ctx_error("cannot load the system CA store");
        }
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        if (auto r = remember_verified_chains(ctx.get()); !r) {
            return r.error();
        }
    } else {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }
    if (!config.cert_file.empty() || !config.key_file.empty()) {
        const std::string& key = config.key_file.empty() ? config.cert_file : config.key_file;
        if (auto r = load_identity(ctx.get(), config.cert_file, key); !r) {
            return r.error();
        }
    }
    SSL_CTX_set_info_callback(ctx.get(), info_callback);
    ERR_clear_error();
    return ctx.release();
}

Result<void> apply_connection_tls(SSL* ssl, const ConnectTls& tls) {
    if (ssl == nullptr) {
        return make_error(ErrorKind::Other, "no TLS object for the connection");
    }
    ERR_clear_error();
    using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
    using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
    auto read_all = [](const std::string& pem, auto&& each) {
        BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
        int n = 0;
        while (bio) {
            X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
            if (!cert) {
                break;
            }
            ++n;
            if (!each(std::move(cert))) {
                return -1;
            }
        }
        ERR_clear_error(); // the end of the PEM text is reported as an error
        return n;
    };
    if (!tls.trusted_roots_pem.empty()) {
        std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
        int loaded = 0;
        for (const auto& pem : tls.trusted_roots_pem) {
            const int n =
                read_all(pem, [&](X509Ptr cert) { return X509_STORE_add_cert(store.get(), cert.get()) == 1; });
            if (n < 0) {
                return ctx_error("cannot add a trusted root certificate");
            }
            loaded += n;
        }
        if (loaded == 0) {
            return make_error(ErrorKind::Invalid, "no certificate in the trusted roots");
        }
        if (SSL_set1_verify_cert_store(ssl, store.get()) != 1) {
            return ctx_error("cannot set the trusted roots");
        }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    }
    if (!tls.certificate_chain_pem.empty()) {
        bool leaf = true;
        const int n = read_all(tls.certificate_chain_pem, [&](X509Ptr cert) {
            if (leaf) {
                leaf = false;
                return SSL_use_certificate(ssl, cert.get()) == 1;
            }
            return SSL_add1_chain_cert(ssl, cert.get()) == 1;
        });
        if (n <= 0) {
            return ctx_error("cannot use the client certificate");
        }
        BioPtr bio(BIO_new_mem_buf(tls.private_key_pem.data(), static_cast<int>(tls.private_key_pem.size())),
                   &BIO_free);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
        if (!key) {
            return ctx_error("cannot read the client key");
        }
        // OpenSSL checks here that the key belongs to the certificate.
        if (SSL_use_PrivateKey(ssl, key.get()) != 1 || SSL_check_private_key(ssl) != 1) {
            return ctx_error("the client key does not match its certificate");
        }
    }
    return {};
}

void attach_tls_diag(SSL* ssl, TlsDiag* diag) {
    if (ssl != nullptr) {
        SSL_set_ex_data(ssl, diag_index(), diag);
    }
}

void set_expected_peer_name(SSL* ssl, const std::string& host) {
    if (ssl == nullptr || SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE) {
        return;
    }
    unsigned char buf[sizeof(in6_addr)];
    const bool is_ip = inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
    if (is_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(ssl, host.c_str());
    }
}

std::string describe_tls_failure(SSL* ssl, const TlsDiag& diag) {
    std::string text = diag.error.empty() ? std::string("handshake failed") : diag.error;
    if (ssl != nullptr) {
        const long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) {
            text += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
        }
    }
    if (!diag.alert.empty()) {
        text += "; " + diag.alert;
    }
    return text;
}

RejectedHandshake::Kind classify_tls_failure(SSL* ssl, const TlsDiag& diag) {
    using Kind = RejectedHandshake::Kind;
    if (diag.reason == SSL_R_HTTP_REQUEST) {
        return Kind::PlainHttpOnTls;
    }
    const bool verified = ssl == nullptr || SSL_get_verify_result(ssl) == X509_V_OK;
    return diag.error.empty() && diag.alert.empty() && verified ? Kind::TlsAbandoned : Kind::TlsHandshake;
}

void fill_tls_info(SSL* ssl, bool server_side, HandshakeInfo& info) {
    info.tls = true;
    if (ssl == nullptr || SSL_is_init_finished(ssl) != 1) {
        return;
    }
    info.tls_version = SSL_get_version(ssl);
    info.tls_cipher = SSL_get_cipher_name(ssl);
    if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
        info.sni = sni;
    }
    if (server_side && SSL_get_verify_result(ssl) == X509_V_OK) {
        if (X509* peer = SSL_get0_peer_certificate(ssl)) {
            info.client_cert_subject = name_to_string(X509_get_subject_name(peer));
        }
    }
}

void take_offered_tls(TlsDiag& diag, HandshakeInfo& info) {
    // Called after the handshake and again when it failed: what was taken once stays where it went.
    for (auto [from, to] : {std::pair{&diag.offered_ciphers, &info.tls_offered_ciphers},
                            std::pair{&diag.offered_versions, &info.tls_offered_versions},
                            std::pair{&diag.presented_chain_pem, &info.client_cert_chain_pem}}) {
        if (!from->empty()) {
            *to = std::move(*from);
            *from = std::string();
        }
    }
}

} // namespace ocpp::net::detail
