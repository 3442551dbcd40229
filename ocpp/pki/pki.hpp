#pragma once
// ocpp/pki: the certificate work of the OCPP 1.6 security whitepaper ("Improved security for OCPP 1.6-J") through
// OpenSSL: key pairs, certificate signing requests, a certificate authority that signs them, chains checked against
// installed roots, certificateHashData, and firmware signatures. Values are PEM text and small structs; OpenSSL stays
// inside the .cpp files. Everything here is CPU work without I/O (times are passed in; a default time means "now"):
// run it off the event loop where it is slow (RSA keys, signing in bulk). All functions and the const members of
// CertificateAuthority may be called from several threads at once.
//
// Bounds on what a peer sends: a PEM text over 64 KiB or with more than 16 certificates is refused (ChainTooLong for
// certificates, BadPem for keys), a CSR over 5,500 bytes (SignCertificate's maxLength) is BadCsr, a signature over
// 8 KiB is BadSignature. Garbage and truncated PEM never crash; they are BadPem / BadCsr.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ocpp/v16/messages.hpp"

namespace ocpp::pki {

using TimePoint = std::chrono::system_clock::time_point;

// Why a certificate operation failed; code switches on the kind, people read the message.
enum class PkiErrorKind {
    BadPem,          // not PEM, or not the object that was expected (a key where a certificate belongs, ...)
    BadKey,          // a key type or size this profile does not allow, or a key that does not match its certificate
    BadCsr,          // a CSR that cannot be read or whose own signature does not verify
    SubjectMismatch, // a subject that does not carry what was required (commonName, organizationName)
    Expired,         // notAfter is before the time asked about
    NotYetValid,     // notBefore is after the time asked about
    Untrusted,       // no chain from the certificate to one of the given roots
    ChainTooLong,    // more bytes or certificates than allowed (CertificateSignedMaxChainSize)
    BadSignature,    // a signature (firmware, data) that does not verify with the given certificate
    BadPassphrase,   // an encrypted private key that the passphrase does not open
    WrongUsage,      // a certificate whose extended key usage is for something else (VerifyOptions::usage)
    Internal,        // OpenSSL failed for a reason of its own (the message carries its error text)
};

struct PkiError {
    PkiErrorKind kind = PkiErrorKind::Internal;
    std::string message;
};

// A value or a PkiError.
template <class T> class [[nodiscard]] PkiResult {
public:
    PkiResult(T value)
        : data_(std::move(value)) {}
    PkiResult(PkiError error)
        : data_(std::move(error)) {}
    bool ok() const { return data_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(data_); }
    const T& value() const& { return std::get<0>(data_); }
    T&& value() && { return std::get<0>(std::move(data_)); }
    const T* operator->() const { return &value(); }
    const T& operator*() const { return value(); }
    const PkiError& error() const { return std::get<1>(data_); }

private:
    std::variant<T, PkiError> data_;
};

// Key types for charge point and central system certificates. The whitepaper's certificate properties ask for RSA of
// at least 2048 bits or elliptic curves of at least 224 bits; we take the ones TLS stacks of chargers share (secp256r1,
// secp384r1, RSA 2048/3072/4096) and refuse every other key as BadKey (RSA 1024, P-521, Ed25519, ...).
enum class KeyType { EcP256, EcP384, Rsa2048, Rsa3072, Rsa4096 };
std::string_view key_type_name(KeyType type); // "ECDSA P-256", "RSA 2048", ...

struct KeyPair {
    KeyType type = KeyType::EcP256;
    std::string private_pem; // PKCS#8, unencrypted
    std::string public_pem;  // SubjectPublicKeyInfo
};
PkiResult<KeyPair> generate_key(KeyType type = KeyType::EcP256);
// Reads a private key (PKCS#8 or traditional; encrypted when a passphrase is given).
PkiResult<KeyPair> read_private_key(std::string_view pem, std::string_view passphrase = {});
// The private key as encrypted PKCS#8 (AES-256-CBC, PBKDF2), for keeping it at rest; read back with
// read_private_key(pem, passphrase).
PkiResult<std::string> encrypt_private_key(std::string_view private_pem, std::string_view passphrase);

// The parts of a distinguished name the whitepaper uses. A charge point certificate's subject (and so the CSR the
// charger sends in SignCertificate) carries organizationName = the configuration key CpoName and commonName = the
// charger's identity (its Chargebox ID / serial number); a central system checks both on the leaf it gets.
struct Subject {
    std::string common_name;  // CN: the Chargebox ID for a charge point certificate
    std::string organization; // O: the CPO's name (configuration key CpoName) for a charge point certificate
    std::string organizational_unit;
    std::string country;          // C, two letters
    std::string one_line() const; // "CN=CP-1, O=Acme" for messages
};

// A PKCS#10 request signed with the key (SHA-256), in PEM.
PkiResult<std::string> make_csr(std::string_view private_key_pem, const Subject& subject);

struct CsrInfo {
    Subject subject;
    KeyType key_type = KeyType::EcP256;
    std::string public_key_pem;
};
// Reads a CSR and verifies its own signature (BadCsr otherwise); an unsupported key type is BadKey.
PkiResult<CsrInfo> read_csr(std::string_view csr_pem);

struct CertificateInfo {
    Subject subject;
    Subject issuer;
    std::string serial_hex; // lower-case hex, no leading zeros (as in certificateHashData)
    TimePoint not_before{};
    TimePoint not_after{};
    KeyType key_type = KeyType::EcP256; // EcP256 also for a key type outside KeyType (verify_chain refuses those)
    bool is_ca = false;
    std::string sha256_fingerprint; // lower-case hex of the DER
    std::string pem;                // this certificate alone
};
// Reads every certificate of a PEM bundle, in order (leaf first in a chain). No certificate is BadPem.
PkiResult<std::vector<CertificateInfo>> read_certificates(std::string_view pem);

// certificateHashData of a certificate as the whitepaper defines it: the hash of the issuer's DER-encoded
// distinguished name, the hash of the issuer's public key (the BIT STRING of its SubjectPublicKeyInfo), both as
// lower-case hex, and the serial number as hex. For a self-signed certificate the issuer is the certificate itself
// (issuer_pem empty).
PkiResult<v16::CertificateHashData> hash_data(std::string_view certificate_pem, std::string_view issuer_pem = {},
                                              v16::HashAlgorithm algorithm = v16::HashAlgorithm::SHA256);
// Whether two certificateHashData name the same certificate (hashes compared case-insensitively, serials without
// leading zeros).
bool same_certificate(const v16::CertificateHashData& a, const v16::CertificateHashData& b);

// What a certificate the authority issues is for.
enum class Usage {
    ChargePointClient,   // TLS client (security profile 3): digitalSignature, keyAgreement, clientAuth
    CentralSystemServer, // TLS server: serverAuth, with subjectAltNames
    FirmwareSigning,     // codeSigning
    IntermediateCa,      // a CA below the root, pathlen 0
};

struct VerifyOptions {
    TimePoint at{};                    // validity is checked at this time; the default (epoch) means "now"
    std::size_t max_chain_bytes = 0;   // 0 = no limit (CertificateSignedMaxChainSize)
    std::string expected_common_name;  // checked on the leaf when not empty
    std::string expected_organization; // checked on the leaf when not empty
    // When set, a leaf that lists extended key usages must list this use's (clientAuth, serverAuth, codeSigning;
    // WrongUsage otherwise): a TLS client certificate under a manufacturer root is no firmware signer. A leaf without
    // the extension is taken for any use (RFC 5280 §4.2.1.12).
    std::optional<Usage> usage;
};
// Verifies a PEM chain (leaf first, intermediates after) against trusted roots (PEM, one or more each). The answer
// is the leaf's information, or the first reason it is not acceptable.
PkiResult<CertificateInfo> verify_chain(std::string_view chain_pem, const std::vector<std::string>& roots_pem,
                                        const VerifyOptions& options);

struct IssueOptions {
    Usage usage = Usage::ChargePointClient;
    TimePoint not_before{}; // the default (epoch) means "now"
    std::chrono::seconds validity = std::chrono::hours(24 * 365);
    std::vector<std::string> dns_names;    // subjectAltName DNS entries (server certificates)
    std::vector<std::string> ip_addresses; // subjectAltName IP entries (server certificates)
};

// A certificate authority: a self-signed root (or an imported certificate with its key) that signs CSRs.
class CertificateAuthority {
public:
    // A new root: a fresh key of the type, a self-signed CA certificate valid from `now` for `validity`.
    static PkiResult<CertificateAuthority> create(const Subject& subject, TimePoint now, std::chrono::seconds validity,
                                                  KeyType type = KeyType::EcP256);
    // An existing CA certificate and its key (checked to belong together and to be a CA).
    static PkiResult<CertificateAuthority> load(std::string certificate_pem, std::string private_key_pem,
                                                std::string_view passphrase = {});

