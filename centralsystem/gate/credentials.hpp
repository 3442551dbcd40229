#pragma once
// What the handshake gate knows about a charger (Credentials), kept in step with the store by whoever changes it.
// The status is typed here; the database keeps its text ("planned", "operational"), converted at the edge.
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/records.hpp"

namespace cs {

// Where a charger is in its life: planned (may connect and boot, nobody charges) or operational (commissioned).
enum class ChargerStatus { Planned, Operational };
// The stored text of a status.
std::string_view to_string(ChargerStatus s);
// A status from its stored text; anything but "operational" is planned (nobody charges at an unknown state).
ChargerStatus charger_status_of(std::string_view text);

struct Credentials {
    std::string password_hash; // "" = no HTTP Basic auth
    ChargerStatus status = ChargerStatus::Planned;
    bool accept_any_password = false;
    // A password rotation in progress: hashes of the new password (each reading of the AuthorizationKey). The old
    // password and these pass until the charger comes with one of these, which then becomes the password.
    std::vector<std::string> pending_hashes{};
    int security_profile = 0; // the highest profile the charger proved: below 2 plain is refused, below 3 no cert
};

// The credentials of a stored charger.
Credentials credentials_of(const Charger& c);

// A cache entry: the credentials, plus memo tags (store::PasswordMemo) of the last password that passed and the last
// one that failed PBKDF2, dropped whenever the hash changes.
struct KnownCredentials : Credentials {
    std::string verified_tag, refused_tag;
    bool hash_pending = false; // a password taken at the handshake is being hashed: only verified_tag passes
};

} // namespace cs
