// certificateHashData checked against values computed independently with the openssl command line: the serial from
// `openssl x509 -serial`, the issuer name hash over the DER of the certificate's issuer field (cut out of the
// certificate with `openssl asn1parse`), the issuer key hash over the bits of the issuer's public key BIT STRING.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "tests/pki/pki_test_support.hpp"

namespace ocppkit::test::pki {
namespace {

using ocpp::pki::PkiErrorKind;
using ocpp::v16::HashAlgorithm;

struct Element {
    std::size_t offset = 0, header = 0, length = 0;
};

// The elements at `depth` of `openssl asn1parse` output, in order.
std::vector<Element> elements_at(const std::string& asn1parse_output, int depth) {
    std::vector<Element> found;
    std::istringstream lines(asn1parse_output);
    std::string line;
    const std::string marker = "d=" + std::to_string(depth) + " ";
    while (std::getline(lines, line)) {
        if (line.find(marker) == std::string::npos)
            continue;
        Element e;
        e.offset = std::stoul(line.substr(0, line.find(':')));
        e.header = std::stoul(line.substr(line.find("hl=") + 3));
        e.length = std::stoul(line.substr(line.find("l=", line.find("hl=") + 3) + 2));
        found.push_back(e);
    }
    return found;
}

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// `openssl dgst -<name> -r` of bytes: the lower-case hex digest.
std::string openssl_digest(const ScratchDir& dir, const std::string& bytes, const std::string& name) {
    const std::string path = dir.path + "/bytes.bin";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    const std::string out = openssl({"dgst", "-" + name, "-r", path});
    return lower(out.substr(0, out.find(' ')));
}

struct Expected {
    std::string name_hash, key_hash, serial;
};

Expected expected_by_openssl(const std::string& cert_pem, const std::string& issuer_pem, const std::string& digest) {
    ScratchDir dir;
    Expected e;
    const std::string cert_path = dir.file("cert.pem", cert_pem);
    std::string serial = openssl({"x509", "-in", cert_path, "-noout", "-serial"});
    serial = lower(serial.substr(serial.find('=') + 1));
    serial.erase(serial.find_last_not_of("\r\n") + 1);
    e.serial = serial.substr(std::min(serial.find_first_not_of('0'), serial.size() - 1));

    // The issuer field is the fourth element of tbsCertificate (after [0] version, serial, signature algorithm).
    const std::string der_path = dir.path + "/cert.der";
    openssl({"x509", "-in", cert_path, "-outform", "DER", "-out", der_path});
    const std::string der = file_text(der_path);
    const auto tbs = elements_at(openssl({"asn1parse", "-inform", "DER", "-in", der_path}), 2);
    EXPECT_GE(tbs.size(), 4u);
    const Element issuer = tbs.at(3);
    e.name_hash = openssl_digest(dir, der.substr(issuer.offset, issuer.header + issuer.length), digest);

    // The issuer's SubjectPublicKeyInfo: its BIT STRING's contents without the unused-bits octet.
    const std::string pub_path = dir.path + "/pub.pem";
    const std::string spki_path = dir.path + "/pub.der";
    openssl({"x509", "-in", dir.file("issuer.pem", issuer_pem), "-noout", "-pubkey", "-out", pub_path});
    openssl({"pkey", "-pubin", "-in", pub_path, "-outform", "DER", "-out", spki_path});
    const std::string spki = file_text(spki_path);
    const auto parts = elements_at(openssl({"asn1parse", "-inform", "DER", "-in", spki_path}), 1);
    EXPECT_EQ(parts.size(), 2u);
    const Element bits = parts.at(1);
    e.key_hash = openssl_digest(dir, spki.substr(bits.offset + bits.header + 1, bits.length - 1), digest);
    return e;
}

TEST(HashData, OfASelfSignedRootMatchesOpenssl) {
    const std::string& root = root_ca().certificate_pem();
    auto data = ocpp::pki::hash_data(root);
    ASSERT_TRUE(data.ok()) << data.error().message;
    const Expected e = expected_by_openssl(root, root, "sha256");
    EXPECT_EQ(data->hashAlgorithm, HashAlgorithm::SHA256);
    EXPECT_EQ(data->issuerNameHash, e.name_hash);
    EXPECT_EQ(data->issuerKeyHash, e.key_hash);
    EXPECT_EQ(data->serialNumber, e.serial);
    EXPECT_EQ(data->issuerNameHash.size(), 64u);
}

TEST(HashData, OfALeafUsesItsIssuer) {
    auto issued = root_ca().issue(subject("CP-1"), client_options());
    ASSERT_TRUE(issued.ok());
    for (const auto& [algorithm, name] :
         {std::pair{HashAlgorithm::SHA256, "sha256"}, std::pair{HashAlgorithm::SHA384, "sha384"},
          std::pair{HashAlgorithm::SHA512, "sha512"}}) {
        auto data = ocpp::pki::hash_data(issued->second, root_ca().certificate_pem(), algorithm);
        ASSERT_TRUE(data.ok()) << data.error().message;
        const Expected e = expected_by_openssl(issued->second, root_ca().certificate_pem(), name);
        EXPECT_EQ(data->hashAlgorithm, algorithm);
        EXPECT_EQ(data->issuerNameHash, e.name_hash) << name;
        EXPECT_EQ(data->issuerKeyHash, e.key_hash) << name;
        EXPECT_EQ(data->serialNumber, e.serial);
    }
}

TEST(HashData, OfAnRsaRootMadeByOpensslWithASmallSerial) {
    ScratchDir dir;
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path + "/k.pem", "-out",
             dir.path + "/ca.pem", "-subj", "/C=NL/O=Other/CN=Other Root", "-days", "30", "-set_serial", "0x00ff"});
    const std::string root = file_text(dir.path + "/ca.pem");
    auto data = ocpp::pki::hash_data(root);
    ASSERT_TRUE(data.ok()) << data.error().message;
    const Expected e = expected_by_openssl(root, root, "sha256");
    EXPECT_EQ(data->issuerNameHash, e.name_hash);
    EXPECT_EQ(data->issuerKeyHash, e.key_hash);
    EXPECT_EQ(data->serialNumber, "ff");
}

