#include "ocpp/text/base32.hpp"

namespace ocpp::base32 {
namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

int symbol_value(char c) {
    if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
    }
    if (c == 'O') {
        c = '0';
    } else if (c == 'I' || c == 'L') {
        c = '1';
    }
    const auto pos = kAlphabet.substr(0, 32).find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}
} // namespace

std::string encode(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (auto b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
        buffer &= (1u << bits) - 1;
    }
    if (bits > 0) {
        out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
    }
    return out;
}

std::optional<std::string> normalize(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == ' ') {
            continue;
        }
        const int v = symbol_value(c);
        if (v < 0) {
            return std::nullopt;
        }
        out.push_back(kAlphabet[static_cast<std::size_t>(v)]);
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> decode(std::string_view text) {
    auto symbols = normalize(text);
    if (!symbols) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : *symbols) {
        buffer = (buffer << 5) | static_cast<unsigned>(symbol_value(c));
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
        buffer &= (1u << bits) - 1;
    }
    if (buffer != 0) {
        return std::nullopt; // padding bits must be zero, else the text was not produced by encode()
    }
    return out;
}

char check_symbol(std::string_view symbols) {
    unsigned mod = 0;
    for (char c : symbols) {
        const int v = symbol_value(c);
        if (v >= 0) {
            mod = (mod * 32 + static_cast<unsigned>(v)) % 37;
        }
    }
    return kAlphabet[mod];
}

} // namespace ocpp::base32
