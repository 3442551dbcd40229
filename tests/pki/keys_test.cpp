// Key pairs and CSRs: each allowed key type, encrypted keys at rest, CSR round trips and tampered CSRs.
#include <gtest/gtest.h>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::KeyType;
using ocpp::pki::PkiErrorKind;

class EachKeyType : public ::testing::TestWithParam<KeyType> {};

TEST_P(EachKeyType, GeneratesReadsAndMakesACsrThatReadsBack) {
    auto key = ocpp::pki::generate_key(GetParam());
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->type, GetParam());
    EXPECT_NE(key->private_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    EXPECT_NE(key->public_pem.find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
    auto read = ocpp::pki::read_private_key(key->private_pem);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->type, GetParam());
    EXPECT_EQ(read->public_pem, key->public_pem);

    auto csr = ocpp::pki::make_csr(key->private_pem, subject("CP-0001", "Acme CPO"));
    ASSERT_TRUE(csr.ok()) << csr.error().message;
    auto info = ocpp::pki::read_csr(csr.value());
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->subject.common_name, "CP-0001");
    EXPECT_EQ(info->subject.organization, "Acme CPO");
    EXPECT_EQ(info->key_type, GetParam());
    EXPECT_EQ(info->public_key_pem, key->public_pem);
}

// RSA 3072/4096 keys take seconds to make: the fast types in every run, the slow ones once.
INSTANTIATE_TEST_SUITE_P(Pki, EachKeyType,
                         ::testing::Values(KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048, KeyType::Rsa3072));

TEST(Keys, NamesEachType) {
    EXPECT_EQ(ocpp::pki::key_type_name(KeyType::EcP256), "ECDSA P-256");
    EXPECT_EQ(ocpp::pki::key_type_name(KeyType::Rsa2048), "RSA 2048");
}

TEST(Keys, ReadsATraditionalEcKeyMadeByOpenssl) {
    ScratchDir dir;
    const std::string path = dir.path + "/ec.key";
    openssl({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path});
    const std::string pem = file_text(path);
    ASSERT_NE(pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);
    auto key = ocpp::pki::read_private_key(pem);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->type, KeyType::EcP256);
}

TEST(Keys, RefusesKeyTypesTheWhitepaperDoesNotAllow) {
    ScratchDir dir;
    const std::string rsa1024 = dir.path + "/rsa1024.key";
    const std::string p521 = dir.path + "/p521.key";
    const std::string ed = dir.path + "/ed.key";
    openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa1024});
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", p521});
    openssl({"genpkey", "-algorithm", "ED25519", "-out", ed});
    for (const auto& path : {rsa1024, p521, ed}) {
        auto key = ocpp::pki::read_private_key(file_text(path));
        ASSERT_FALSE(key.ok()) << path;
        EXPECT_EQ(key.error().kind, PkiErrorKind::BadKey) << path;
    }
}

TEST(Keys, EncryptedKeyOpensWithTheRightPassphraseOnly) {
    auto key = ocpp::pki::generate_key();
    ASSERT_TRUE(key.ok());
    auto encrypted = ocpp::pki::encrypt_private_key(key->private_pem, "correct horse");
    ASSERT_TRUE(encrypted.ok()) << encrypted.error().message;
    EXPECT_NE(encrypted->find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);

    auto opened = ocpp::pki::read_private_key(encrypted.value(), "correct horse");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->private_pem, key->private_pem);

    auto wrong = ocpp::pki::read_private_key(encrypted.value(), "battery staple");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind, PkiErrorKind::BadPassphrase);
    auto none = ocpp::pki::read_private_key(encrypted.value());
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().kind, PkiErrorKind::BadPassphrase);

    auto empty = ocpp::pki::encrypt_private_key(key->private_pem, "");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().kind, PkiErrorKind::BadPassphrase);
}

