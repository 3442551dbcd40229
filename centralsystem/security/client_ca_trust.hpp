#pragma once
// ClientCaTrust: the CAs the TLS listeners verify chargers' client certificates (security profile 3) with, kept up
// to date while the process runs. It starts with the --tls-client-ca file and the operator CA in use; an operator CA
// imported through the API is added at once, and the ones before it stay trusted while the process runs (up to
// `kMaxOperatorCas`, the oldest dropped first); after a restart only the file and the CA in use are. To keep an
// earlier CA's chargers after a restart, put that CA into the --tls-client-ca file. Lives on the central system's loop.
#include <memory>
#include <string>
#include <vector>

#include "centralsystem/security/certificate_service.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"

namespace cs::security {

class ClientCaTrust {
public:
    static constexpr std::size_t kMaxOperatorCas = 8; // the newest are kept; the file's CAs always are

    // The listeners that verify client certificates, and the PEM text of the --tls-client-ca file.
    ClientCaTrust(std::vector<ocpp::net::Server*> servers, std::string file_pem)
        : servers_(std::move(servers))
        , file_pem_(std::move(file_pem)) {}

    // Trusts one more operator CA (PEM) beside the ones trusted so far and applies the set to every listener.
    ocpp::Result<void> add(const std::string& ca_pem);
    // What the listeners trust now (the file first), for tests and logs.
    std::vector<std::string> trusted() const;

private:
    std::vector<ocpp::net::Server*> servers_;
    std::string file_pem_;
    std::vector<std::string> operator_cas_; // oldest first
};

// Reads the --tls-client-ca file, trusts it and the service's CA on the listeners (after listen()), and adds each CA
// the service imports later (logged; a CA that cannot be added leaves the trusted set as it was).
ocpp::Result<std::unique_ptr<ClientCaTrust>> trust_client_cas(CertificateService& service, const std::string& file,
                                                              std::vector<ocpp::net::Server*> servers,
                                                              const ocpp::Logger& log);

} // namespace cs::security
