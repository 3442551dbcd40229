// Certificate signing requests (PKCS#10): made with a key and a subject, read back with their own signature checked.
#include <openssl/pem.h>

#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

PkiResult<std::string> make_csr(std::string_view private_key_pem, const Subject& subject) {
    auto key = load_private_key(private_key_pem, {});
    if (!key)
        return key.error();
    ReqPtr request(X509_REQ_new());
    if (!request || X509_REQ_set_version(request.get(), 0) != 1)
        return fail(PkiErrorKind::Internal, "cannot create a CSR");
    auto filled = fill_name(X509_REQ_get_subject_name(request.get()), subject);
    if (!filled)
        return filled.error();
    if (X509_REQ_set_pubkey(request.get(), key.value().get()) != 1 ||
        X509_REQ_sign(request.get(), key.value().get(), digest_for(key.value().get())) <= 0)
        return fail(PkiErrorKind::Internal, "cannot sign the CSR");
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(bio.get(), request.get());
    return bio_text(bio.get());
}

namespace detail {
// The request of a CSR PEM, its signature verified (BadCsr) and its key supported (BadKey).
PkiResult<ReqPtr> load_csr(std::string_view csr_pem) {
    if (csr_pem.size() > kMaxCsrBytes)
        return PkiError{PkiErrorKind::BadCsr, "the CSR is longer than 5,500 bytes"};
    ERR_clear_error();
    auto bio = read_bio(csr_pem);
    ReqPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!request)
        return fail(PkiErrorKind::BadCsr, "no certificate signing request in the PEM text");
    EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
    if (key == nullptr)
        return fail(PkiErrorKind::BadCsr, "the CSR carries no readable public key");
    if (X509_REQ_verify(request.get(), key) != 1)
        return fail(PkiErrorKind::BadCsr, "the CSR's signature does not verify with its own key");
    ERR_clear_error();
    if (!key_type_of(key))
        return PkiError{PkiErrorKind::BadKey, "the CSR's key is neither ECDSA P-256/P-384 nor RSA 2048/3072/4096"};
    return request;
}
} // namespace detail

PkiResult<CsrInfo> read_csr(std::string_view csr_pem) {
    auto request = load_csr(csr_pem);
    if (!request)
        return request.error();
    EVP_PKEY* key = X509_REQ_get0_pubkey(request.value().get());
    CsrInfo info;
    if (auto why = ambiguity_of(X509_REQ_get_subject_name(request.value().get())))
        return PkiError{PkiErrorKind::SubjectMismatch, *why};
    info.subject = subject_of(X509_REQ_get_subject_name(request.value().get()));
    info.key_type = *key_type_of(key);
    info.public_key_pem = public_key_pem(key);
    return info;
}

} // namespace ocpp::pki
