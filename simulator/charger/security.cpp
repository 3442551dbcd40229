// The security whitepaper's certificate side of a simulated charger: its key and CSR (SignCertificate),
// CertificateSigned, the certificate store (InstallCertificate, DeleteCertificate, GetInstalledCertificateIds) and
// the SecurityProfile and AuthorizationKey configuration keys.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

void Charger::register_security() {}

void Charger::request_certificate() {}

} // namespace sim
