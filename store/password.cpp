#include "store/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace store {
namespace {

std::string b64(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::vector<unsigned char> unb64(std::string_view text) {
    std::vector<unsigned char> out(3 * text.size() / 4 + 3);
    const int len =
        EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (len < 0) {
        return {};
    }
    std::size_t n = static_cast<std::size_t>(len);
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) {
        --n; // EVP_DecodeBlock counts padding as zero bytes
    }
    out.resize(n);
    return out;
}

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations) {
    std::vector<unsigned char> out(32);
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                      iterations, EVP_sha256(), static_cast<int>(out.size()), out.data());
    return out;
}

} // namespace

std::string hash_password(std::string_view password, int iterations) {
    std::vector<unsigned char> salt(16);
    RAND_bytes(salt.data(), static_cast<int>(salt.size()));
    const auto dk = derive(password, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + b64(salt.data(), salt.size()) + "$" +
           b64(dk.data(), dk.size());
}

bool verify_password(std::string_view password, std::string_view stored) {
    constexpr std::string_view kPrefix = "pbkdf2-sha256$";
    if (stored.substr(0, kPrefix.size()) != kPrefix) {
        return false;
    }
    stored.remove_prefix(kPrefix.size());
    const auto d1 = stored.find('$');
    const auto d2 = d1 == std::string_view::npos ? d1 : stored.find('$', d1 + 1);
    if (d2 == std::string_view::npos) {
        return false;
    }
    const int iterations = std::atoi(std::string(stored.substr(0, d1)).c_str());
    const auto salt = unb64(stored.substr(d1 + 1, d2 - d1 - 1));
    const auto expected = unb64(stored.substr(d2 + 1));
    if (iterations < 1 || iterations > 10'000'000 || salt.empty() || expected.size() != 32) {
        return false;
    }
    const auto actual = derive(password, salt, iterations);
    return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

std::string generate_password(std::size_t length) {
    static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    constexpr unsigned kSize = sizeof(kAlphabet) - 1;
    std::string out;
    while (out.size() < length) {
        unsigned char b = 0;
        RAND_bytes(&b, 1);
        if (b < 256 - 256 % kSize) { // no modulo bias
            out.push_back(kAlphabet[b % kSize]);
        }
    }
    return out;
}

} // namespace store
