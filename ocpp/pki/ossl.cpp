// Shared conversions between OpenSSL objects and the values of ocpp/pki.
#include "ocpp/pki/detail/ossl.hpp"

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cctype>
#include <cstring>
#include <ctime>

namespace ocpp::pki::detail {

std::string openssl_error() {
    std::string text;
    char buffer[256];
    while (unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buffer, sizeof(buffer));
        if (!text.empty())
            text += "; ";
        text += buffer;
    }
    return text;
}

PkiError fail(PkiErrorKind kind, std::string message) {
    const std::string why = openssl_error();
    if (!why.empty())
        message += " (" + why + ")";
    return PkiError{kind, std::move(message)};
}

BioPtr read_bio(std::string_view text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<KeyType> key_type_of(const EVP_PKEY* key) {
    if (key == nullptr)
        return std::nullopt;
    const int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_is_a(key, "RSA")) {
        if (bits == 2048)
            return KeyType::Rsa2048;
        if (bits == 3072)
            return KeyType::Rsa3072;
        if (bits == 4096)
            return KeyType::Rsa4096;
        return std::nullopt;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &length) != 1)
            return std::nullopt;
        if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)
            return KeyType::EcP256;
        if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0)
            return KeyType::EcP384;
    }
    return std::nullopt;
}

const EVP_MD* digest_for(const EVP_PKEY* key) {
    return key_type_of(key) == KeyType::EcP384 ? EVP_sha384() : EVP_sha256();
}

namespace {
struct Passphrase {
    std::string_view text;
    bool asked = false;
};

int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user) {
    auto* passphrase = static_cast<Passphrase*>(user);
    passphrase->asked = true;
    if (passphrase->text.empty() || passphrase->text.size() > static_cast<std::size_t>(size))
        return -1;
    std::memcpy(buffer, passphrase->text.data(), passphrase->text.size());
    return static_cast<int>(passphrase->text.size());
}
// An unencrypted PKCS#8 key through a decoder narrowed to one key type: OpenSSL 3's generic PEM reader tries every
// decoder it has and costs about five times as much.
PkeyPtr read_pkcs8_key(std::string_view pem) {
    for (const char* type : {"EC", "RSA"}) {
        EVP_PKEY* key = nullptr;
        OSSL_DECODER_CTX* decoder =
            OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", "PrivateKeyInfo", type, EVP_PKEY_KEYPAIR, nullptr, nullptr);
        if (decoder == nullptr)
            continue;
        const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
        std::size_t length = pem.size();
        const bool decoded = OSSL_DECODER_from_data(decoder, &data, &length) == 1 && key != nullptr;
        OSSL_DECODER_CTX_free(decoder);
        if (decoded)
            return PkeyPtr(key);
        EVP_PKEY_free(key);
    }
    ERR_clear_error();
    return nullptr;
}
} // namespace

PkiResult<PkeyPtr> load_private_key(std::string_view pem, std::string_view passphrase) {
    if (pem.size() > kMaxPemBytes)
        return PkiError{PkiErrorKind::BadPem, "the private key PEM is larger than 64 KiB"};
    if (pem.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos) {
        if (PkeyPtr key = read_pkcs8_key(pem); key && key_type_of(key.get()))
            return key;
    }
    Passphrase state{passphrase};
    auto bio = read_bio(pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &state));
    if (!key) {
        const bool encrypted = state.asked || pem.find("ENCRYPTED") != std::string_view::npos;
        if (encrypted)
            return fail(PkiErrorKind::BadPassphrase, passphrase.empty()
                                                         ? "the private key is encrypted and no passphrase was given"
                                                         : "the passphrase does not open the private key");
        return fail(PkiErrorKind::BadPem, "no private key in the PEM text");
    }
    ERR_clear_error();
    if (!key_type_of(key.get()))
        return PkiError{PkiErrorKind::BadKey, "the key is neither ECDSA P-256/P-384 nor RSA 2048/3072/4096"};
    return key;
}

PkiResult<X509Ptr> load_certificate(std::string_view pem) {
    auto all = load_certificates(pem);
    if (!all)
        return all.error();
    X509Ptr first(sk_X509_shift(all.value().get()));
    return first;
}