    const std::string& certificate_pem() const { return certificate_pem_; }
    const std::string& private_key_pem() const { return private_key_pem_; }
    const CertificateInfo& info() const { return info_; }

    // Signs a CSR (read_csr checks it first): the subject and public key of the CSR, this CA as issuer, a random
    // 128-bit serial, the extensions of the usage; notAfter is cut to the CA's own. Answers the certificate in PEM.
    PkiResult<std::string> sign(std::string_view csr_pem, const IssueOptions& options) const;
    // A key and a certificate in one step (for servers and tests).
    PkiResult<std::pair<KeyPair, std::string>> issue(const Subject& subject, const IssueOptions& options,
                                                     KeyType type = KeyType::EcP256) const;

    struct Loaded; // the parsed certificate and key, parsed once (defined in authority.cpp)

private:
    CertificateAuthority() = default;
    std::string certificate_pem_;
    std::string private_key_pem_;
    CertificateInfo info_;
    std::shared_ptr<const Loaded> loaded_;
};

// Firmware signatures as SignedUpdateFirmware carries them: base64 of the SHA-256 signature (RSA PKCS#1 v1.5 or
// ECDSA) over the file's bytes.
PkiResult<std::string> sign_data(std::string_view private_key_pem, std::string_view data);
// Checks a base64 signature over data with the public key of a certificate (BadSignature when it does not match).
PkiResult<bool> verify_data(std::string_view certificate_pem, std::string_view data, std::string_view signature_b64);

} // namespace ocpp::pki
