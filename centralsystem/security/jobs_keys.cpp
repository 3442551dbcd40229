// The AuthorizationKey of a rotation: 20 random bytes written as hex, and the Basic passwords chargers present for
// it (the decoded bytes, as the whitepaper reads it, and the hex text many chargers send instead). Both come from the
// certificate library's reading of the key (ocpp/pki/authorization_key.hpp).
#include "centralsystem/security/jobs.hpp"
#include "ocpp/pki/authorization_key.hpp"

namespace cs {

std::string new_authorization_key() {
    return ocpp::pki::random_authorization_key(20);
}

std::vector<std::string> passwords_for_key(const std::string& key) {
    return ocpp::pki::basic_passwords_for_key(key);
}

} // namespace cs
