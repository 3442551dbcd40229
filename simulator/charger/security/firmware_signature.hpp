#pragma once
// The two checks of a signed firmware update, kept apart from the charger's state machine: is the signing
// certificate trusted, and does the signature match the downloaded bytes.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sim {

// Why a firmware signing certificate (PEM, leaf first) is not trusted by the roots at `at`; nothing when it is.
std::optional<std::string> signing_certificate_problem(const std::string& certificate_pem,
                                                       const std::vector<std::string>& roots_pem,
                                                       std::chrono::system_clock::time_point at);
// Why a base64 signature over `data` does not verify with the certificate's key; nothing when it does.
std::optional<std::string> firmware_signature_problem(const std::string& certificate_pem, const std::string& data,
                                                      const std::string& signature_b64);

} // namespace sim
