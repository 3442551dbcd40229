// The AuthorizationKey rules and the two readings of it as a Basic password.
#include <gtest/gtest.h>

#include "ocpp/pki/authorization_key.hpp"

namespace {

TEST(AuthorizationKey, AcceptsSixteenToTwentyBytesOfHex) {
    EXPECT_EQ(ocpp::pki::authorization_key_problem(std::string(32, 'a')), std::nullopt);
    EXPECT_EQ(ocpp::pki::authorization_key_problem(std::string(40, 'F')), std::nullopt);
    EXPECT_EQ(ocpp::pki::authorization_key_problem("4F43415F4F4354545F61646D696E5F74657374"), std::nullopt);
}

TEST(AuthorizationKey, RefusesWhatIsNotSixteenToTwentyBytesOfHex) {
    for (const std::string& bad : {std::string(), std::string(30, 'a'), std::string(42, 'a'), std::string(33, 'a'),
                                   std::string(31, 'a') + "g", std::string("OCA_OCTT_admin_test_x")}) {
        EXPECT_NE(ocpp::pki::authorization_key_problem(bad), std::nullopt) << bad;
    }
}

TEST(AuthorizationKey, HexRoundTrip) {
    EXPECT_EQ(ocpp::pki::decode_hex("4f43415f"), "OCA_");
    EXPECT_EQ(ocpp::pki::decode_hex("00ff"), std::string("\x00\xff", 2));
    EXPECT_EQ(ocpp::pki::decode_hex("0g"), std::nullopt);
    EXPECT_EQ(ocpp::pki::decode_hex("abc"), std::nullopt);
    EXPECT_EQ(ocpp::pki::encode_hex(std::string("\x00\xff\x10", 3)), "00FF10");
}

TEST(AuthorizationKey, TheDecodedBytesComeFirstThenTheHexText) {
    // The test tool's example (TC_073_CS): the key stands for the password "OCA_OCTT_admin_test".
    const std::string key = "4F43415F4F4354545F61646D696E5F74657374";
    const auto passwords = ocpp::pki::basic_passwords_for_key(key);
    ASSERT_EQ(passwords.size(), 2u);
    EXPECT_EQ(passwords[0], "OCA_OCTT_admin_test");
    EXPECT_EQ(passwords[1], key);
}

TEST(AuthorizationKey, UnprintableDecodedBytesAreStillTheFirstReading) {
    const std::string key = "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF";
    const auto passwords = ocpp::pki::basic_passwords_for_key(key);
    ASSERT_EQ(passwords.size(), 2u);
    EXPECT_EQ(passwords[0], ocpp::pki::decode_hex(key).value());
    EXPECT_EQ(passwords[0].size(), 20u);
    EXPECT_EQ(passwords[1], key);
}

TEST(AuthorizationKey, AKeyThatIsNotHexIsOnlyItself) {
    EXPECT_EQ(ocpp::pki::basic_passwords_for_key("plain-password-123"), std::vector<std::string>{"plain-password-123"});
    EXPECT_TRUE(ocpp::pki::basic_passwords_for_key("").empty());
}

TEST(AuthorizationKey, RandomKeysAreValidAndDiffer) {
    const std::string a = ocpp::pki::random_authorization_key();
    const std::string b = ocpp::pki::random_authorization_key();
    EXPECT_EQ(a.size(), 40u);
    EXPECT_EQ(ocpp::pki::authorization_key_problem(a), std::nullopt);
    EXPECT_NE(a, b);
    EXPECT_EQ(ocpp::pki::random_authorization_key(16).size(), 32u);
    EXPECT_EQ(ocpp::pki::random_authorization_key(100).size(), 40u); // clamped to 20 bytes
}

} // namespace
