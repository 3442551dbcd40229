// verify_chain: validity at a given time, trusted roots, intermediates, the chain size limit and subject checks.
#include <gtest/gtest.h>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::CertificateAuthority;
using ocpp::pki::PkiErrorKind;
using ocpp::pki::VerifyOptions;

VerifyOptions at(TimePoint when) {
    VerifyOptions options;
    options.at = when;
    return options;
}

class Verify : public ::testing::Test {
protected:
    void SetUp() override {
        auto issued = root_ca().issue(subject("CP-0001", "Acme CPO"), client_options());
        ASSERT_TRUE(issued.ok()) << issued.error().message;
        leaf_ = issued->second;
    }
    std::vector<std::string> roots() const { return {root_ca().certificate_pem()}; }
    std::string leaf_;
};

TEST_F(Verify, AcceptsALeafInsideItsValidity) {
    auto info = ocpp::pki::verify_chain(leaf_, roots(), at(t0() + 10 * kDay));
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->subject.common_name, "CP-0001");
}

TEST_F(Verify, BeforeItsValidityIsNotYetValid) {
    auto info = ocpp::pki::verify_chain(leaf_, roots(), at(t0() - kDay));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::NotYetValid);
}

TEST_F(Verify, AfterItsValidityIsExpired) {
    auto info = ocpp::pki::verify_chain(leaf_, roots(), at(t0() + 400 * kDay));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::Expired);
}

TEST_F(Verify, AForeignRootIsUntrusted) {
    auto other = CertificateAuthority::create(subject("Other Root", "Other"), t0(), 3650 * kDay);
    ASSERT_TRUE(other.ok());
    auto info = ocpp::pki::verify_chain(leaf_, {other->certificate_pem()}, at(t0() + kDay));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::Untrusted);
    auto none = ocpp::pki::verify_chain(leaf_, {}, at(t0() + kDay));
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().kind, PkiErrorKind::Untrusted);
}

TEST_F(Verify, AForgedRootWithTheSameNameIsUntrusted) {
    // Same subject as the real root, another key: names alone must not make a chain.
    auto forged = CertificateAuthority::create(subject("Test Root", "Acme"), t0(), 3650 * kDay);
    auto forged_leaf = forged->issue(subject("CP-0001", "Acme CPO"), client_options());
    auto info = ocpp::pki::verify_chain(forged_leaf->second, roots(), at(t0() + kDay));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::Untrusted);
}

TEST_F(Verify, FollowsAnIntermediate) {
    auto options = client_options(1000 * kDay);
    options.usage = ocpp::pki::Usage::IntermediateCa;
    auto intermediate = root_ca().issue(subject("Sub CA", "Acme"), options);
    ASSERT_TRUE(intermediate.ok()) << intermediate.error().message;
    auto sub = CertificateAuthority::load(intermediate->second, intermediate->first.private_pem);
    ASSERT_TRUE(sub.ok()) << sub.error().message;
    auto leaf = sub->issue(subject("CP-0002", "Acme CPO"), client_options());
    ASSERT_TRUE(leaf.ok());
    const std::string chain = leaf->second + intermediate->second;
    auto info = ocpp::pki::verify_chain(chain, roots(), at(t0() + kDay));
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->subject.common_name, "CP-0002");
    EXPECT_EQ(info->issuer.common_name, "Sub CA");
    // Without the intermediate there is no path to the root.
    auto alone = ocpp::pki::verify_chain(leaf->second, roots(), at(t0() + kDay));
    ASSERT_FALSE(alone.ok());
    EXPECT_EQ(alone.error().kind, PkiErrorKind::Untrusted);
    // pathlen 0: the intermediate cannot make another CA below it that signs leaves.
    auto deeper_options = client_options();
    deeper_options.usage = ocpp::pki::Usage::IntermediateCa;
    auto deeper = sub->issue(subject("Sub Sub CA"), deeper_options);
    auto deeper_ca = CertificateAuthority::load(deeper->second, deeper->first.private_pem);
    auto deep_leaf = deeper_ca->issue(subject("CP-3"), client_options());
    auto deep =
        ocpp::pki::verify_chain(deep_leaf->second + deeper->second + intermediate->second, roots(), at(t0() + kDay));
    ASSERT_FALSE(deep.ok());
}

