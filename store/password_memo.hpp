#pragma once
// PasswordMemo: remembers which presented passwords already passed PBKDF2, so a reconnecting charger costs one HMAC
// instead of a PBKDF2. It keeps only HMAC-SHA256 tags under a random key made at start-up and held in
// memory: nothing it holds helps anyone guess a password, and every tag dies with the process.
#include <array>
#include <string>
#include <string_view>

namespace store {

class PasswordMemo {
public:
    PasswordMemo(); // draws a fresh random key
    // The tag of a password presented for a charger (the ID is bound in, so equal passwords get different tags).
    std::string tag(std::string_view chargebox_id, std::string_view password) const;
    // Constant-time comparison of two tags; false when either is empty.
    static bool same(std::string_view a, std::string_view b);

private:
    std::array<unsigned char, 32> key_{};
};

} // namespace store
