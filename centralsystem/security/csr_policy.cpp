#include "centralsystem/security/csr_policy.hpp"

namespace cs::security {

namespace {

// The key types a charge point certificate may have (whitepaper: RSA of 2048 bits or more, or ECDSA of 224 bits or
// more; ocpp::pki reads only the types it supports, all of which qualify).
bool allowed_key(ocpp::pki::KeyType type) {
    using ocpp::pki::KeyType;
    switch (type) {
    case KeyType::EcP256:
    case KeyType::EcP384:
    case KeyType::Rsa2048:
    case KeyType::Rsa3072:
    case KeyType::Rsa4096:
        return true;
    }
    return false;
}

std::string quoted(const std::string& text) {
    return "\"" + text.substr(0, 64) + (text.size() > 64 ? "..." : "") + "\"";
}

} // namespace

std::optional<std::string> csr_refusal(const ocpp::pki::CsrInfo& csr, const std::string& chargebox_id,
                                       const std::string& cpo_name) {
    if (csr.subject.common_name != chargebox_id) {
        return "the CSR's commonName " + quoted(csr.subject.common_name) + " is not the Chargebox ID " +
               quoted(chargebox_id);
    }
    if (csr.subject.organization != cpo_name) {
        return "the CSR's organizationName " + quoted(csr.subject.organization) + " is not the operator's CpoName " +
               quoted(cpo_name);
    }
    if (!allowed_key(csr.key_type)) {
        return "the CSR's key type " + std::string(ocpp::pki::key_type_name(csr.key_type)) + " is not allowed";
    }
    return std::nullopt;
}

} // namespace cs::security
