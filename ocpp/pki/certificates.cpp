// Certificates: reading PEM bundles and verifying a chain against installed roots.
#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

PkiResult<std::vector<CertificateInfo>> read_certificates(std::string_view pem) {
    auto stack = load_certificates(pem);
    if (!stack)
        return stack.error();
    std::vector<CertificateInfo> infos;
    for (int i = 0; i < sk_X509_num(stack.value().get()); ++i)
        infos.push_back(certificate_info(sk_X509_value(stack.value().get(), i)));
    return infos;
}

namespace {
PkiErrorKind kind_of_verify_error(int code) {
    switch (code) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return PkiErrorKind::Expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return PkiErrorKind::NotYetValid;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        return PkiErrorKind::ChainTooLong;
    default:
        return PkiErrorKind::Untrusted;
    }
}

// Why a leaf's extendedKeyUsage rules out `usage`, or nothing (no extension: any use; a CA usage: not checked here).
std::optional<std::string> usage_problem(X509* leaf, Usage usage) {
    std::uint32_t needed = 0;
    const char* name = "";
    switch (usage) {
    case Usage::ChargePointClient:
        needed = XKU_SSL_CLIENT;
        name = "clientAuth (a TLS client)";
        break;
    case Usage::CentralSystemServer:
        needed = XKU_SSL_SERVER;
        name = "serverAuth (a TLS server)";
        break;
    case Usage::FirmwareSigning:
        needed = XKU_CODE_SIGN;
        name = "codeSigning (a firmware signer)";
        break;
    case Usage::IntermediateCa:
        return std::nullopt;
    }
    if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0 || (X509_get_extended_key_usage(leaf) & needed) != 0)
        return std::nullopt;
    return "the certificate's extendedKeyUsage does not include " + std::string(name) + ": it is for another use";
}
} // namespace

PkiResult<CertificateInfo> verify_chain(std::string_view chain_pem, const std::vector<std::string>& roots_pem,
                                        const VerifyOptions& options) {
    if (options.max_chain_bytes != 0 && chain_pem.size() > options.max_chain_bytes)
        return PkiError{PkiErrorKind::ChainTooLong, "the chain has " + std::to_string(chain_pem.size()) +
                                                        " bytes, more than the " +
                                                        std::to_string(options.max_chain_bytes) + " allowed"};
    auto chain = load_certificates(chain_pem);
    if (!chain)
        return chain.error();
    if (roots_pem.empty())
        return PkiError{PkiErrorKind::Untrusted, "no trusted root is installed"};
    StorePtr store(X509_STORE_new());
    if (!store)
        return fail(PkiErrorKind::Internal, "out of memory");
    std::size_t roots = 0;
    for (const std::string& pem : roots_pem) {
        auto certs = load_certificates(pem);
        if (!certs)
            return PkiError{certs.error().kind, "a trusted root: " + certs.error().message};
        roots += static_cast<std::size_t>(sk_X509_num(certs.value().get()));
        if (roots > 16 * kMaxBundleCertificates)
            return PkiError{PkiErrorKind::ChainTooLong, "more than 256 trusted roots"};
        for (int i = 0; i < sk_X509_num(certs.value().get()); ++i)
            if (X509_STORE_add_cert(store.get(), sk_X509_value(certs.value().get(), i)) != 1)
                ERR_clear_error(); // the same root twice
    }
    X509* leaf = sk_X509_value(chain.value().get(), 0);
    X509StackPtr intermediates(sk_X509_new_null());
    for (int i = 1; i < sk_X509_num(chain.value().get()); ++i) {
        X509* cert = sk_X509_value(chain.value().get(), i);
        X509_up_ref(cert);
        sk_X509_push(intermediates.get(), cert);
    }
    StoreCtxPtr context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf, intermediates.get()) != 1)
        return fail(PkiErrorKind::Internal, "cannot set up the chain verification");
    const TimePoint at = options.at == TimePoint{} ? std::chrono::system_clock::now() : options.at;
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
    X509_VERIFY_PARAM_set_depth(param, static_cast<int>(kMaxBundleCertificates));
    if (X509_verify_cert(context.get()) != 1) {
        const int code = X509_STORE_CTX_get_error(context.get());
        const int depth = X509_STORE_CTX_get_error_depth(context.get());
        std::string who = depth == 0 ? "the certificate" : "certificate " + std::to_string(depth) + " of the chain";
        if (X509* bad = X509_STORE_CTX_get_current_cert(context.get()))
            who += " (" + subject_of(X509_get_subject_name(bad)).one_line() + ")";
        ERR_clear_error();
        return PkiError{kind_of_verify_error(code), who + ": " + X509_verify_cert_error_string(code)};
    }
    if (!key_type_of(X509_get0_pubkey(leaf)))
        return PkiError{PkiErrorKind::BadKey,
                        "the certificate's key is neither ECDSA P-256/P-384 nor RSA 2048/3072/4096"};
    if (options.usage)
        if (auto problem = usage_problem(leaf, *options.usage))
            return PkiError{PkiErrorKind::WrongUsage, *problem};
    CertificateInfo info = certificate_info(leaf);
    if (!options.expected_common_name.empty() && info.subject.common_name != options.expected_common_name)
        return PkiError{PkiErrorKind::SubjectMismatch, "the certificate's commonName is \"" + info.subject.common_name +
                                                           "\", not \"" + options.expected_common_name + "\""};
    if (!options.expected_organization.empty() && info.subject.organization != options.expected_organization)
        return PkiError{PkiErrorKind::SubjectMismatch, "the certificate's organizationName is \"" +
                                                           info.subject.organization + "\", not \"" +
                                                           options.expected_organization + "\""};
    return info;
}

} // namespace ocpp::pki
