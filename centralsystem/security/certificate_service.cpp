#include "centralsystem/security/certificate_service.hpp"

#include "centralsystem/security/csr_policy.hpp"

namespace cs::security {

SignOutcome sign_for_charger(const ocpp::pki::CertificateAuthority& ca, const std::string& csr_pem,
                             const std::string& chargebox_id, const std::string& cpo_name, ocpp::pki::TimePoint now,
                             std::chrono::seconds validity) {
    SignOutcome out;
    auto csr = ocpp::pki::read_csr(csr_pem);
    if (!csr) {
        out.refusal = "the CSR cannot be used: " + csr.error().message;
        return out;
    }
    if (auto why = csr_refusal(*csr, chargebox_id, cpo_name)) {
        out.refusal = *why;
        return out;
    }
    ocpp::pki::IssueOptions options;
    options.usage = ocpp::pki::Usage::ChargePointClient;
    options.not_before = now - std::chrono::minutes(5); // a charger's clock a little behind still accepts it
    options.validity = validity;
    auto certificate = ca.sign(csr_pem, options);
    if (!certificate) {
        out.refusal = "the CA could not sign the CSR: " + certificate.error().message;
        return out;
    }
    auto info = ocpp::pki::read_certificates(*certificate);
    if (!info || info->empty()) {
        out.refusal = "the CA's certificate cannot be read back";
        return out;
    }
    out.signed_ok = true;
    out.certificate = info->front();
    out.chain_pem = *certificate;
    if (!out.chain_pem.empty() && out.chain_pem.back() != '\n') {
        out.chain_pem += '\n';
    }
    out.chain_pem += ca.certificate_pem();
    return out;
}

bool CertificateService::sign(const std::string& csr_pem, const std::string& chargebox_id,
                              std::function<void(SignOutcome)> done) {
    auto ca = ca_.authority;
    if (!ca) {
        return false;
    }
    const auto now = loop_.clock().wall_now();
    return signer_.submit<SignOutcome>(
        [ca, csr_pem, chargebox_id, cpo = ca_.cpo_name, now, validity = certificate_validity](
            const std::atomic<bool>&) { return sign_for_charger(*ca, csr_pem, chargebox_id, cpo, now, validity); },
        loop_, std::move(done));
}

} // namespace cs::security