TEST(HashData, MatchesTheCertificateIdOfAnOcspRequest) {
    // The whitepaper's certificateHashData is OCSP's CertID: openssl's OCSP request text is a second opinion.
    auto issued = root_ca().issue(subject("CP-1"), client_options());
    ScratchDir dir;
    const std::string text = openssl({"ocsp", "-issuer", dir.file("ca.pem", root_ca().certificate_pem()), "-sha256",
                                      "-cert", dir.file("leaf.pem", issued->second), "-req_text", "-no_nonce"});
    auto data = ocpp::pki::hash_data(issued->second, root_ca().certificate_pem());
    const std::string upper_text = lower(text);
    EXPECT_NE(upper_text.find("issuer name hash: " + data->issuerNameHash), std::string::npos) << text;
    EXPECT_NE(upper_text.find("issuer key hash: " + data->issuerKeyHash), std::string::npos) << text;
}

TEST(HashData, ALeafWithoutItsIssuerOrWithAnotherIssuerIsRefused) {
    auto issued = root_ca().issue(subject("CP-1"), client_options());
    auto alone = ocpp::pki::hash_data(issued->second);
    ASSERT_FALSE(alone.ok());
    EXPECT_EQ(alone.error().kind, PkiErrorKind::Untrusted);
    auto other = ocpp::pki::CertificateAuthority::create(subject("Other"), t0(), kDay);
    auto wrong = ocpp::pki::hash_data(issued->second, other->certificate_pem());
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind, PkiErrorKind::Untrusted);
    EXPECT_EQ(ocpp::pki::hash_data("nonsense").error().kind, PkiErrorKind::BadPem);
}

TEST(HashData, SameCertificateIgnoresCaseAndLeadingZeros) {
    auto a = ocpp::pki::hash_data(root_ca().certificate_pem());
    ASSERT_TRUE(a.ok());
    auto b = a.value();
    for (char& c : b.issuerKeyHash)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    b.serialNumber = "00" + b.serialNumber;
    EXPECT_TRUE(ocpp::pki::same_certificate(a.value(), b));
    b.serialNumber = "1";
    EXPECT_FALSE(ocpp::pki::same_certificate(a.value(), b));
    auto c = a.value();
    c.hashAlgorithm = HashAlgorithm::SHA384;
    EXPECT_FALSE(ocpp::pki::same_certificate(a.value(), c));
}

} // namespace
} // namespace ocppkit::test::pki
