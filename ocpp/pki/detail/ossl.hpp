#pragma once
// Internal to ocpp/pki: owning handles for OpenSSL objects, the error text of the OpenSSL queue, and the conversions
// every part of the library shares. Never included by a public header.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/pki/pki.hpp"

namespace ocpp::pki::detail {

// Input bounds: a PEM object (certificate bundle, key), the certificates of one bundle, a CSR (the schema's maxLength).
inline constexpr std::size_t kMaxPemBytes = 64 * 1024;
inline constexpr std::size_t kMaxBundleCertificates = 16;
inline constexpr std::size_t kMaxCsrBytes = 5500;

template <auto Free> struct Deleter {
    template <class T> void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
struct StackOfX509Free {
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), StackOfX509Free>;

// The OpenSSL error queue as one line ("" when empty); empties the queue.
std::string openssl_error();
// A PkiError whose message ends with the OpenSSL error text, if any (the queue is emptied either way).
PkiError fail(PkiErrorKind kind, std::string message);

// A read-only memory BIO over text (valid while the text lives).
BioPtr read_bio(std::string_view text);
// Everything written to a memory BIO.
std::string bio_text(BIO* bio);

// The supported type of a key, or nullopt (another curve, another size, another algorithm).
std::optional<KeyType> key_type_of(const EVP_PKEY* key);
// The digest a signature with this key uses: SHA-384 for P-384, SHA-256 otherwise.
const EVP_MD* digest_for(const EVP_PKEY* key);

// The first private key of a PEM (encrypted ones opened with the passphrase): BadPem, BadPassphrase or BadKey.
PkiResult<PkeyPtr> load_private_key(std::string_view pem, std::string_view passphrase);
// The first certificate of a PEM (BadPem when there is none).
PkiResult<X509Ptr> load_certificate(std::string_view pem);
// Every certificate of a PEM bundle, bounded in bytes and count (BadPem, ChainTooLong).
PkiResult<X509StackPtr> load_certificates(std::string_view pem);

std::string private_key_pem(EVP_PKEY* key);
std::string public_key_pem(EVP_PKEY* key);
std::string certificate_pem(X509* cert);

Subject subject_of(const X509_NAME* name);
// Why a name cannot be read one way only (a repeated commonName, organizationName, OU or country, or a
// multi-valued RDN), or nullopt: such a subject could name one charger to one check and another to the next.
std::optional<std::string> ambiguity_of(const X509_NAME* name);
// CN, O, OU and C of the subject added to a name (C must be two letters when set).
PkiResult<bool> fill_name(X509_NAME* name, const Subject& subject);
std::string lower_hex(const unsigned char* data, std::size_t size);
// A serial number as lower-case hex without leading zeros ("0" for zero).
std::string serial_hex(const ASN1_INTEGER* serial);
TimePoint time_point_of(const ASN1_TIME* time);
CertificateInfo certificate_info(X509* cert);

} // namespace ocpp::pki::detail

namespace ocpp::pki::detail {
// The request of a CSR PEM, bounded, its own signature verified (BadCsr) and its key supported (BadKey).
PkiResult<ReqPtr> load_csr(std::string_view csr_pem);
} // namespace ocpp::pki::detail
