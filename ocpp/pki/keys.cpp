// Key pairs: generation, reading (plain or encrypted PKCS#8 and traditional PEM), encryption at rest.
#include <openssl/pem.h>

#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

std::string_view key_type_name(KeyType type) {
    switch (type) {
    case KeyType::EcP256:
        return "ECDSA P-256";
    case KeyType::EcP384:
        return "ECDSA P-384";
    case KeyType::Rsa2048:
        return "RSA 2048";
    case KeyType::Rsa3072:
        return "RSA 3072";
    case KeyType::Rsa4096:
        return "RSA 4096";
    }
    return "unknown";
}

namespace {
PkeyPtr new_key(KeyType type) {
    switch (type) {
    case KeyType::EcP256:
        return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case KeyType::EcP384:
        return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    case KeyType::Rsa2048:
        return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    case KeyType::Rsa3072:
        return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)));
    case KeyType::Rsa4096:
        return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(4096)));
    }
    return nullptr;
}

KeyPair key_pair_of(EVP_PKEY* key) {
    return KeyPair{key_type_of(key).value_or(KeyType::EcP256), private_key_pem(key), public_key_pem(key)};
}
} // namespace

PkiResult<KeyPair> generate_key(KeyType type) {
    PkeyPtr key = new_key(type);
    if (!key)
        return fail(PkiErrorKind::Internal, "cannot generate a " + std::string(key_type_name(type)) + " key");
    return key_pair_of(key.get());
}

PkiResult<KeyPair> read_private_key(std::string_view pem, std::string_view passphrase) {
    auto key = load_private_key(pem, passphrase);
    if (!key)
        return key.error();
    return key_pair_of(key.value().get());
}

PkiResult<std::string> encrypt_private_key(std::string_view private_pem, std::string_view passphrase) {
    if (passphrase.empty())
        return PkiError{PkiErrorKind::BadPassphrase, "an empty passphrase does not protect a key"};
    if (passphrase.size() > 1024)
        return PkiError{PkiErrorKind::BadPassphrase, "the passphrase is longer than 1024 bytes"};
    auto key = load_private_key(private_pem, {});
    if (!key)
        return key.error();
    BioPtr bio(BIO_new(BIO_s_mem()));
    // PKCS#8 with PBES2: PBKDF2 (HMAC-SHA256) and AES-256-CBC, OpenSSL 3's defaults for this cipher.
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key.value().get(), EVP_aes_256_cbc(), passphrase.data(),
                                      static_cast<int>(passphrase.size()), nullptr, nullptr) != 1)
        return fail(PkiErrorKind::Internal, "cannot encrypt the private key");
    return bio_text(bio.get());
}

std::string Subject::one_line() const {
    std::string text;
    const auto add = [&text](const char* field, const std::string& value) {
        if (value.empty())
            return;
        if (!text.empty())
            text += ", ";
        text += field;
        text += '=';
        text += value;
    };
    add("CN", common_name);
    add("O", organization);
    add("OU", organizational_unit);
    add("C", country);
    return text;
}

} // namespace ocpp::pki