TEST(Keys, EncryptedKeyUsesPbkdf2AndAes256) {
    auto key = ocpp::pki::generate_key();
    auto encrypted = ocpp::pki::encrypt_private_key(key->private_pem, "secret");
    ASSERT_TRUE(encrypted.ok());
    ScratchDir dir;
    const std::string text = openssl({"asn1parse", "-in", dir.file("k.pem", encrypted.value())});
    EXPECT_NE(text.find("PBKDF2"), std::string::npos) << text;
    EXPECT_NE(text.find("aes-256-cbc"), std::string::npos) << text;
}

TEST(Keys, ACertificateIsNotAKey) {
    auto key = ocpp::pki::read_private_key(root_ca().certificate_pem());
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().kind, PkiErrorKind::BadPem);
}

TEST(Csr, OpensslReadsOurCsrAndItsSubject) {
    auto key = ocpp::pki::generate_key();
    auto csr = ocpp::pki::make_csr(key->private_pem, subject("CP-0001", "Acme CPO"));
    ASSERT_TRUE(csr.ok());
    ScratchDir dir;
    const std::string text =
        openssl({"req", "-in", dir.file("r.csr", csr.value()), "-noout", "-verify", "-subject", "-nameopt", "RFC2253"});
    EXPECT_NE(text.find("CN=CP-0001,O=Acme CPO"), std::string::npos) << text;
}

TEST(Csr, ReadsACsrMadeByOpenssl) {
    ScratchDir dir;
    const std::string csr_path = dir.path + "/r.csr";
    openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path + "/k.pem", "-subj",
             "/O=Other CPO/CN=CP-77", "-out", csr_path});
    auto info = ocpp::pki::read_csr(file_text(csr_path));
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->subject.common_name, "CP-77");
    EXPECT_EQ(info->subject.organization, "Other CPO");
    EXPECT_EQ(info->key_type, KeyType::Rsa2048);
}

TEST(Csr, ATamperedCsrIsBadCsr) {
    auto key = ocpp::pki::generate_key();
    auto csr = ocpp::pki::make_csr(key->private_pem, subject("CP-0001"));
    ASSERT_TRUE(csr.ok());
    // Change the subject inside the signed part: the DER still parses but the signature no longer matches.
    ScratchDir dir;
    const std::string der_path = dir.path + "/r.der";
    openssl({"req", "-in", dir.file("r.csr", csr.value()), "-outform", "DER", "-out", der_path});
    std::string der = file_text(der_path);
    const auto at = der.find("CP-0001");
    ASSERT_NE(at, std::string::npos);
    der[at + 3] = '9';
    std::ofstream(der_path, std::ios::binary | std::ios::trunc) << der;
    const std::string pem_path = dir.path + "/tampered.csr";
    openssl({"req", "-inform", "DER", "-in", der_path, "-out", pem_path});
    auto info = ocpp::pki::read_csr(file_text(pem_path));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::BadCsr);
}

TEST(Csr, GarbageAndOversizedCsrsAreBadCsr) {
    for (const std::string& text :
         {std::string(), std::string("hello"),
          std::string("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
          std::string(5501, 'A')}) {
        auto info = ocpp::pki::read_csr(text);
        ASSERT_FALSE(info.ok());
        EXPECT_EQ(info.error().kind, PkiErrorKind::BadCsr);
    }
    auto big = ocpp::pki::read_csr(std::string(6000, 'A'));
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find("5,500"), std::string::npos) << big.error().message;
}

TEST(Csr, RefusesAWrongCountryAndOverlongFields) {
    auto key = ocpp::pki::generate_key();
    auto s = subject("CP-1");
    s.country = "NLD";
    EXPECT_EQ(ocpp::pki::make_csr(key->private_pem, s).error().kind, PkiErrorKind::SubjectMismatch);
    auto long_cn = subject(std::string(65, 'x'));
    EXPECT_EQ(ocpp::pki::make_csr(key->private_pem, long_cn).error().kind, PkiErrorKind::SubjectMismatch);
}

TEST(Subject, OneLine) {
    auto s = subject("CP-1", "Acme");
    s.country = "NL";
    EXPECT_EQ(s.one_line(), "CN=CP-1, O=Acme, C=NL");
}

} // namespace
} // namespace ocppkit::test::pki
