// certificateHashData (whitepaper, "CertificateHashDataType"): the hashes that name an installed certificate.
#include <cctype>

#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

namespace {
const EVP_MD* digest_of(v16::HashAlgorithm algorithm) {
    switch (algorithm) {
    case v16::HashAlgorithm::SHA256:
        return EVP_sha256();
    case v16::HashAlgorithm::SHA384:
        return EVP_sha384();
    case v16::HashAlgorithm::SHA512:
        return EVP_sha512();
    }
    return EVP_sha256();
}

PkiResult<std::string> digest_hex(const EVP_MD* md, const unsigned char* data, std::size_t size) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data, size, out, &length, md, nullptr) != 1)
        return fail(PkiErrorKind::Internal, "cannot hash");
    return lower_hex(out, length);
}

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string plain_serial(const std::string& serial) {
    std::string text = lower(serial);
    if (text.rfind("0x", 0) == 0)
        text.erase(0, 2);
    const auto first = text.find_first_not_of('0');
    return first == std::string::npos ? "0" : text.substr(first);
}
} // namespace

PkiResult<v16::CertificateHashData> hash_data(std::string_view certificate_pem, std::string_view issuer_pem,
                                              v16::HashAlgorithm algorithm) {
    auto cert = load_certificate(certificate_pem);
    if (!cert)
        return cert.error();
    X509* issuer = cert.value().get();
    X509Ptr issuer_holder;
    if (!issuer_pem.empty()) {
        auto loaded = load_certificate(issuer_pem);
        if (!loaded)
            return PkiError{loaded.error().kind, "the issuer: " + loaded.error().message};
        issuer_holder = std::move(loaded.value());
        issuer = issuer_holder.get();
    }
    // The issuer must be the one named in the certificate and, when given, the key that signed it.
    const bool named = X509_NAME_cmp(X509_get_subject_name(issuer), X509_get_issuer_name(cert.value().get())) == 0;
    const bool signed_by = issuer_pem.empty() || X509_verify(cert.value().get(), X509_get0_pubkey(issuer)) == 1;
    if (!named || !signed_by) {
        ERR_clear_error();
        return PkiError{PkiErrorKind::Untrusted, issuer_pem.empty()
                                                     ? "the certificate is not self-issued: its issuer is needed"
                                                     : "the given issuer did not issue the certificate"};
    }
    const EVP_MD* md = digest_of(algorithm);
    // issuerNameHash: the DER of the issuer's distinguished name (the certificate's issuer field).
    unsigned char* name_der = nullptr;
    const int name_length = i2d_X509_NAME(X509_get_issuer_name(cert.value().get()), &name_der);
    if (name_length <= 0)
        return fail(PkiErrorKind::Internal, "cannot encode the issuer name");
    auto name_hash = digest_hex(md, name_der, static_cast<std::size_t>(name_length));
    OPENSSL_free(name_der);
    if (!name_hash)
        return name_hash.error();
    // issuerKeyHash: the issuer's public key, the bits of the BIT STRING of its SubjectPublicKeyInfo (as in OCSP).
    const ASN1_BIT_STRING* key_bits = X509_get0_pubkey_bitstr(issuer);
    if (key_bits == nullptr)
        return fail(PkiErrorKind::BadPem, "the issuer has no public key");
    auto key_hash =
        digest_hex(md, ASN1_STRING_get0_data(key_bits), static_cast<std::size_t>(ASN1_STRING_length(key_bits)));
    if (!key_hash)
        return key_hash.error();
    v16::CertificateHashData data;
    data.hashAlgorithm = algorithm;
    data.issuerNameHash = std::move(name_hash.value());
    data.issuerKeyHash = std::move(key_hash.value());
    data.serialNumber = serial_hex(X509_get0_serialNumber(cert.value().get()));
    return data;
}

bool same_certificate(const v16::CertificateHashData& a, const v16::CertificateHashData& b) {
    return a.hashAlgorithm == b.hashAlgorithm && lower(a.issuerNameHash) == lower(b.issuerNameHash) &&
           lower(a.issuerKeyHash) == lower(b.issuerKeyHash) &&
           plain_serial(a.serialNumber) == plain_serial(b.serialNumber);
}

} // namespace ocpp::pki
