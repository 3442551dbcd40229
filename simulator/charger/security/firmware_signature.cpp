// The signed firmware checks through the certificate library: the signing certificate must chain to an installed
// root and be valid now; the signature (SHA-256, ECDSA or RSA, base64) must verify over the file's bytes.
#include "simulator/charger/security/firmware_signature.hpp"

#include "ocpp/pki/pki.hpp"

namespace sim {

std::optional<std::string> signing_certificate_problem(const std::string& certificate_pem,
                                                       const std::vector<std::string>& roots_pem,
                                                       std::chrono::system_clock::time_point at) {
    if (roots_pem.empty()) {
        return std::string("no ManufacturerRootCertificate is installed");
    }
    ocpp::pki::VerifyOptions options;
    options.at = at;
    options.usage = ocpp::pki::Usage::FirmwareSigning; // a TLS client certificate under the root signs no firmware
    const auto leaf = ocpp::pki::verify_chain(certificate_pem, roots_pem, options);
    if (!leaf) {
        return leaf.error().message;
    }
    return std::nullopt;
}

std::optional<std::string> firmware_signature_problem(const std::string& certificate_pem, const std::string& data,
                                                      const std::string& signature_b64) {
    const auto valid = ocpp::pki::verify_data(certificate_pem, data, signature_b64);
    if (!valid) {
        return valid.error().message;
    }
    if (!*valid) {
        return std::string("the signature does not match the firmware");
    }
    return std::nullopt;
}

} // namespace sim
