// libFuzzer target: PEM text as a peer hands it to ocpp/pki (a CSR in SignCertificate, a chain in CertificateSigned,
// a root in InstallCertificate, a signing certificate in SignedUpdateFirmware) goes through every reader of the
// library. A crash, hang, leak or sanitizer report is a bug; an error value is the expected answer to bad text.
// Found inputs go to fuzz/crashes/pki/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ocpp/pki/pki.hpp"

namespace {

// One root for every input, made on first use (a fuzz target has no other place for it).
const ocpp::pki::CertificateAuthority& authority() {
    static const ocpp::pki::CertificateAuthority ca =
        ocpp::pki::CertificateAuthority::create({"Fuzz Root", "Fuzz", "", ""}, std::chrono::system_clock::now(),
                                                std::chrono::hours(24))
            .value();
    return ca;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto& ca = authority();
    (void)ocpp::pki::read_certificates(text);
    (void)ocpp::pki::read_csr(text);
    (void)ocpp::pki::read_private_key(text);
    (void)ocpp::pki::hash_data(text);
    (void)ocpp::pki::hash_data(text, ca.certificate_pem());
    (void)ocpp::pki::verify_chain(text, {ca.certificate_pem()}, {});
    (void)ocpp::pki::verify_chain(ca.certificate_pem(), {text}, {});
    (void)ocpp::pki::verify_data(text, "firmware", "AAAA");
    (void)ocpp::pki::verify_data(ca.certificate_pem(), "firmware", text);
    (void)ca.sign(text, {});
    return 0;
}
