#pragma once
// The security group's steps that need no connection: the AuthorizationKey the tester sets and how a reconnect's
// password reads against it.
#include <optional>
#include <string>

namespace tester::profiles {

// A fresh AuthorizationKey (40 hex digits) whose 20 decoded bytes are printable, so that a charger may present
// either reading (the hex text, or the decoded text) and the tester can tell which.
std::string printable_authorization_key();

// Which password a charger presented after the tester set `key`.
enum class KeyReading { Hex, Decoded, Old, Unknown };
KeyReading read_password(const std::string& key, const std::optional<std::string>& old_password,
                         const std::optional<std::string>& presented);
// "the key's decoded bytes (the whitepaper's reading)", ...
const char* describe(KeyReading reading);

// The certificate to install as CentralSystemRootCertificate from the tester's certificate file: its last
// certificate when the file holds a chain or a self-signed or CA certificate; "" when it holds only a leaf signed by
// someone else (then --tls-root names the CA).
std::string root_of_chain(const std::string& chain_pem);

} // namespace tester::profiles
