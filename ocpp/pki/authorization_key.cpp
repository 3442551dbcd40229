// The AuthorizationKey configuration key: hex text, its bytes, and the Basic passwords it stands for.
#include "ocpp/pki/authorization_key.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

namespace ocpp::pki {

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<std::string> authorization_key_problem(std::string_view value) {
    if (value.size() % 2 != 0 || !decode_hex(value))
        return std::string("the AuthorizationKey must be hexadecimal: an even number of digits 0-9, A-F");
    if (value.size() < 32 || value.size() > 40)
        return "the AuthorizationKey must stand for 16 to 20 bytes (32 to 40 hex digits), not " +
               std::to_string(value.size()) + " digits";
    return std::nullopt;
}

std::optional<std::string> decode_hex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]);
        const int low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes += static_cast<char>(high * 16 + low);
    }
    return bytes;
}

std::string encode_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += kDigits[byte >> 4];
        text += kDigits[byte & 0x0f];
    }
    return text;
}

std::vector<std::string> basic_passwords_for_key(std::string_view key) {
    std::vector<std::string> passwords;
    if (key.empty())
        return passwords;
    if (auto bytes = decode_hex(key); bytes && !bytes->empty())
        passwords.push_back(std::move(*bytes));
    if (std::find(passwords.begin(), passwords.end(), key) == passwords.end())
        passwords.emplace_back(key);
    return passwords;
}

std::string random_authorization_key(std::size_t bytes) {
    bytes = std::clamp<std::size_t>(bytes, 16, 20);
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1)
        return {};
    return encode_hex(raw);
}

} // namespace ocpp::pki
