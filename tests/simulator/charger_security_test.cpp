// The security whitepaper in one simulated charger, on the manual clock against a scripted central system: the
// AuthorizationKey and SecurityProfile keys with their reconnects and fall backs, the certificate store, and the
// charge point certificate from SignCertificate to CertificateSigned and its renewal.
#include <gtest/gtest.h>

#include "fake_central_system.hpp"
#include "ocpp/pki/authorization_key.hpp"
#include "ocpp/pki/pki.hpp"
#include "simulator/charger/security/security_state.hpp"
#include "simulator/charger_model.hpp"
#include "simulator/fleet/fleet.hpp"
#include "simulator/options.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocpp::net::ConnectError;
using sim::Charger;
using sim::testing::FakeCentralSystem;

namespace {

constexpr const char* kKey = "00112233445566778899AABBCCDDEEFF00112233"; // 20 bytes as hex
const auto kYear = std::chrono::seconds(365 * 24 * 3600);

class ChargerSecurityTest : public ::testing::Test {
protected:
    void SetUp() override {
        root = make_ca("CSMS Root");
        other = make_ca("Someone Else");
    }

    ocpp::pki::TimePoint wall() const {
        return std::chrono::time_point_cast<ocpp::pki::TimePoint::duration>(clock.wall_now());
    }
    std::optional<ocpp::pki::CertificateAuthority> make_ca(const std::string& cn) {
        auto ca = ocpp::pki::CertificateAuthority::create({cn, "Test CPO", "", ""}, wall() - 1h, 10 * kYear);
        EXPECT_TRUE(ca.ok()) << (ca.ok() ? "" : ca.error().message);
        return ca.ok() ? std::optional<ocpp::pki::CertificateAuthority>(std::move(ca.value())) : std::nullopt;
    }

    std::shared_ptr<Charger> make(sim::ChargerSpec spec = {}) {
        spec.id = spec.id.empty() ? "CP-1" : spec.id;
        spec.url = spec.url.empty() ? "ws://127.0.0.1:9000/ocpp" : spec.url;
        spec.sessions_per_hour = 0;
        spec.cpo_name = "Test CPO";
        auto ch = std::make_shared<Charger>(spec, env, 7);
        ch->start();
        ex.advance(1s);
        return ch;
    }

    // Every attempt is recorded; `refuse` may turn one down as the server would.
    void connect(const sim::ChargerSpec& s, ocpp::net::Client::ConnectHandler h) {
        attempts.push_back(s);
        if (refuse) {
            if (auto error = refuse(s)) {
                ex.post([h, e = *error] { h(nullptr, e); });
                return;
            }
        }
        cs.connect(s, h);
        using ocpp::Reply;
        cs.peer->on<SecurityEventNotificationReq>(
            [this](const SecurityEventNotificationReq& r, Reply<SecurityEventNotificationConf> reply) {
                events.push_back(r.type);
                reply(SecurityEventNotificationConf{});
            });
        cs.peer->on<SignCertificateReq>([this](const SignCertificateReq& r, Reply<SignCertificateConf> reply) {
            csrs.push_back(r.csr);
            reply(SignCertificateConf{GenericStatus::Accepted});
        });
    }

    template <class Req> std::optional<typename Req::Response> ask(const Req& req) {
        std::optional<typename Req::Response> out;
        cs.peer->call(req, [&](ocpp::CallOutcome<typename Req::Response> o) {
            if (o.ok()) {
                out = *o.conf;
            }
        });
        ex.advance(10ms);
        return out;
    }
    ConfigurationStatus change(const std::string& key, const std::string& value) {
        auto conf = ask(ChangeConfigurationReq{key, value});
        EXPECT_TRUE(conf);
        return conf ? conf->status : ConfigurationStatus::NotSupported;
    }
    InstallCertificateStatus install(const std::string& pem,
                                     CertificateUse use = CertificateUse::CentralSystemRootCertificate) {
        auto conf = ask(InstallCertificateReq{use, pem});
        EXPECT_TRUE(conf);
        return conf ? conf->status : InstallCertificateStatus::Failed;
    }
    // The charge point certificate for the last CSR, signed by `ca`, valid for `validity`.
    std::string sign_last(const ocpp::pki::CertificateAuthority& ca, std::chrono::seconds validity = kYear) {
        EXPECT_FALSE(csrs.empty());
        ocpp::pki::IssueOptions options;
        options.usage = ocpp::pki::Usage::ChargePointClient;
        options.not_before = wall() - 1h;
        options.validity = validity;
        auto cert = ca.sign(csrs.back(), options);
        EXPECT_TRUE(cert.ok()) << (cert.ok() ? "" : cert.error().message);
        return cert.ok() ? *cert : std::string();
    }
    std::size_t count_events(const std::string& type) const {
        return static_cast<std::size_t>(std::count(events.begin(), events.end(), type));
    }

