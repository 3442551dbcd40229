// The client-CA store of a running TLS server, replaced whole: a CA imported while the server runs verifies the
// client certificates of connections accepted from then on (connections already open keep what they verified with).
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <limits>
#include <memory>

#include "ocpp/net/detail/tls.hpp"

namespace ocpp::net::detail {

Result<void> set_client_ca_store(SSL_CTX* ctx, const std::vector<std::string>& ca_pems) {
    using StorePtr = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
    using NamesPtr = std::unique_ptr<STACK_OF(X509_NAME), void (*)(STACK_OF(X509_NAME)*)>;
    StorePtr store(X509_STORE_new(), &X509_STORE_free);
    NamesPtr names(sk_X509_NAME_new_null(), [](STACK_OF(X509_NAME) * s) { sk_X509_NAME_pop_free(s, X509_NAME_free); });
    if (!store || !names) {
        return make_error("cannot allocate a client CA store");
    }
    int loaded = 0;
    for (const auto& pem : ca_pems) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                      &BIO_free);
        while (bio) {
            std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                             &X509_free);
            if (!cert) {
                // The end of the text ends the loop; a broken block is an error, not a silently shorter trust list.
                if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
                    ERR_clear_error();
                    return make_error(ErrorKind::Invalid, "a client CA certificate is not valid PEM");
                }
                break;
            }
            X509_NAME* name = X509_NAME_dup(X509_get_subject_name(cert.get()));
            if (X509_STORE_add_cert(store.get(), cert.get()) != 1 || name == nullptr ||
                sk_X509_NAME_push(names.get(), name) <= 0) {
                X509_NAME_free(name);
                ERR_clear_error();
                return make_error(ErrorKind::Invalid, "a client CA certificate cannot be added to the store");
            }
            ++loaded;
        }
        ERR_clear_error(); // the end of the PEM text is reported as an error
    }
    if (loaded == 0) {
        return make_error(ErrorKind::Invalid, "no CA certificate among the client CAs");
    }
    // The verify store, not the context's own chain store: the server's certificate chain stays as loaded.
    if (SSL_CTX_set1_verify_cert_store(ctx, store.get()) != 1) {
        ERR_clear_error();
        return make_error("cannot set the client CA store");
    }
    SSL_CTX_set_client_CA_list(ctx, names.release()); // the names a CertificateRequest announces
    // A resumed handshake skips the client certificate check, so no session verified under the old CAs may resume
    // (tickets are off unless the server enables them): a new session id context makes OpenSSL start afresh with
    // every earlier session and ticket, and the session cache is emptied.
    unsigned char sid_ctx[16];
    if (RAND_bytes(sid_ctx, sizeof sid_ctx) != 1 || SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx) != 1) {
        ERR_clear_error();
        return make_error("cannot renew the TLS session id context");
    }
    SSL_CTX_flush_sessions(ctx, std::numeric_limits<long>::max());
    return {};
}

} // namespace ocpp::net::detail
