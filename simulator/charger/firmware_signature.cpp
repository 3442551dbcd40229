// Until the certificate library is part of the build, no signing certificate is trusted: SignedUpdateFirmware is
// answered InvalidCertificate.
#include "simulator/charger/firmware_signature.hpp"

namespace sim {

std::optional<std::string> signing_certificate_problem(const std::string&, const std::vector<std::string>&,
                                                       std::chrono::system_clock::time_point) {
    return std::string("no certificate checks in this build");
}

std::optional<std::string> firmware_signature_problem(const std::string&, const std::string&, const std::string&) {
    return std::string("no signature checks in this build");
}

} // namespace sim
