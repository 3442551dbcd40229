// The certificate authority: creating and loading roots, signing CSRs for each usage, and chains it issues.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::CertificateAuthority;
using ocpp::pki::PkiErrorKind;
using ocpp::pki::Usage;

TEST(Authority, CreatesASelfSignedRoot) {
    const auto& ca = root_ca();
    EXPECT_TRUE(ca.info().is_ca);
    EXPECT_EQ(ca.info().subject.common_name, "Test Root");
    EXPECT_EQ(ca.info().issuer.common_name, "Test Root");
    EXPECT_EQ(ca.info().not_before, t0());
    EXPECT_EQ(ca.info().not_after, t0() + 3650 * kDay);
    // 128 random bits, written without leading zeros: 32 hex digits, fewer when the top bits happen to be zero
    // (one serial in 16 has 31); under 24 would take 32 zero bits in a row.
    EXPECT_LE(ca.info().serial_hex.size(), 32u);
    EXPECT_GE(ca.info().serial_hex.size(), 24u);
    ScratchDir dir;
    const std::string text = openssl({"x509", "-in", dir.file("ca.pem", ca.certificate_pem()), "-noout", "-text"});
    EXPECT_NE(text.find("CA:TRUE"), std::string::npos) << text;
    EXPECT_NE(text.find("Certificate Sign"), std::string::npos) << text;
}

TEST(Authority, LoadsItsOwnCertificateAndKeyBack) {
    const auto& ca = root_ca();
    auto loaded = CertificateAuthority::load(ca.certificate_pem(), ca.private_key_pem());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->info().sha256_fingerprint, ca.info().sha256_fingerprint);
}

TEST(Authority, LoadRefusesAKeyOfAnotherCertificate) {
    auto other = ocpp::pki::generate_key();
    auto loaded = CertificateAuthority::load(root_ca().certificate_pem(), other->private_pem);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, PkiErrorKind::BadKey);
}

TEST(Authority, LoadOpensAnEncryptedKeyWithTheRightPassphraseOnly) {
    const auto& ca = root_ca();
    auto encrypted = ocpp::pki::encrypt_private_key(ca.private_key_pem(), "ca-secret");
    ASSERT_TRUE(encrypted.ok());
    auto loaded = CertificateAuthority::load(ca.certificate_pem(), encrypted.value(), "ca-secret");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->private_key_pem(), ca.private_key_pem());
    auto csr = ocpp::pki::make_csr(ocpp::pki::generate_key()->private_pem, subject("CP-1"));
    EXPECT_TRUE(loaded->sign(csr.value(), client_options()).ok());

    auto wrong = CertificateAuthority::load(ca.certificate_pem(), encrypted.value(), "guess");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind, PkiErrorKind::BadPassphrase);
}

TEST(Authority, LoadRefusesALeafAsACa) {
    auto issued = root_ca().issue(subject("CP-1"), client_options());
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    auto loaded = CertificateAuthority::load(issued->second, issued->first.private_pem);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, PkiErrorKind::BadPem);
}

TEST(Authority, LoadsARootMadeByOpenssl) {
    ScratchDir dir;
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path + "/ca.key", "-out",
             dir.path + "/ca.pem", "-subj", "/O=Other/CN=Other Root", "-days", "30"});
    auto loaded = CertificateAuthority::load(file_text(dir.path + "/ca.pem"), file_text(dir.path + "/ca.key"));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ocpp::pki::IssueOptions now; // starts now, inside the root's 30 days
    auto issued = loaded->issue(subject("CP-1"), now);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    // A start after the root's end cannot be served.
    auto late = loaded->issue(subject("CP-1"), client_options());
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().kind, PkiErrorKind::Expired);
}

TEST(Authority, SignsACsrWithItsSubjectAndKeyForClientUse) {
    auto key = ocpp::pki::generate_key();
    auto csr = ocpp::pki::make_csr(key->private_pem, subject("CP-0001", "Acme CPO"));
    auto cert = root_ca().sign(csr.value(), client_options());
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    auto infos = ocpp::pki::read_certificates(cert.value());
    ASSERT_TRUE(infos.ok());
    ASSERT_EQ(infos->size(), 1u);
    const auto& info = infos->front();
    EXPECT_EQ(info.subject.common_name, "CP-0001");
    EXPECT_EQ(info.subject.organization, "Acme CPO");
    EXPECT_EQ(info.issuer.common_name, "Test Root");
    EXPECT_FALSE(info.is_ca);
    EXPECT_EQ(info.not_before, t0());
    EXPECT_EQ(info.not_after, t0() + 365 * kDay);

    ScratchDir dir;
    const std::string cert_path = dir.file("leaf.pem", cert.value());
    const std::string text = openssl({"x509", "-in", cert_path, "-noout", "-text"});
    EXPECT_NE(text.find("TLS Web Client Authentication"), std::string::npos) << text;
    EXPECT_NE(text.find("CA:FALSE"), std::string::npos) << text;
    // openssl agrees that the root signed it (at a time inside its validity).
    const std::string verify = openssl(
        {"verify", "-attime", "1893500000", "-CAfile", dir.file("ca.pem", root_ca().certificate_pem()), cert_path});
    EXPECT_NE(verify.find("OK"), std::string::npos) << verify;
}

