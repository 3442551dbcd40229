// Bounded inputs and garbage: oversized PEMs and bundles get clear errors, and no input crashes the library.
#include <gtest/gtest.h>

#include <random>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::PkiErrorKind;

TEST(Bounds, APemOver64KiBIsRefused) {
    std::string big = root_ca().certificate_pem();
    big += std::string(64 * 1024, '\n');
    auto certs = ocpp::pki::read_certificates(big);
    ASSERT_FALSE(certs.ok());
    EXPECT_EQ(certs.error().kind, PkiErrorKind::ChainTooLong);
    EXPECT_NE(certs.error().message.find("64 KiB"), std::string::npos);
    auto key = ocpp::pki::read_private_key(root_ca().private_key_pem() + std::string(64 * 1024, '\n'));
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().kind, PkiErrorKind::BadPem);
}

TEST(Bounds, ABundleOfMoreThanSixteenCertificatesIsRefused) {
    std::string sixteen;
    for (int i = 0; i < 16; ++i)
        sixteen += root_ca().certificate_pem();
    auto ok = ocpp::pki::read_certificates(sixteen);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->size(), 16u);
    auto more = ocpp::pki::read_certificates(sixteen + root_ca().certificate_pem());
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.error().kind, PkiErrorKind::ChainTooLong);
}

TEST(Bounds, ReadsABundleInOrderAndSkipsTextAroundIt) {
    auto leaf = root_ca().issue(subject("CP-1"), client_options());
    auto certs = ocpp::pki::read_certificates("comment line\n" + leaf->second + "\n" + root_ca().certificate_pem());
    ASSERT_TRUE(certs.ok()) << certs.error().message;
    ASSERT_EQ(certs->size(), 2u);
    EXPECT_EQ(certs->at(0).subject.common_name, "CP-1");
    EXPECT_EQ(certs->at(1).subject.common_name, "Test Root");
    EXPECT_EQ(certs->at(0).pem, leaf->second);
}

TEST(Bounds, AKeyIsNotACertificate) {
    auto certs = ocpp::pki::read_certificates(root_ca().private_key_pem());
    ASSERT_FALSE(certs.ok());
    EXPECT_EQ(certs.error().kind, PkiErrorKind::BadPem);
}

// Every reader on one input: none may crash, each answers a value or an error.
void feed_everything(const std::string& input) {
    (void)ocpp::pki::read_certificates(input);
    (void)ocpp::pki::read_private_key(input);
    (void)ocpp::pki::read_private_key(input, "passphrase");
    (void)ocpp::pki::read_csr(input);
    (void)ocpp::pki::hash_data(input);
    (void)ocpp::pki::verify_chain(input, {root_ca().certificate_pem()}, {});
    (void)ocpp::pki::verify_chain(root_ca().certificate_pem(), {input}, {});
    (void)ocpp::pki::verify_data(input, "data", "AAAA");
    (void)ocpp::pki::sign_data(input, "data");
    (void)root_ca().sign(input, client_options());
    (void)ocpp::pki::CertificateAuthority::load(input, root_ca().private_key_pem());
    (void)ocpp::pki::CertificateAuthority::load(root_ca().certificate_pem(), input);
}

TEST(Garbage, RandomBytesNeverCrash) {
    std::mt19937 random(15);
    for (int i = 0; i < 300; ++i) {
        std::string input(random() % 2000, '\0');
        for (char& c : input)
            c = static_cast<char>(random());
        feed_everything(input);
        // Random bytes inside PEM armour.
        feed_everything("-----BEGIN CERTIFICATE-----\n" + input + "\n-----END CERTIFICATE-----\n");
    }
}

TEST(Garbage, TruncatedPemsAreErrorsNotCrashes) {
    auto leaf = root_ca().issue(subject("CP-1"), client_options());
    auto csr = ocpp::pki::make_csr(leaf->first.private_pem, subject("CP-1"));
    for (const std::string& whole :
         {leaf->second + root_ca().certificate_pem(), leaf->first.private_pem, csr.value()}) {
        for (std::size_t cut = 0; cut < whole.size(); cut += 7) {
            const std::string part = whole.substr(0, cut);
            feed_everything(part);
        }
    }
    // A chain cut inside its second certificate is an error, never a silently shorter chain.
    const std::string chain = leaf->second + root_ca().certificate_pem();
    auto cut = ocpp::pki::read_certificates(chain.substr(0, leaf->second.size() + 100));
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().kind, PkiErrorKind::BadPem);
}

TEST(Garbage, FlippedBytesInACertificateNeverVerify) {
    auto leaf = root_ca().issue(subject("CP-1"), client_options());
    const std::string& pem = leaf->second;
    const auto body = pem.find('\n') + 1;
    ocpp::pki::VerifyOptions options;
    options.at = t0() + kDay;
    std::mt19937 random(73);
    for (int i = 0; i < 200; ++i) {
        std::string changed = pem;
        const std::size_t at = body + random() % (pem.size() - body - 30);
        if (changed[at] == '\n')
            continue;
        changed[at] = changed[at] == 'A' ? 'B' : 'A';
        auto verified = ocpp::pki::verify_chain(changed, {root_ca().certificate_pem()}, options);
        EXPECT_FALSE(verified.ok()) << "byte " << at;
    }
}

} // namespace
} // namespace ocppkit::test::pki
