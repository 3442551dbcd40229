#pragma once
// The security whitepaper's state of one simulated charger: installed certificates, its own key and certificate,
// and the connection settings to fall back to. Made on first use (Charger::security_state()): most chargers of a
// large fleet never install a certificate or change their profile, and would pay for it in memory.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

// A certificate installed with InstallCertificate.
struct InstalledCertificate {
    ocpp::v16::CertificateUse use = ocpp::v16::CertificateUse::CentralSystemRootCertificate;
    std::string pem;
    ocpp::v16::CertificateHashData hash;
};

// What one connection attempt is made with: kept while new settings are tried, to fall back to them.
struct ConnectionSettings {
    int profile = 0;
    std::string url; // base URL, without the charger ID
    std::optional<std::string> password;
    std::shared_ptr<const ocpp::net::ConnectTls> tls;
};

struct SecurityState {
    std::string plain_url;                          // the configured base URL (profiles 0 and 1)
    std::vector<InstalledCertificate> certificates; // oldest first
    std::string client_chain_pem;                   // the charge point certificate from CertificateSigned
    std::string client_key_pem;                     // its key
    std::string pending_key_pem;                    // the key of the last SignCertificate, until its certificate
    std::string authorization_key;                  // the hex text last accepted
    std::optional<ConnectionSettings> fallback;     // the previous settings while new ones have not got in yet
    int failures_with_new = 0;                      // failed attempts with the new settings
    std::optional<ocpp::Clock::TimePoint> last_renewal_request; // the last renewal asked for because of expiry
    bool csr_in_flight = false;                                 // a SignCertificate is waiting for its answer
    std::unique_ptr<ocpp::Timer> reconnect; // closes the connection after a change, once the reply is out
    std::unique_ptr<ocpp::Timer> renewal;   // the next look at the certificate's expiry
};

// Adds the whitepaper's configuration keys (AuthorizationKey, SecurityProfile, CpoName, ...) for a charger's spec.
void add_security_keys(ConfigStore& config, const ChargerSpec& spec);
// The Basic password a charger with this reading sends for a hex AuthorizationKey.
std::string basic_password(const std::string& key, AuthorizationKeyReading reading);

} // namespace sim
