#pragma once
// The AuthorizationKey configuration key of the security whitepaper: the HTTP Basic password of security profiles 1
// and 2. The whitepaper (editions 2 and 3, configuration key table) defines it as a password of at least 16 bytes,
// advised to be random binary for entropy, "hexadecimal represented (20 bytes maximum, represented as a string of up
// to 40 hexadecimal digits)"; it is write-only. So the hex text is how the key travels in ChangeConfiguration, and the
// password a charger presents is the decoded bytes (which may be unprintable): the OCA test tool checks exactly that
// (TC_085_CS: "Basic <Base64 of <ChargePointId>:<configured (non hex representation) password>>", TC_073_CS: the value
// is "the hex encoded representation of the basic authentication password"). The OCPP-J 1.6 base text already said
// "a 40-character hexadecimal representation of the 20-byte authorization key"; the whitepaper lowered the minimum to
// 16 bytes. No later edition we read changes the reading. Chargers in the field differ: many send the hex text itself
// as their password. A central system therefore checks a presented password against both readings, decoded first.
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
// The passwords a charger may present for this key: first the decoded bytes (the whitepaper's reading, also when they
// are unprintable), then the hex text itself (the common field reading). A key that is not hex gives only itself.
std::vector<std::string> basic_passwords_for_key(std::string_view key);
// A fresh random key of `bytes` bytes (16..20), hex-encoded, from a cryptographic source.
std::string random_authorization_key(std::size_t bytes = 20);

} // namespace ocpp::pki
