// The operator CA and SignCertificate against the real binary: the CA is created on first start with its key sealed
// in the database, kept across restarts, and a wrong or missing passphrase refuses to start; a CSR whose subject is
// not the charger's (or not the operator's) is Rejected with a notification; a good one is Accepted and followed by
// CertificateSigned whose chain verifies against the CA; a charger asking over and over gets few signatures.
#include "tests/centralsystem/security_fixture.hpp"

namespace {

using namespace cs::test;

TEST_F(SecurityBinary, WithoutAPassphraseThereIsNoCaAndRequestsAreRejected) {
    EXPECT_EQ(api("GET", "/api/v1/ca").status, 404);
    auto c = charger("CB-NOCA");
    EXPECT_EQ(sign(*c, csr("CB-NOCA", kCpo)), "Rejected");
    EXPECT_EQ(c->calls("CertificateSigned"), 0);
}

TEST_F(SecurityBinary, TheCaIsCreatedOnceKeptEncryptedAndSurvivesARestart) {
    start_with_ca();
    const auto r = api("GET", "/api/v1/ca");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto d = parse_json(r.body);
    EXPECT_EQ(std::string(d["ca"]["cpoName"].GetString()), kCpo);
    EXPECT_EQ(std::string(d["ca"]["origin"].GetString()), "created");
    EXPECT_NE(std::string(d["ca"]["subject"].GetString()).find("O=" + kCpo), std::string::npos);
    const std::string first = ca_pem();
    ASSERT_FALSE(first.empty());

    start_with_ca();
    EXPECT_EQ(ca_pem(), first) << "a restart opens the stored CA, it does not make a new one";
    cs_.reset();
    const std::string db = file_text(db_);
    EXPECT_EQ(db.find("BEGIN PRIVATE KEY"), std::string::npos) << "the key never rests in clear";
    EXPECT_EQ(db.find("BEGIN EC PRIVATE KEY"), std::string::npos);
    EXPECT_NE(db.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
}

TEST_F(SecurityBinary, AWrongOrMissingPassphraseRefusesToStart) {
    start_with_ca();
    cs_.reset();
    const std::vector<std::string> base{"--listen", "127.0.0.1:" + std::to_string(free_port()), "--db",
                                        "sqlite:" + db_};
    auto args = base;
    args.insert(args.end(), {"--ca-passphrase-file", passphrase_file("not the passphrase", ".wrong")});
    ChildProcess wrong(kBin + "/ocpp-centralsystem", args, base_ + ".cs.log");
    EXPECT_EQ(wrong.wait_exit(20s), 1);
    const std::string said = file_text(base_ + ".cs.log");
    EXPECT_NE(said.find("wrong CA passphrase"), std::string::npos) << said;
    EXPECT_EQ(said.find("not the passphrase"), std::string::npos) << "never log the passphrase";

    ChildProcess missing(kBin + "/ocpp-centralsystem", base, base_ + ".cs.log");
    EXPECT_EQ(missing.wait_exit(20s), 1);
    EXPECT_NE(file_text(base_ + ".cs.log").find("give its passphrase with --ca-passphrase-file"), std::string::npos)
        << file_text(base_ + ".cs.log");
    start_with_ca(); // the right one still opens it
    EXPECT_FALSE(ca_pem().empty());
}

TEST_F(SecurityBinary, ThePassphraseIsNotTakenOnTheCommandLine) {
    ChildProcess p(kBin + "/ocpp-centralsystem", {"--ca-passphrase", "secret-secret"}, base_ + ".cs.log");
    EXPECT_EQ(p.wait_exit(10s), 2);
    EXPECT_NE(file_text(base_ + ".cs.log").find("--ca-passphrase-file"), std::string::npos);
}

TEST_F(SecurityBinary, ACsrWithTheWrongSubjectIsRejectedWithANotification) {
    start_with_ca();
    auto c = charger("CB-SUBJ");
    EXPECT_EQ(sign(*c, csr("CB-OTHER", kCpo)), "Rejected");
    EXPECT_EQ(sign(*c, csr("CB-SUBJ", "Evil Corp")), "Rejected");
    EXPECT_EQ(sign(*c, "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----\n"),
              "Rejected");
    EXPECT_TRUE(wait_until([&] { return !notifications("certificateRequestRejected").empty(); }, 5s));
    const auto rejected = notifications("certificateRequestRejected");
    ASSERT_FALSE(rejected.empty());
    EXPECT_NE(rejected.front().find("commonName \"CB-OTHER\" is not the Chargebox ID"), std::string::npos)
        << rejected.front();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(c->calls("CertificateSigned"), 0) << "nothing is signed for a bad CSR";
    const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-SUBJ/certificates").body);
    EXPECT_EQ(inv["issued"].Size(), 0u);
    ASSERT_EQ(inv["requests"].Size(), 3u);
    EXPECT_EQ(std::string(inv["requests"][0]["outcome"].GetString()), "Rejected");
}

TEST_F(SecurityBinary, AGoodCsrIsSignedAndTheChainVerifiesAgainstTheCa) {
    start_with_ca();
    const std::string ca = ca_pem();
    auto c = charger("CB-GOOD");
    EXPECT_EQ(sign(*c, csr("CB-GOOD", kCpo)), "Accepted");
    ASSERT_TRUE(wait_until([&] { return c->calls("CertificateSigned") == 1; }, 10s));
    const auto payload = parse_json(c->last_payload("CertificateSigned"));
    const std::string chain = payload["certificateChain"].GetString();
    ocpp::pki::VerifyOptions v;
    v.at = std::chrono::system_clock::now();
    v.expected_common_name = "CB-GOOD";
    v.expected_organization = kCpo;
    const auto leaf = ocpp::pki::verify_chain(chain, {ca}, v);
    ASSERT_TRUE(leaf) << leaf.error().message;
    EXPECT_FALSE(leaf->is_ca);
    // The inventory shows it, delivered.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-GOOD/certificates").body);
            return inv["issued"].Size() == 1 && std::string(inv["issued"][0]["delivery"].GetString()) == "Accepted";
        },
        5s));
    const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-GOOD/certificates").body);
    EXPECT_EQ(std::string(inv["issued"][0]["serialNumber"].GetString()), leaf->serial_hex);
    EXPECT_EQ(std::string(inv["requests"][0]["outcome"].GetString()), "Signed");
}

