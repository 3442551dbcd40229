#pragma once
// Salted password hashes (PBKDF2-HMAC-SHA256 from OpenSSL) for HTTP Basic passwords of chargers.
// Format: "pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>". Passwords are never stored or logged in clear.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace store {

// The iteration count of new hashes. Charger passwords are machine secrets (OCPP asks for at least 16 random bytes,
// far beyond guessing at any iteration count); the count is what every charger costs once per process start, when
// 10,000 of them reconnect at once (bench/centralsystem.sh, "cold restart storm"). Stored hashes keep their own.
constexpr int kPasswordIterations = 10000;

std::string hash_password(std::string_view password, int iterations = kPasswordIterations);
// Constant-time comparison; false for a malformed stored hash.
bool verify_password(std::string_view password, std::string_view stored_hash);
// PBKDF2-HMAC-SHA256, one 32-byte block (RFC 8018); what hash_password stores.
std::array<unsigned char, 32> pbkdf2_sha256(std::string_view password, const unsigned char* salt, std::size_t salt_len,
                                            int iterations);
// A random password of `length` characters from an unambiguous alphabet, for chargers under test.
std::string generate_password(std::size_t length = 16);

} // namespace store
