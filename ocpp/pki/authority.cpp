// The certificate authority: a root (made here or loaded) that signs CSRs into certificates for one usage.
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

struct CertificateAuthority::Loaded {
    X509Ptr certificate;
    PkeyPtr key;
};

namespace {
bool set_random_serial(X509* cert) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1)
        return false;
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x01; // 16 bytes, no leading zero byte
    BIGNUM* number = BN_bin2bn(bytes, sizeof(bytes), nullptr);
    const bool ok = number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert)) != nullptr;
    BN_free(number);
    return ok;
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
    ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

bool set_validity(X509* cert, TimePoint from, TimePoint until) {
    return ASN1_TIME_set(X509_getm_notBefore(cert), std::chrono::system_clock::to_time_t(from)) != nullptr &&
           ASN1_TIME_set(X509_getm_notAfter(cert), std::chrono::system_clock::to_time_t(until)) != nullptr;
}

bool valid_dns_name(const std::string& name) {
    if (name.empty() || name.size() > 253)
        return false;
    for (const char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '*')
            return false;
    return true;
}

// subjectAltName from DNS names and IP addresses, each checked (no text is handed to OpenSSL's config parser).
PkiResult<bool> add_alt_names(X509* cert, const IssueOptions& options) {
    if (options.dns_names.empty() && options.ip_addresses.empty())
        return true;
    if (options.dns_names.size() + options.ip_addresses.size() > 64)
        return PkiError{PkiErrorKind::SubjectMismatch, "more than 64 subjectAltName entries"};
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    const auto done = [&names](PkiResult<bool> result) {
        GENERAL_NAMES_free(names);
        return result;
    };
    for (const std::string& dns : options.dns_names) {
        if (!valid_dns_name(dns))
            return done(PkiError{PkiErrorKind::SubjectMismatch, "not a DNS name: \"" + dns + "\""});
        GENERAL_NAME* name = GENERAL_NAME_new();
        ASN1_IA5STRING* text = ASN1_IA5STRING_new();
        ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size()));
        GENERAL_NAME_set0_value(name, GEN_DNS, text);
        sk_GENERAL_NAME_push(names, name);
    }
    for (const std::string& ip : options.ip_addresses) {
        ASN1_OCTET_STRING* address = a2i_IPADDRESS(ip.c_str());
        if (address == nullptr || ip.find('/') != std::string::npos) {
            ASN1_OCTET_STRING_free(address);
            ERR_clear_error();
            return done(PkiError{PkiErrorKind::SubjectMismatch, "not an IP address: \"" + ip + "\""});
        }
        GENERAL_NAME* name = GENERAL_NAME_new();
        GENERAL_NAME_set0_value(name, GEN_IPADD, address);
        sk_GENERAL_NAME_push(names, name);
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) != 1)
        return done(fail(PkiErrorKind::Internal, "cannot add the subjectAltName"));
    return done(true);
}

// The CSR's SubjectPublicKeyInfo copied into the certificate as it is. X509_set_pubkey would encode the key again
// through OpenSSL 3's encoder lookup, which costs about 40 % of signing a certificate.
bool copy_public_key(X509* cert, X509_REQ* request) {
    ASN1_OBJECT* key_oid = nullptr;
    const unsigned char* bits = nullptr;
    int length = 0;
    X509_ALGOR* algorithm = nullptr;
    if (X509_PUBKEY_get0_param(&key_oid, &bits, &length, &algorithm, X509_REQ_get_X509_PUBKEY(request)) != 1 ||
        algorithm == nullptr || bits == nullptr || length <= 0)
        return false;
    const ASN1_OBJECT* oid = nullptr;
    int parameter_type = 0;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&oid, &parameter_type, &parameter, algorithm);
    void* parameter_copy = nullptr;
    if (parameter_type == V_ASN1_OBJECT)
        parameter_copy = OBJ_dup(static_cast<const ASN1_OBJECT*>(parameter)); // an EC key's named curve
    else if (parameter_type == V_ASN1_SEQUENCE)
        parameter_copy = ASN1_STRING_dup(static_cast<const ASN1_STRING*>(parameter));
    else if (parameter_type != V_ASN1_NULL && parameter_type != V_ASN1_UNDEF) // RSA: NULL
        return false;
    auto* encoded = static_cast<unsigned char*>(OPENSSL_memdup(bits, static_cast<std::size_t>(length)));
    ASN1_OBJECT* oid_copy = OBJ_dup(oid);
    if (encoded == nullptr || oid_copy == nullptr ||
        X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), oid_copy, parameter_type, parameter_copy, encoded, length) !=
            1) {
        OPENSSL_free(encoded);
        ASN1_OBJECT_free(oid_copy);
        if (parameter_type == V_ASN1_OBJECT)
            ASN1_OBJECT_free(static_cast<ASN1_OBJECT*>(parameter_copy));
        else
            ASN1_STRING_free(static_cast<ASN1_STRING*>(parameter_copy));
        return false;
    }
    return true;
}

