// sign_data / verify_data: firmware signatures with EC and RSA keys, checked by openssl too.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::KeyType;
using ocpp::pki::PkiErrorKind;

class SignatureFor : public ::testing::TestWithParam<KeyType> {};

TEST_P(SignatureFor, SignsAndVerifiesAndAFlippedByteIsBadSignature) {
    auto options = client_options();
    options.usage = ocpp::pki::Usage::FirmwareSigning;
    auto signer = root_ca().issue(subject("Firmware Signer"), options, GetParam());
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    const std::string firmware = "firmware image \x01\x02\x03 " + std::string(10000, 'x');
    auto signature = ocpp::pki::sign_data(signer->first.private_pem, firmware);
    ASSERT_TRUE(signature.ok()) << signature.error().message;
    auto verified = ocpp::pki::verify_data(signer->second, firmware, signature.value());
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_TRUE(verified.value());

    std::string changed = firmware;
    changed[5] ^= 0x01;
    auto bad = ocpp::pki::verify_data(signer->second, changed, signature.value());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, PkiErrorKind::BadSignature);

    // The signature checked by openssl: base64 of a SHA-256 signature over the bytes.
    ScratchDir dir;
    const std::string data_path = dir.path + "/fw.bin";
    std::ofstream(data_path, std::ios::binary) << firmware;
    const std::string sig_path = dir.path + "/fw.sig";
    openssl({"base64", "-d", "-A", "-in", dir.file("fw.b64", signature.value()), "-out", sig_path});
    openssl(
        {"x509", "-in", dir.file("signer.pem", signer->second), "-noout", "-pubkey", "-out", dir.path + "/pub.pem"});
    const std::string out =
        openssl({"dgst", "-sha256", "-verify", dir.path + "/pub.pem", "-signature", sig_path, data_path});
    EXPECT_NE(out.find("Verified OK"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Pki, SignatureFor, ::testing::Values(KeyType::EcP256, KeyType::Rsa2048));

TEST(Signature, AFlippedSignatureByteAndNonBase64AreBadSignature) {
    auto signer = root_ca().issue(subject("Signer"), client_options());
    auto signature = ocpp::pki::sign_data(signer->first.private_pem, "data");
    ASSERT_TRUE(signature.ok());
    std::string flipped = signature.value();
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    for (const std::string& bad :
         {flipped, std::string("!!!!"), std::string("abc"), std::string(), std::string(9000, 'A')}) {
        auto verified = ocpp::pki::verify_data(signer->second, "data", bad);
        ASSERT_FALSE(verified.ok()) << bad.substr(0, 20);
        EXPECT_EQ(verified.error().kind, PkiErrorKind::BadSignature);
    }
}

TEST(Signature, ASignatureOfAnotherKeyIsBadSignature) {
    auto a = root_ca().issue(subject("A"), client_options());
    auto b = root_ca().issue(subject("B"), client_options());
    auto signature = ocpp::pki::sign_data(a->first.private_pem, "data");
    EXPECT_EQ(ocpp::pki::verify_data(b->second, "data", signature.value()).error().kind, PkiErrorKind::BadSignature);
}

TEST(Signature, AcceptsBase64WithLineBreaks) {
    auto signer = root_ca().issue(subject("Signer"), client_options(), KeyType::Rsa2048);
    auto signature = ocpp::pki::sign_data(signer->first.private_pem, "data");
    std::string wrapped = signature.value();
    for (std::size_t i = 64; i < wrapped.size(); i += 65)
        wrapped.insert(i, "\n");
    EXPECT_TRUE(ocpp::pki::verify_data(signer->second, "data", wrapped).ok());
}

} // namespace
} // namespace ocppkit::test::pki
