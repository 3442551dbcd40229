#include "ocpp/text/base32.hpp"

#include <gtest/gtest.h>

namespace b32 = ocpp::base32;

TEST(Base32, EncodesFiveBitsPerSymbol) {
    EXPECT_EQ(b32::encode({}), "");
    EXPECT_EQ(b32::encode({0xff}), "ZW");
    EXPECT_EQ(b32::encode({0x00, 0x00, 0x00, 0x00, 0x00}), "00000000");
    EXPECT_EQ(b32::encode({0xff, 0xff, 0xff, 0xff, 0xff}), "ZZZZZZZZ");
}

TEST(Base32, DecodesWhatItEncodesAndForgivesTypos) {
    const std::vector<std::uint8_t> bytes{0x12, 0x34, 0x56, 0x78, 0x9a};
    const auto text = b32::encode(bytes);
    EXPECT_EQ(b32::decode(text), bytes);
    std::string lower;
    for (char c : text) {
        lower.push_back(static_cast<char>(std::tolower(c)));
    }
    EXPECT_EQ(b32::decode(lower.substr(0, 4) + "-" + lower.substr(4)), bytes);
    EXPECT_EQ(b32::normalize("o1-il"), "0111");
}

TEST(Base32, RejectsForeignSymbolsAndDirtyPadding) {
    EXPECT_FALSE(b32::decode("U0"));
    EXPECT_FALSE(b32::decode("AB!"));
    EXPECT_FALSE(b32::decode("ZZ")); // 0xff plus two non-zero padding bits
}

TEST(Base32, CheckSymbolDetectsASingleChangedSymbol) {
    const std::string code = "7KQF3M9XT";
    const char check = b32::check_symbol(code);
    for (std::size_t i = 0; i < code.size(); ++i) {
        std::string changed = code;
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        EXPECT_NE(b32::check_symbol(changed), check) << changed;
    }
}