// basicConstraints, keyUsage and extendedKeyUsage of each usage.
bool add_usage_extensions(X509* cert, X509* issuer, Usage usage, bool rsa) {
    const char* agreement =
        rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature,keyAgreement";
    switch (usage) {
    case Usage::ChargePointClient:
        return add_extension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
               add_extension(cert, issuer, NID_key_usage, agreement) &&
               add_extension(cert, issuer, NID_ext_key_usage, "clientAuth");
    case Usage::CentralSystemServer:
        return add_extension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
               add_extension(cert, issuer, NID_key_usage, agreement) &&
               add_extension(cert, issuer, NID_ext_key_usage, "serverAuth");
    case Usage::FirmwareSigning:
        return add_extension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
               add_extension(cert, issuer, NID_key_usage, "critical,digitalSignature") &&
               add_extension(cert, issuer, NID_ext_key_usage, "codeSigning");
    case Usage::IntermediateCa:
        return add_extension(cert, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
               add_extension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    return false;
}
} // namespace

PkiResult<CertificateAuthority> CertificateAuthority::create(const Subject& subject, TimePoint now,
                                                             std::chrono::seconds validity, KeyType type) {
    if (validity.count() <= 0)
        return PkiError{PkiErrorKind::Internal, "the validity must be positive"};
    auto pair = generate_key(type);
    if (!pair)
        return pair.error();
    auto key = load_private_key(pair->private_pem, {});
    if (!key)
        return key.error();
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get()))
        return fail(PkiErrorKind::Internal, "cannot create the root certificate");
    auto filled = fill_name(X509_get_subject_name(cert.get()), subject);
    if (!filled)
        return filled.error();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
        !set_validity(cert.get(), now, now + validity) || X509_set_pubkey(cert.get(), key.value().get()) != 1 ||
        !add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
        !add_extension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always") ||
        X509_sign(cert.get(), key.value().get(), digest_for(key.value().get())) <= 0)
        return fail(PkiErrorKind::Internal, "cannot create the root certificate");
    return load(detail::certificate_pem(cert.get()), pair->private_pem);
}

PkiResult<CertificateAuthority> CertificateAuthority::load(std::string certificate_pem, std::string private_key_pem,
                                                           std::string_view passphrase) {
    auto key = load_private_key(private_key_pem, passphrase);
    if (!key)
        return key.error();
    auto cert = load_certificate(certificate_pem);
    if (!cert)
        return cert.error();
    if (X509_check_private_key(cert.value().get(), key.value().get()) != 1)
        return fail(PkiErrorKind::BadKey, "the private key does not belong to the CA certificate");
    if (X509_check_ca(cert.value().get()) != 1)
        return PkiError{PkiErrorKind::BadPem, "the certificate is not a CA (basicConstraints CA:TRUE)"};
    CertificateAuthority authority;
    authority.info_ = certificate_info(cert.value().get());
    authority.certificate_pem_ = authority.info_.pem;
    authority.private_key_pem_ = private_key_pem;
    if (!passphrase.empty()) // what this object gives out is the plain key, as private_key_pem() promises
        authority.private_key_pem_ = detail::private_key_pem(key.value().get());
    auto loaded = std::make_shared<Loaded>();
    loaded->certificate = std::move(cert.value());
    loaded->key = std::move(key.value());
    authority.loaded_ = std::move(loaded);
    return authority;
}

PkiResult<std::string> CertificateAuthority::sign(std::string_view csr_pem, const IssueOptions& options) const {
    if (options.validity.count() <= 0)
        return PkiError{PkiErrorKind::Internal, "the validity must be positive"};
    auto request = load_csr(csr_pem);
    if (!request)
        return request.error();
    X509* issuer = loaded_->certificate.get();
    EVP_PKEY* subject_key = X509_REQ_get0_pubkey(request.value().get());
    const TimePoint from = options.not_before == TimePoint{} ? std::chrono::system_clock::now() : options.not_before;
    // Nothing outlives its issuer.
    const TimePoint until = std::min(from + options.validity, info_.not_after);
    if (until <= from)
        return PkiError{PkiErrorKind::Expired, "the CA is not valid after the requested start"};
    // The subject is rebuilt from what read_csr reports (and the caller checked), never copied: a repeated or
    // multi-valued name could say one thing to the check and another to whoever reads the certificate.
    const X509_NAME* asked = X509_REQ_get_subject_name(request.value().get());
    if (auto why = ambiguity_of(asked))
        return PkiError{PkiErrorKind::SubjectMismatch, *why};
    NamePtr subject(X509_NAME_new());
    if (!subject)
        return fail(PkiErrorKind::Internal, "cannot build the subject");
    if (auto filled = fill_name(subject.get(), subject_of(asked)); !filled)
        return filled.error();
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get()) ||
        X509_set_subject_name(cert.get(), subject.get()) != 1 ||
        X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1 ||
        !set_validity(cert.get(), from, until) || !copy_public_key(cert.get(), request.value().get()))
        return fail(PkiErrorKind::Internal, "cannot build the certificate");
    const bool rsa = EVP_PKEY_is_a(subject_key, "RSA") == 1;
    if (!add_usage_extensions(cert.get(), issuer, options.usage, rsa) ||
        !add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash") ||
        !add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always"))
        return fail(PkiErrorKind::Internal, "cannot add the certificate's extensions");
    auto alt = add_alt_names(cert.get(), options);
    if (!alt)
        return alt.error();
    if (X509_sign(cert.get(), loaded_->key.get(), digest_for(loaded_->key.get())) <= 0)
        return fail(PkiErrorKind::Internal, "cannot sign the certificate");
    return detail::certificate_pem(cert.get());
}

PkiResult<std::pair<KeyPair, std::string>>
CertificateAuthority::issue(const Subject& subject, const IssueOptions& options, KeyType type) const {
    auto pair = generate_key(type);
    if (!pair)
        return pair.error();
    auto csr = make_csr(pair->private_pem, subject);
    if (!csr)
        return csr.error();
    auto cert = sign(csr.value(), options);
    if (!cert)
        return cert.error();
    return std::make_pair(std::move(pair.value()), std::move(cert.value()));
}

} // namespace ocpp::pki