TEST_F(SecurityBinary, AChargerAskingOverAndOverGetsFewSignatures) {
    start_with_ca();
    auto c = charger("CB-FLOOD");
    const std::string request = csr("CB-FLOOD", kCpo);
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 12; ++i) {
        const std::string status = sign(*c, request);
        accepted += status == "Accepted" ? 1 : 0;
        rejected += status == "Rejected" ? 1 : 0;
    }
    EXPECT_EQ(accepted, 5) << "five per hour";
    EXPECT_EQ(rejected, 7);
    ASSERT_TRUE(wait_until([&] { return c->calls("CertificateSigned") == 5; }, 10s));
    const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-FLOOD/certificates").body);
    EXPECT_EQ(std::string(inv["requests"][0]["outcome"].GetString()), "Throttled");
    // Another charger is not held up by it.
    auto other = charger("CB-CALM");
    EXPECT_EQ(sign(*other, csr("CB-CALM", kCpo)), "Accepted");
}

TEST_F(SecurityBinary, AnImportedCaReplacesTheCreatedOneAndSignsFromThen) {
    start_with_ca();
    ocpp::pki::Subject s;
    s.common_name = "Imported Root";
    s.organization = "Other Operator";
    auto root = ocpp::pki::CertificateAuthority::create(s, std::chrono::system_clock::now(), std::chrono::hours(48));
    ASSERT_TRUE(root) << root.error().message;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("certificate");
    w.String(root->certificate_pem().c_str());
    w.Key("privateKey");
    w.String(root->private_key_pem().c_str());
    w.Key("cpoName");
    w.String("Other Operator");
    w.EndObject();
    const auto r = api("POST", "/api/v1/ca/import", buf.GetString());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ca_pem(), root->certificate_pem());
    auto c = charger("CB-IMP");
    EXPECT_EQ(sign(*c, csr("CB-IMP", kCpo)), "Rejected") << "the CpoName changed with the import";
    EXPECT_EQ(sign(*c, csr("CB-IMP", "Other Operator")), "Accepted");
    start_with_ca();
    EXPECT_EQ(ca_pem(), root->certificate_pem()) << "the import is what is stored";
}

} // namespace
