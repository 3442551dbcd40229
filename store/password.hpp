#pragma once
// Salted password hashes (PBKDF2-HMAC-SHA256 from OpenSSL) for HTTP Basic passwords of chargers.
// Format: "pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>". Passwords are never stored or logged in clear.
#include <string>
#include <string_view>

namespace store {

// Charger passwords are machine-made; 20,000 iterations keep a reconnect storm of thousands of chargers affordable.
std::string hash_password(std::string_view password, int iterations = 20000);
// Constant-time comparison; false for a malformed stored hash.
bool verify_password(std::string_view password, std::string_view stored_hash);
// A random password of `length` characters from an unambiguous alphabet, for chargers under test.
std::string generate_password(std::size_t length = 16);

} // namespace store
