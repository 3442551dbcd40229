#pragma once
// Crockford base32 (0-9, A-Z without I, L, O, U) with its mod-37 check symbol, for codes read over the phone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::base32 {

// Encodes bytes, 5 bits per symbol, most significant bit first; the last symbol is zero-padded.
std::string encode(const std::vector<std::uint8_t>& bytes);
// Decodes symbols (case-insensitive; O->0, I/L->1; '-' ignored); nullopt on any other symbol or leftover bits set.
std::optional<std::vector<std::uint8_t>> decode(std::string_view text);
// Normalises a typed code: upper-case, O->0, I/L->1, hyphens and spaces dropped; nullopt on a foreign symbol.
std::optional<std::string> normalize(std::string_view text);
// The Crockford check symbol of a symbol string (its value mod 37; symbols 32..36 are *~$=U).
char check_symbol(std::string_view symbols);

} // namespace ocpp::base32
