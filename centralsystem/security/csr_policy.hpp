#pragma once
// The checks a central system makes on a charger's CSR before its CA signs it (whitepaper, "A02 Update Charge Point
// certificate by request of Central System"): the subject's commonName is the Chargebox ID, its organizationName is
// the operator's CpoName, and the key is of an allowed type and size. Pure functions; tests call them directly.
#include <optional>
#include <string>

#include "ocpp/pki/pki.hpp"

namespace cs::security {

// Why the CSR must not be signed for this charger, or nullopt when it may.
std::optional<std::string> csr_refusal(const ocpp::pki::CsrInfo& csr, const std::string& chargebox_id,
                                       const std::string& cpo_name);

// The commonName of an RFC 2253 subject ("CN=CB-1,O=Acme" -> "CB-1"), escapes undone; "" when there is none.
std::string common_name_of(const std::string& rfc2253_subject);

} // namespace cs::security
