// Data signatures (SignedUpdateFirmware's "signature"): SHA-256 with RSA PKCS#1 v1.5 or ECDSA, base64 encoded.
#include "ocpp/pki/detail/ossl.hpp"
#include "ocpp/pki/pki.hpp"

namespace ocpp::pki {

using namespace detail;

namespace {
// Firmware signatures are a few hundred bytes; the schema's limit is 800 characters.
constexpr std::size_t kMaxSignatureChars = 8 * 1024;

std::string base64(const unsigned char* data, std::size_t size) {
    std::string text(4 * ((size + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), data, static_cast<int>(size));
    text.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
    return text;
}

// Base64 with padding; line breaks and spaces are skipped. nullopt when it is not base64.
std::optional<std::string> unbase64(std::string_view text) {
    std::string compact;
    for (const char c : text)
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
            compact += c;
    if (compact.empty() || compact.size() % 4 != 0)
        return std::nullopt;
    std::string bytes(compact.size() / 4 * 3 + 1, '\0');
    const int length =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                        reinterpret_cast<const unsigned char*>(compact.data()), static_cast<int>(compact.size()));
    if (length < 0)
        return std::nullopt;
    // EVP_DecodeBlock keeps the zero bytes that stand for the padding.
    std::size_t padding = 0;
    if (compact.size() >= 1 && compact[compact.size() - 1] == '=')
        ++padding;
    if (compact.size() >= 2 && compact[compact.size() - 2] == '=')
        ++padding;
    bytes.resize(static_cast<std::size_t>(length) - padding);
    return bytes;
}
} // namespace

PkiResult<std::string> sign_data(std::string_view private_key_pem, std::string_view data) {
    auto key = load_private_key(private_key_pem, {});
    if (!key)
        return key.error();
    MdCtxPtr context(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.value().get()) != 1 ||
        EVP_DigestSignUpdate(context.get(), data.data(), data.size()) != 1 ||
        EVP_DigestSignFinal(context.get(), nullptr, &length) != 1)
        return fail(PkiErrorKind::Internal, "cannot sign");
    std::string signature(length, '\0');
    if (EVP_DigestSignFinal(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length) != 1)
        return fail(PkiErrorKind::Internal, "cannot sign");
    return base64(reinterpret_cast<const unsigned char*>(signature.data()), length);
}

PkiResult<bool> verify_data(std::string_view certificate_pem, std::string_view data, std::string_view signature_b64) {
    auto cert = load_certificate(certificate_pem);
    if (!cert)
        return cert.error();
    if (signature_b64.size() > kMaxSignatureChars)
        return PkiError{PkiErrorKind::BadSignature, "the signature is longer than 8 KiB"};
    const auto signature = unbase64(signature_b64);
    if (!signature)
        return PkiError{PkiErrorKind::BadSignature, "the signature is not base64"};
    EVP_PKEY* key = X509_get0_pubkey(cert.value().get());
    MdCtxPtr context(EVP_MD_CTX_new());
    if (key == nullptr || !context || EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestVerifyUpdate(context.get(), data.data(), data.size()) != 1)
        return fail(PkiErrorKind::Internal, "cannot verify");
    const int verdict = EVP_DigestVerifyFinal(context.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                                              signature->size());
    ERR_clear_error();
    if (verdict != 1)
        return PkiError{PkiErrorKind::BadSignature, "the signature does not match the data and the certificate's key"};
    return true;
}

} // namespace ocpp::pki
