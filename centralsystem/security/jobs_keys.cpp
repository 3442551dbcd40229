// The AuthorizationKey of a rotation: 20 random bytes written as hex, and the Basic passwords chargers present for
// it (the hex text as the whitepaper reads it, and the decoded bytes some chargers send instead).
#include <openssl/rand.h>

#include <stdexcept>

#include "centralsystem/security/jobs.hpp"

namespace cs {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

} // namespace

std::string new_authorization_key() {
    unsigned char bytes[20];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        throw std::runtime_error("no random bytes for an AuthorizationKey");
    }
    std::string hex;
    for (unsigned char b : bytes) {
        hex += kHex[b >> 4];
        hex += kHex[b & 15];
    }
    return hex;
}

std::vector<std::string> passwords_for_key(const std::string& key) {
    std::vector<std::string> out{key};
    std::string bytes;
    bool printable = key.size() % 2 == 0;
    for (std::size_t i = 0; printable && i + 1 < key.size(); i += 2) {
        const int c = std::stoi(key.substr(i, 2), nullptr, 16);
        printable = c >= 0x21 && c <= 0x7e;
        bytes += static_cast<char>(c);
    }
    if (printable && !bytes.empty() && bytes != key) {
        out.push_back(bytes);
    }
    return out;
}

} // namespace cs