PkiResult<X509StackPtr> load_certificates(std::string_view pem) {
    if (pem.size() > kMaxPemBytes)
        return PkiError{PkiErrorKind::ChainTooLong, "the certificate PEM is larger than 64 KiB"};
    X509StackPtr stack(sk_X509_new_null());
    if (!stack)
        return fail(PkiErrorKind::Internal, "out of memory");
    ERR_clear_error();
    auto bio = read_bio(pem);
    while (true) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert)
            break;
        if (static_cast<std::size_t>(sk_X509_num(stack.get())) >= kMaxBundleCertificates)
            return PkiError{PkiErrorKind::ChainTooLong, "the PEM holds more than 16 certificates"};
        if (sk_X509_push(stack.get(), cert.get()) == 0)
            return fail(PkiErrorKind::Internal, "out of memory");
        cert.release();
    }
    // The loop ends at the end of the text (no start line) or at a block that does not parse (a truncated one).
    const unsigned long last = ERR_peek_last_error();
    const bool clean_end =
        last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE);
    if (!clean_end)
        return fail(PkiErrorKind::BadPem, "a certificate in the PEM text does not parse");
    ERR_clear_error();
    if (sk_X509_num(stack.get()) == 0)
        return PkiError{PkiErrorKind::BadPem, "no certificate in the PEM text"};
    return stack;
}

std::string private_key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return bio_text(bio.get());
}

std::string public_key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key);
    return bio_text(bio.get());
}

std::string certificate_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return bio_text(bio.get());
}

namespace {
std::string entry_text(const X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0)
        return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0)
        return {};
    std::string text(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return text;
}

bool add_entry(X509_NAME* name, const char* field, const std::string& value) {
    if (value.empty())
        return true;
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
}
} // namespace

Subject subject_of(const X509_NAME* name) {
    Subject subject;
    subject.common_name = entry_text(name, NID_commonName);
    subject.organization = entry_text(name, NID_organizationName);
    subject.organizational_unit = entry_text(name, NID_organizationalUnitName);
    subject.country = entry_text(name, NID_countryName);
    return subject;
}

std::optional<std::string> ambiguity_of(const X509_NAME* name) {
    for (const auto& [nid, what] :
         {std::pair{NID_commonName, "commonName"}, std::pair{NID_organizationName, "organizationName"},
          std::pair{NID_organizationalUnitName, "organizationalUnitName"}, std::pair{NID_countryName, "countryName"}}) {
        const int first = X509_NAME_get_index_by_NID(name, nid, -1);
        if (first >= 0 && X509_NAME_get_index_by_NID(name, nid, first) >= 0)
            return std::string("the subject has more than one ") + what;
    }
    // A multi-valued name (two attributes in one RDN) reads differently to different parsers.
    const int count = X509_NAME_entry_count(name);
    for (int i = 1; i < count; ++i) {
        if (X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i)) == X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1)))
            return std::string("the subject has a multi-valued name");
    }
    return std::nullopt;
}

PkiResult<bool> fill_name(X509_NAME* name, const Subject& subject) {
    if (!subject.country.empty() &&
        (subject.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(subject.country[0])) ||
         !std::isalpha(static_cast<unsigned char>(subject.country[1]))))
        return PkiError{PkiErrorKind::SubjectMismatch, "the country must be two letters"};
    if (subject.common_name.size() > 64 || subject.organization.size() > 64 || subject.organizational_unit.size() > 64)
        return PkiError{PkiErrorKind::SubjectMismatch, "a subject field is longer than 64 characters"};
    if (!add_entry(name, "C", subject.country) || !add_entry(name, "O", subject.organization) ||
        !add_entry(name, "OU", subject.organizational_unit) || !add_entry(name, "CN", subject.common_name))
        return fail(PkiErrorKind::SubjectMismatch, "the subject cannot be encoded");
    return true;
}

std::string lower_hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        text += kDigits[data[i] >> 4];
        text += kDigits[data[i] & 0x0f];
    }
    return text;
}

std::string serial_hex(const ASN1_INTEGER* serial) {
    std::string text;
    if (BIGNUM* number = ASN1_INTEGER_to_BN(serial, nullptr)) {
        if (char* hex = BN_bn2hex(number)) {
            text = hex;
            OPENSSL_free(hex);
        }
        BN_free(number);
    }
    const bool negative = !text.empty() && text[0] == '-';
    std::string digits = negative ? text.substr(1) : text;
    for (char& c : digits)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? "0" : digits.substr(first);
    return negative ? "-" + digits : digits;
}

TimePoint time_point_of(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1)
        return TimePoint{};
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

CertificateInfo certificate_info(X509* cert) {
    CertificateInfo info;
    info.subject = subject_of(X509_get_subject_name(cert));
    info.issuer = subject_of(X509_get_issuer_name(cert));
    info.serial_hex = serial_hex(X509_get0_serialNumber(cert));
    info.not_before = time_point_of(X509_get0_notBefore(cert));
    info.not_after = time_point_of(X509_get0_notAfter(cert));
    info.key_type = key_type_of(X509_get0_pubkey(cert)).value_or(KeyType::EcP256);
    info.is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) == 1)
        info.sha256_fingerprint = lower_hex(digest, length);
    info.pem = certificate_pem(cert);
    return info;
}

} // namespace ocpp::pki::detail