    ocpp::ManualClock clock;
    ocpp::ManualExecutor ex{clock};
    FakeCentralSystem cs{ex};
    sim::Stats stats;
    ocpp::Logger log{ocpp::LogLevel::Off};
    sim::ChargerEnv env{ex,
                        cs.schemas,
                        log,
                        stats,
                        ocpp::PeerConfig{},
                        [this](const sim::ChargerSpec& s, ocpp::net::Client::ConnectHandler h) { connect(s, h); }};
    std::vector<sim::ChargerSpec> attempts;
    std::function<std::optional<ConnectError>(const sim::ChargerSpec&)> refuse;
    std::vector<std::string> events, csrs;
    std::optional<ocpp::pki::CertificateAuthority> root, other;
};

TEST_F(ChargerSecurityTest, TheWhitepapersKeysAreThereAndAuthorizationKeyIsWriteOnly) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    ASSERT_TRUE(ch->booted());
    EXPECT_EQ(change("AuthorizationKey", kKey), ConfigurationStatus::Accepted);
    auto conf = ask(GetConfigurationReq{
        std::vector<std::string>{"AuthorizationKey", "SecurityProfile", "CpoName", "CertificateStoreMaxLength",
                                 "CertificateSignedMaxChainSize", "AdditionalRootCertificateCheck"}});
    ASSERT_TRUE(conf && conf->configurationKey);
    std::map<std::string, std::optional<std::string>> values;
    for (const auto& kv : *conf->configurationKey) {
        values[kv.key] = kv.value;
    }
    ASSERT_EQ(values.size(), 6u);
    EXPECT_FALSE(values["AuthorizationKey"].has_value()); // never shown
    EXPECT_EQ(values["SecurityProfile"], "1");
    EXPECT_EQ(values["CpoName"], "Test CPO");
    EXPECT_EQ(values["CertificateStoreMaxLength"], "10");
    EXPECT_EQ(values["AdditionalRootCertificateCheck"], "false");
    EXPECT_EQ(change("CertificateStoreMaxLength", "100"), ConfigurationStatus::Rejected); // read-only
}

TEST_F(ChargerSecurityTest, ANewAuthorizationKeyMeansAReconnectWithTheNewPassword) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    EXPECT_EQ(change("AuthorizationKey", "not hex at all, not at all"), ConfigurationStatus::Rejected);
    EXPECT_EQ(change("AuthorizationKey", "0011"), ConfigurationStatus::Rejected);               // too short
    EXPECT_EQ(change("AuthorizationKey", std::string(42, 'A')), ConfigurationStatus::Rejected); // too long
    EXPECT_EQ(attempts.size(), 1u);
    EXPECT_EQ(change("AuthorizationKey", kKey), ConfigurationStatus::Accepted);
    EXPECT_EQ(count_events("ReconfigurationOfSecurityParameters"), 1u);
    ex.advance(3s);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[1].password, sim::basic_password(kKey, sim::AuthorizationKeyReading::Whitepaper));
    EXPECT_EQ(attempts[1].password, ocpp::pki::basic_passwords_for_key(kKey).front());
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(ch->security_profile(), 1);
}

TEST_F(ChargerSecurityTest, TheModelChoosesTheDecodedReadingOfTheKey) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    spec.authorization_key_reading = sim::AuthorizationKeyReading::Decoded;
    auto ch = make(spec);
    const std::string key = ocpp::pki::encode_hex("printable-password-1");
    EXPECT_EQ(change("AuthorizationKey", key), ConfigurationStatus::Accepted);
    ex.advance(3s);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[1].password, "printable-password-1");
    spec.authorization_key_reading = sim::AuthorizationKeyReading::Hex;
    EXPECT_EQ(sim::basic_password(key, sim::AuthorizationKeyReading::Hex), key);
}

TEST_F(ChargerSecurityTest, ARotationTheServerDoesNotKnowFallsBackToTheOldPasswordAndGetsIn) {
    // The connection dropped before the central system stored the new key: it still knows only the old one.
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    refuse = [](const sim::ChargerSpec& s) -> std::optional<ConnectError> {
        if (s.password != std::optional<std::string>("first-password")) {
            return ConnectError{ConnectError::Kind::HttpStatus, 401, "HTTP 401 Unauthorized"};
        }
        return std::nullopt;
    };
    EXPECT_EQ(change("AuthorizationKey", kKey), ConfigurationStatus::Accepted);
    ex.advance(10s);
    ASSERT_GE(attempts.size(), 3u);
    EXPECT_NE(attempts[1].password, std::optional<std::string>("first-password"));
    EXPECT_EQ(attempts[2].password, std::optional<std::string>("first-password"));
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(ch->security_profile(), 1);
}

