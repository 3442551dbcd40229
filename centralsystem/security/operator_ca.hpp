#pragma once
// The operator CA: the certificate authority that signs the chargers' CSRs. Created on first start (ECDSA P-256,
// O = the CPO's name) or imported (a CA certificate and its key); stored in the database with the private key
// encrypted under the operator's passphrase, so the key never rests in clear. Opening it needs the passphrase; a
// wrong one is an error, never a new CA.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "centralsystem/db/security/security.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/util/result.hpp"
#include "store/connection.hpp"

namespace cs::security {

// The CA in use and the CpoName charger certificates carry.
struct OperatorCa {
    std::shared_ptr<const ocpp::pki::CertificateAuthority> authority; // nullptr: no CA configured
    std::string cpo_name;
    std::string origin; // "created" or "imported"
};

// What the command line says about the CA.
struct CaSetup {
    std::string cpo_name;                       // --cpo-name; empty: the stored CA's organizationName
    std::string passphrase;                     // --ca-passphrase-file or OCPPKIT_CA_PASSPHRASE; empty: no CA
    std::string cert_file, key_file;            // --ca-cert, --ca-key: imported at start (replacing the stored CA)
    std::chrono::hours validity{24 * 365 * 10}; // of a CA created here
};

// At start-up, before the store worker owns the connection: imports the given files, or opens the stored CA, or
// creates one. Without a passphrase and with nothing stored there is no CA (authority nullptr); a stored CA without
// the passphrase, or with a wrong one, is an error naming what to do.
ocpp::Result<OperatorCa> open_operator_ca(store::Connection& db, const CaSetup& setup, std::string_view now_text,
                                          ocpp::pki::TimePoint now);

// A CA given by the operator (PEM certificate and key, the key perhaps encrypted with key_passphrase), checked and
// its key sealed under `passphrase`: what to store and what to use. Slow (key derivation): run it off the loop.
struct SealedCa {
    OperatorCa ca;
    StoredCa stored;
};
ocpp::Result<SealedCa> seal_imported_ca(const std::string& certificate_pem, const std::string& key_pem,
                                        std::string_view key_passphrase, const std::string& passphrase,
                                        const std::string& cpo_name, std::string_view now_text);

} // namespace cs::security