TEST_F(Verify, MaxChainBytesIsChainTooLong) {
    auto options = at(t0() + kDay);
    options.max_chain_bytes = leaf_.size() - 1;
    auto info = ocpp::pki::verify_chain(leaf_, roots(), options);
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::ChainTooLong);
    options.max_chain_bytes = leaf_.size();
    EXPECT_TRUE(ocpp::pki::verify_chain(leaf_, roots(), options).ok());
}

TEST_F(Verify, ExpectedCommonNameAndOrganization) {
    auto options = at(t0() + kDay);
    options.expected_common_name = "CP-0001";
    options.expected_organization = "Acme CPO";
    EXPECT_TRUE(ocpp::pki::verify_chain(leaf_, roots(), options).ok());
    options.expected_common_name = "CP-0002";
    auto wrong_cn = ocpp::pki::verify_chain(leaf_, roots(), options);
    ASSERT_FALSE(wrong_cn.ok());
    EXPECT_EQ(wrong_cn.error().kind, PkiErrorKind::SubjectMismatch);
    options.expected_common_name = "CP-0001";
    options.expected_organization = "Other CPO";
    auto wrong_o = ocpp::pki::verify_chain(leaf_, roots(), options);
    ASSERT_FALSE(wrong_o.ok());
    EXPECT_EQ(wrong_o.error().kind, PkiErrorKind::SubjectMismatch);
}

TEST_F(Verify, AnExpiredRootMakesTheChainExpired) {
    auto short_root = CertificateAuthority::create(subject("Short Root"), t0(), 10 * kDay);
    auto leaf = short_root->issue(subject("CP-1"), client_options());
    auto info = ocpp::pki::verify_chain(leaf->second, {short_root->certificate_pem()}, at(t0() + 20 * kDay));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().kind, PkiErrorKind::Expired);
}

// A certificate is taken only for what its extendedKeyUsage says: a TLS client certificate under a manufacturer root
// is no firmware signer. Without a usage asked for, or without the extension, any use is fine.
TEST_F(Verify, TheExtendedKeyUsageMustFitTheUse) {
    auto firmware = at(t0() + kDay);
    firmware.usage = ocpp::pki::Usage::FirmwareSigning;
    auto client = ocpp::pki::verify_chain(leaf_, roots(), firmware);
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().kind, PkiErrorKind::WrongUsage);
    EXPECT_NE(client.error().message.find("codeSigning"), std::string::npos) << client.error().message;

    ocpp::pki::IssueOptions signer_options = client_options();
    signer_options.usage = ocpp::pki::Usage::FirmwareSigning;
    auto signer = root_ca().issue(subject("Firmware Signer", "Acme"), signer_options);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    auto fits = ocpp::pki::verify_chain(signer->second, roots(), firmware);
    EXPECT_TRUE(fits.ok()) << fits.error().message;

    auto as_client = at(t0() + kDay);
    as_client.usage = ocpp::pki::Usage::ChargePointClient;
    EXPECT_TRUE(ocpp::pki::verify_chain(leaf_, roots(), as_client).ok());
    auto signer_as_client = ocpp::pki::verify_chain(signer->second, roots(), as_client);
    ASSERT_FALSE(signer_as_client.ok());
    EXPECT_EQ(signer_as_client.error().kind, PkiErrorKind::WrongUsage);
    EXPECT_TRUE(ocpp::pki::verify_chain(leaf_, roots(), at(t0() + kDay)).ok()) << "no usage asked for";
}

TEST_F(Verify, GarbageChainsAreBadPem) {
    for (const std::string& text : {std::string(), std::string("garbage"), leaf_.substr(0, leaf_.size() / 2)}) {
        auto info = ocpp::pki::verify_chain(text, roots(), at(t0() + kDay));
        ASSERT_FALSE(info.ok());
        EXPECT_EQ(info.error().kind, PkiErrorKind::BadPem);
    }
}

} // namespace
} // namespace ocppkit::test::pki
