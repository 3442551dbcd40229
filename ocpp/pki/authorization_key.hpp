#pragma once
// The AuthorizationKey configuration key of the security whitepaper: the HTTP Basic password of security profiles 1
// and 2, written by the central system as hexadecimal (hexBinary). Chargers in the field read it in two ways: some
// send the hex text itself as their Basic password, others decode it and send the bytes. A central system checks a
// presented password against both readings.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::pki {

// Whether `value` is an acceptable AuthorizationKey: an even number of hex digits (either case), 16 to 20 bytes
// decoded (32 to 40 characters), as the whitepaper asks. The reason it is not, for people, or nullopt.
std::optional<std::string> authorization_key_problem(std::string_view value);
// The bytes the hex text stands for; nullopt when it is not hex.
std::optional<std::string> decode_hex(std::string_view hex);
std::string encode_hex(std::string_view bytes); // upper-case, as the whitepaper's examples
// The passwords a charger may present for this key: the hex text, and the decoded bytes (when they are printable
// and differ). First is the whitepaper's reading.
std::vector<std::string> basic_passwords_for_key(std::string_view key);
// A fresh random key of `bytes` bytes (16..20), hex-encoded, from a cryptographic source.
std::string random_authorization_key(std::size_t bytes = 20);

} // namespace ocpp::pki
