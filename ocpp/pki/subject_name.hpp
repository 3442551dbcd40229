#pragma once
// Names in certificate subjects as OpenSSL prints them (RFC 2253), for the checks a central system and a scenario's
// central-system role make of a charger's client certificate.
#include <string>

namespace ocpp::pki {

// The commonName of an RFC 2253 subject ("CN=CB-1,O=Acme" -> "CB-1"), escapes undone; "" when there is none.
std::string common_name_of(const std::string& rfc2253_subject);

} // namespace ocpp::pki