TEST_F(ChargerSecurityTest, AProfileOnlyGoesUpAndOnlyWithWhatItNeeds) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    EXPECT_EQ(change("SecurityProfile", "0"), ConfigurationStatus::Rejected); // a downgrade
    EXPECT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Rejected); // no root installed
    EXPECT_EQ(change("SecurityProfile", "4"), ConfigurationStatus::Rejected);
    EXPECT_EQ(change("SecurityProfile", "two"), ConfigurationStatus::Rejected);
    EXPECT_EQ(change("SecurityProfile", "1"), ConfigurationStatus::Accepted); // the same: nothing happens
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(change("SecurityProfile", "3"), ConfigurationStatus::Rejected); // no charge point certificate
    EXPECT_EQ(attempts.size(), 1u);
    EXPECT_EQ(ch->security_profile(), 1);

    EXPECT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Accepted);
    EXPECT_EQ(count_events("ReconfigurationOfSecurityParameters"), 1u);
    ex.advance(3s);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[1].url, "wss://127.0.0.1:9000/ocpp");
    EXPECT_EQ(attempts[1].password, std::optional<std::string>("first-password"));
    ASSERT_TRUE(attempts[1].tls);
    EXPECT_EQ(attempts[1].tls->trusted_roots_pem, std::vector<std::string>{root->certificate_pem()});
    EXPECT_TRUE(attempts[1].tls->certificate_chain_pem.empty());
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(ch->security_profile(), 2);
    EXPECT_EQ(change("SecurityProfile", "1"), ConfigurationStatus::Rejected);
}

TEST_F(ChargerSecurityTest, AnUpgradeThatCannotConnectFallsBackToThePreviousProfile) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    spec.secure_url = "wss://secure.example:9443/ocpp";
    auto ch = make(spec);
    refuse = [](const sim::ChargerSpec& s) -> std::optional<ConnectError> {
        if (s.url.rfind("wss://", 0) == 0) {
            ConnectError e{ConnectError::Kind::Tls, 0, "certificate verify failed"};
            e.server_untrusted = true;
            return e;
        }
        return std::nullopt;
    };
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Accepted);
    ex.advance(10s);
    ASSERT_GE(attempts.size(), 3u);
    EXPECT_EQ(attempts[1].url, "wss://secure.example:9443/ocpp");
    EXPECT_EQ(attempts[2].url, "ws://127.0.0.1:9000/ocpp");
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(ch->security_profile(), 1);
}

