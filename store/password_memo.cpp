#include "store/password_memo.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace store {

PasswordMemo::PasswordMemo() {
    if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
        throw std::runtime_error("no randomness for the password memo key");
    }
}

std::string PasswordMemo::tag(std::string_view chargebox_id, std::string_view password) const {
    // ID, a NUL separator (IDs never contain one), then the password.
    std::string message;
    message.reserve(chargebox_id.size() + 1 + password.size());
    message.append(chargebox_id).push_back('\0');
    message.append(password);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
    OPENSSL_cleanse(message.data(), message.size());
    return std::string(reinterpret_cast<const char*>(out), len);
}

bool PasswordMemo::same(std::string_view a, std::string_view b) {
    return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace store