TEST(Authority, ServerCertificatesCarryTheirAltNames) {
    auto options = client_options();
    options.usage = Usage::CentralSystemServer;
    options.dns_names = {"localhost", "cs.example.com"};
    options.ip_addresses = {"127.0.0.1", "::1"};
    auto issued = root_ca().issue(subject("cs.example.com"), options);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    ScratchDir dir;
    const std::string text = openssl({"x509", "-in", dir.file("s.pem", issued->second), "-noout", "-text"});
    EXPECT_NE(text.find("DNS:localhost, DNS:cs.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos) << text;
}

TEST(Authority, RefusesAltNamesThatAreNotNames) {
    auto options = client_options();
    options.usage = Usage::CentralSystemServer;
    options.dns_names = {"evil,IP:1.2.3.4"};
    EXPECT_EQ(root_ca().issue(subject("cs"), options).error().kind, PkiErrorKind::SubjectMismatch);
    options.dns_names = {};
    options.ip_addresses = {"300.1.1.1"};
    EXPECT_EQ(root_ca().issue(subject("cs"), options).error().kind, PkiErrorKind::SubjectMismatch);
}

TEST(Authority, FirmwareSigningCertificatesAreForCodeSigning) {
    auto options = client_options();
    options.usage = Usage::FirmwareSigning;
    auto issued = root_ca().issue(subject("Firmware Signer"), options);
    ASSERT_TRUE(issued.ok());
    ScratchDir dir;
    const std::string text = openssl({"x509", "-in", dir.file("f.pem", issued->second), "-noout", "-text"});
    EXPECT_NE(text.find("Code Signing"), std::string::npos) << text;
}

TEST(Authority, ACertificateNeverOutlivesItsIssuer) {
    auto issued = root_ca().issue(subject("CP-1"), client_options(20000 * kDay));
    ASSERT_TRUE(issued.ok());
    auto info = ocpp::pki::read_certificates(issued->second);
    EXPECT_EQ(info->front().not_after, root_ca().info().not_after);
}

TEST(Authority, EachCertificateGetsItsOwnSerial) {
    auto a = root_ca().issue(subject("CP-1"), client_options());
    auto b = root_ca().issue(subject("CP-1"), client_options());
    EXPECT_NE(ocpp::pki::read_certificates(a->second)->front().serial_hex,
              ocpp::pki::read_certificates(b->second)->front().serial_hex);
}

TEST(Authority, OneCaSignsFromSeveralThreadsAtOnce) {
    // A central system signs on a worker pool with one CA object.
    std::vector<std::string> csrs;
    for (int i = 0; i < 4; ++i)
        csrs.push_back(
            ocpp::pki::make_csr(ocpp::pki::generate_key()->private_pem, subject("CP-" + std::to_string(i))).value());
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            ocpp::pki::VerifyOptions options;
            options.at = t0() + kDay;
            options.expected_common_name = "CP-" + std::to_string(t);
            for (int i = 0; i < 25; ++i) {
                auto cert = root_ca().sign(csrs[static_cast<std::size_t>(t)], client_options());
                if (cert && ocpp::pki::verify_chain(cert.value(), {root_ca().certificate_pem()}, options))
                    ++good;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(good.load(), 100);
}

TEST(Authority, RefusesABadCsr) {
    auto cert = root_ca().sign("not a csr", client_options());
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.error().kind, PkiErrorKind::BadCsr);
}

// A subject that names two commonNames reads as one charger to one parser and another to the next: a CSR like that
// is refused, and nothing the CA signs carries a repeated name.
TEST(Authority, RefusesACsrThatNamesTwoCommonNames) {
    ScratchDir dir;
    auto key = ocpp::pki::generate_key();
    ASSERT_TRUE(key.ok());
    const std::string key_path = dir.file("k.pem", key->private_pem);
    const std::string csr_path = dir.path + "/two.csr";
    openssl({"req", "-new", "-key", key_path, "-subj", "/O=Acme CPO/CN=CP-0001/CN=CP-0002", "-out", csr_path});
    const std::string csr = openssl({"req", "-in", csr_path});
    auto read = ocpp::pki::read_csr(csr);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().kind, PkiErrorKind::SubjectMismatch);
    EXPECT_NE(read.error().message.find("commonName"), std::string::npos) << read.error().message;
    auto cert = root_ca().sign(csr, client_options());
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.error().kind, PkiErrorKind::SubjectMismatch);
}

} // namespace
} // namespace ocppkit::test::pki