TEST_F(ChargerSecurityTest, TheCertificateStoreInstallsListsAndDeletesByType) {
    sim::ChargerSpec spec;
    spec.certificate_store_max = 3;
    auto ch = make(spec);
    EXPECT_EQ(install("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n"),
              InstallCertificateStatus::Rejected);
    EXPECT_EQ(install("not even PEM"), InstallCertificateStatus::Rejected);
    auto leaf = root->issue({"not-a-ca", "Test CPO", "", ""},
                            ocpp::pki::IssueOptions{ocpp::pki::Usage::ChargePointClient, wall() - 1h, kYear, {}, {}});
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(install(leaf->second), InstallCertificateStatus::Rejected); // not a CA certificate
    auto expired = ocpp::pki::CertificateAuthority::create({"Old Root", "", "", ""}, wall() - 10 * kYear, kYear);
    ASSERT_TRUE(expired.ok());
    EXPECT_EQ(install(expired->certificate_pem()), InstallCertificateStatus::Rejected);
    EXPECT_EQ(ask(GetInstalledCertificateIdsReq{CertificateUse::CentralSystemRootCertificate})->status,
              GetInstalledCertificateStatus::NotFound);

    EXPECT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted); // once only
    EXPECT_EQ(install(other->certificate_pem(), CertificateUse::ManufacturerRootCertificate),
              InstallCertificateStatus::Accepted);
    auto cs_ids = ask(GetInstalledCertificateIdsReq{CertificateUse::CentralSystemRootCertificate});
    ASSERT_TRUE(cs_ids && cs_ids->certificateHashData);
    ASSERT_EQ(cs_ids->certificateHashData->size(), 1u);
    const auto root_hash = ocpp::pki::hash_data(root->certificate_pem());
    ASSERT_TRUE(root_hash.ok());
    EXPECT_TRUE(ocpp::pki::same_certificate(cs_ids->certificateHashData->front(), *root_hash));
    EXPECT_EQ(ch->installed_certificates(CertificateUse::ManufacturerRootCertificate).size(), 1u);

    auto third = make_ca("Third Root");
    auto fourth = make_ca("Fourth Root");
    EXPECT_EQ(install(third->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(install(fourth->certificate_pem()), InstallCertificateStatus::Failed); // CertificateStoreMaxLength 3

    CertificateHashData unknown = *root_hash;
    unknown.serialNumber = "1234";
    EXPECT_EQ(ask(DeleteCertificateReq{unknown})->status, DeleteCertificateStatus::NotFound);
    auto other_hash = ocpp::pki::hash_data(other->certificate_pem());
    ASSERT_TRUE(other_hash.ok());
    EXPECT_EQ(ask(DeleteCertificateReq{*other_hash})->status, DeleteCertificateStatus::Accepted);
    EXPECT_EQ(ask(GetInstalledCertificateIdsReq{CertificateUse::ManufacturerRootCertificate})->status,
              GetInstalledCertificateStatus::NotFound);
    EXPECT_EQ(install(fourth->certificate_pem()), InstallCertificateStatus::Accepted); // room again
}

TEST_F(ChargerSecurityTest, TheLastCentralSystemRootOfAChargerOnTlsStays) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    ASSERT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Accepted);
    ex.advance(3s);
    ASSERT_EQ(ch->security_profile(), 2);
    const auto hash = ocpp::pki::hash_data(root->certificate_pem());
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(ask(DeleteCertificateReq{*hash})->status, DeleteCertificateStatus::Failed);
    ASSERT_EQ(install(other->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(ask(DeleteCertificateReq{*hash})->status, DeleteCertificateStatus::Accepted); // another one is there
}

TEST_F(ChargerSecurityTest, ASignedCertificateLetsTheChargerMoveToProfile3) {
    sim::ChargerSpec spec;
    spec.password = "first-password";
    auto ch = make(spec);
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    ch->request_certificate();
    ex.advance(10ms);
    ASSERT_EQ(csrs.size(), 1u);
    auto csr = ocpp::pki::read_csr(csrs[0]);
    ASSERT_TRUE(csr.ok());
    EXPECT_EQ(csr->subject.common_name, "CP-1");
    EXPECT_EQ(csr->subject.organization, "Test CPO");
    EXPECT_EQ(csr->key_type, ocpp::pki::KeyType::EcP256);

    const std::string chain = sign_last(*root);
    EXPECT_EQ(ask(CertificateSignedReq{chain})->status, CertificateSignedStatus::Accepted);
    EXPECT_EQ(ch->charge_point_certificate(), chain);
    EXPECT_EQ(change("SecurityProfile", "3"), ConfigurationStatus::Accepted);
    ex.advance(3s);
    ASSERT_EQ(attempts.size(), 2u);
    ASSERT_TRUE(attempts[1].tls);
    EXPECT_EQ(attempts[1].tls->certificate_chain_pem, chain);
    EXPECT_FALSE(attempts[1].tls->private_key_pem.empty());
    EXPECT_FALSE(attempts[1].password); // profile 3: the certificate is the credential
    EXPECT_TRUE(ch->booted());
}

TEST_F(ChargerSecurityTest, ACertificateFromAForeignRootOrForAnotherChargerIsRejected) {
    auto ch = make();
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    EXPECT_EQ(ask(CertificateSignedReq{"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})->status,
              CertificateSignedStatus::Rejected); // nothing was requested
    ch->request_certificate();
    ex.advance(10ms);
    ASSERT_EQ(csrs.size(), 1u);
    EXPECT_EQ(ask(CertificateSignedReq{sign_last(*other)})->status, CertificateSignedStatus::Rejected);
    auto stranger =
        root->issue({"CP-2", "Test CPO", "", ""},
                    ocpp::pki::IssueOptions{ocpp::pki::Usage::ChargePointClient, wall() - 1h, kYear, {}, {}});
    ASSERT_TRUE(stranger.ok());
    EXPECT_EQ(ask(CertificateSignedReq{stranger->second})->status, CertificateSignedStatus::Rejected);
    EXPECT_EQ(ask(CertificateSignedReq{"garbage"})->status, CertificateSignedStatus::Rejected);
    EXPECT_EQ(count_events("InvalidChargePointCertificate"), 4u);
    EXPECT_TRUE(ch->charge_point_certificate().empty());
    // The request is still open: the right certificate is taken.
    EXPECT_EQ(ask(CertificateSignedReq{sign_last(*root)})->status, CertificateSignedStatus::Accepted);
}

TEST_F(ChargerSecurityTest, ACertificateNearItsEndIsRenewed) {
    auto ch = make();
    ASSERT_EQ(install(root->certificate_pem()), InstallCertificateStatus::Accepted);
    ch->request_certificate();
    ex.advance(10ms);
    ASSERT_EQ(ask(CertificateSignedReq{sign_last(*root, std::chrono::hours(24 * 32))})->status,
              CertificateSignedStatus::Accepted);
    EXPECT_EQ(csrs.size(), 1u);
    // It ends 32 days after it began (an hour ago): renewal is due 30 days before, in 47 hours. The charger looks
    // once a day and then at the due time.
    ex.advance(std::chrono::hours(46));
    EXPECT_EQ(csrs.size(), 1u);
    ex.advance(std::chrono::hours(2));
    EXPECT_EQ(csrs.size(), 2u);
}

TEST_F(ChargerSecurityTest, AnRsaModelAsksForAnRsaCertificate) {
    sim::ChargerSpec spec;
    spec.key_type = ocpp::pki::KeyType::Rsa2048;
    auto ch = make(spec);
    ch->request_certificate();
    ex.advance(10ms);
    ASSERT_EQ(csrs.size(), 1u);
    auto csr = ocpp::pki::read_csr(csrs[0]);
    ASSERT_TRUE(csr.ok());
    EXPECT_EQ(csr->key_type, ocpp::pki::KeyType::Rsa2048);
}

} // namespace

namespace {

TEST(SecurityOptions, ModelKeysAndTheSecureUrlReachTheChargerSpec) {
    auto model = sim::parse_charger_model("security: true\nsecurity_profile: 1\ncpo_name: Example CPO\n"
                                          "key_type: rsa-2048\nauthorization_key_reading: decoded\n"
                                          "certificate_store_max: 4\n",
                                          "m.yaml");
    ASSERT_TRUE(model) << model.error().message;
    sim::ChargerSpec spec;
    sim::apply_model(*model, spec);
    EXPECT_TRUE(spec.profiles.security);
    EXPECT_EQ(spec.security_profile, 1);
    EXPECT_EQ(spec.cpo_name, "Example CPO");
    EXPECT_EQ(spec.key_type, ocpp::pki::KeyType::Rsa2048);
    EXPECT_EQ(spec.authorization_key_reading, sim::AuthorizationKeyReading::Decoded);
    EXPECT_EQ(spec.certificate_store_max, 4);

    auto off = sim::parse_charger_model("security: false\n", "m.yaml");
    ASSERT_TRUE(off);
    sim::apply_model(*off, spec);
    EXPECT_FALSE(spec.profiles.security);

    const char* argv[] = {
        "ocpp-simulator", "run",      "--url", "ws://127.0.0.1:9000/ocpp", "--secure-url", "wss://127.0.0.1:9443/ocpp",
        "--ca",           "/dev/null"};
    auto command = sim::parse_command_line(8, argv);
    ASSERT_TRUE(command) << command.error().message;
    auto planned = sim::plan_chargers(command->options);
    ASSERT_TRUE(planned);
    EXPECT_EQ(planned->front().spec.secure_url, "wss://127.0.0.1:9443/ocpp");
    EXPECT_TRUE(sim::fleet_config(command->options).client.tls); // --ca trusts the secure URL's server
}

TEST(SecurityOptions, BadModelValuesNameTheKey) {
    auto problem = [](const std::string& text) {
        auto m = sim::parse_charger_model(text, "m.yaml");
        return m ? std::string() : m.error().message;
    };
    EXPECT_EQ(problem("key_type: dsa-1024\n"),
              "m.yaml:1:11: key_type: expected one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096");
    EXPECT_EQ(problem("security_profile: 4\n"), "m.yaml:1:19: security_profile: expected a whole number from 0 to 3");
    EXPECT_EQ(problem("authorization_key_reading: base64\n"),
              "m.yaml:1:28: authorization_key_reading: expected one of whitepaper, hex, decoded");
    EXPECT_EQ(problem("certificate_store_max: 0\n"),
              "m.yaml:1:24: certificate_store_max: expected a whole number from 1 to 100");
    EXPECT_EQ(problem("cpo_name: " + std::string(65, 'x') + "\n"),
              "m.yaml:1:11: cpo_name: expected a text of 1 to 64 characters");
}

} // namespace
