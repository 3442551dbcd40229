#pragma once
// The checks a central system makes on a charger's CSR before its CA signs it (whitepaper, "A02 Update Charge Point
// certificate by request of Central System"): the subject's commonName is the Chargebox ID, its organizationName is
// the operator's CpoName, and the key is of an allowed type and size. Pure functions; tests call them directly.
#include <optional>
#include <string>

#include "ocpp/pki/pki.hpp"
#include "ocpp/pki/subject_name.hpp"

namespace cs::security {

// Why the CSR must not be signed for this charger, or nullopt when it may.
std::optional<std::string> csr_refusal(const ocpp::pki::CsrInfo& csr, const std::string& chargebox_id,
                                       const std::string& cpo_name);

using ocpp::pki::common_name_of; // the core's (ocpp/pki/subject_name.hpp)

} // namespace cs::security
