#pragma once
// The security group's verdicts on a connection attempt itself (no OCPP needed): the TLS version and the cipher
// suites against the security whitepaper, and a profile 3 client certificate's chain, key, validity and subject.
// Judged from what ocpp/net recorded of the handshake, also when the handshake failed.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/net/session.hpp"
#include "tester/checks/checks.hpp"

namespace tester::profiles {

inline constexpr const char* kSecurityTls = "security.tls";
inline constexpr const char* kSecurityClientCertificate = "security.client_certificate";

// The cipher suites a charger must offer (TLS 1.2, IANA names): both of one pair.
const std::vector<std::string>& whitepaper_ecdsa_suites();
const std::vector<std::string>& whitepaper_rsa_suites();

// TLS 1.2 or newer, and the offered suites hold one of the whitepaper's pairs (unknown offers are reported, not
// failed); the negotiated suite and SNI in words.
Outcome check_whitepaper_tls(const ocpp::net::HandshakeInfo& info);
// The presented client certificate (security profile 3) against config.client_ca_pem at `now`: a chain to the
// client CA, an allowed key, valid now (a warning within 30 days of its end), CN the Chargebox ID, O present.
Outcome check_client_certificate(const ocpp::net::HandshakeInfo& info, const TestConfig& config,
                                 std::chrono::system_clock::time_point now);

// Splits "a,b,c" into its items (empty items dropped).
std::vector<std::string> split_list(std::string_view csv);

} // namespace tester::profiles
