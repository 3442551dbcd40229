// A simulated fleet moves from security profile 1 to 2 to 3 with the real binaries, as an operator does it: the
// central system holds an operator CA (imported, its key sealed with a passphrase) that also signed its TLS
// certificate, serves plain and TLS side by side, and two bulk jobs move every charger. 1 -> 2: the operator root is
// installed and SecurityProfile set; each charger comes back over wss://. 2 -> 3: each charger is given the operator's
// CpoName and asked for a CSR, the CA signs it, the charger installs the certificate and comes back presenting it.
// Afterwards a plain connection, and a TLS one without the charger's certificate, are refused downgrade attempts.
#include <fstream>

#include "ocpp/pki/pki.hpp"
#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

constexpr int kChargers = 10;
const std::string kMigrationCpo = "Migration CPO";
const std::string kMigrationPassword = "migration-password-1";

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

std::string charger_id(int i) {
    char id[16];
    std::snprintf(id, sizeof id, "MIG%06d", i);
    return id;
}

class SecurityMigration : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        const auto now = std::chrono::system_clock::now();
        auto ca = ocpp::pki::CertificateAuthority::create({"Migration Root", kMigrationCpo, "", "DE"},
                                                          now - std::chrono::hours(1), std::chrono::hours(24 * 30));
        ASSERT_TRUE(ca.ok()) << ca.error().message;
        ocpp::pki::IssueOptions server;
        server.usage = ocpp::pki::Usage::CentralSystemServer;
        server.not_before = now - std::chrono::hours(1);
        server.ip_addresses = {"127.0.0.1"};
        auto issued = ca->issue({"127.0.0.1", kMigrationCpo, "", "DE"}, server);
        ASSERT_TRUE(issued.ok()) << issued.error().message;
        write_file(base_ + ".ca.pem", ca->certificate_pem());
        write_file(base_ + ".ca.key", ca->private_key_pem());
        write_file(base_ + ".server.pem", issued->second);
        write_file(base_ + ".server.key", issued->first.private_pem);
        write_file(base_ + ".passphrase", "migration passphrase of the operator");
        tls_port_ = free_port();
        restart({"--tls-listen", "127.0.0.1:" + std::to_string(tls_port_), "--tls-cert", base_ + ".server.pem",
                 "--tls-key", base_ + ".server.key", "--tls-client-ca", base_ + ".ca.pem", "--ca-cert",
                 base_ + ".ca.pem", "--ca-key", base_ + ".ca.key", "--ca-passphrase-file", base_ + ".passphrase",
                 "--cpo-name", kMigrationCpo, "--call-timeout", "5"});
        for (int i = 1; i <= kChargers; ++i) {
            const auto r = api("POST", "/api/v1/chargers",
                               R"({"chargeBoxId":")" + charger_id(i) + R"(","password":")" + kMigrationPassword +
                                   R"(","provider":"fleet"})");
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
        for (const char* suffix : {".ca.pem", ".ca.key", ".server.pem", ".server.key", ".passphrase"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    int connected() {
        int n = 0;
        for (int i = 1; i <= kChargers; ++i) {
            n += api("GET", "/api/v1/chargers/" + charger_id(i)).body.find("\"connected\":true") != std::string::npos;
        }
        return n;
    }
    // Runs a profile upgrade over the whole fleet; the finished job.
    rapidjson::Document upgrade(int target) {
        const auto r = api("POST", "/api/v1/security-jobs",
                           R"({"kind":"profileUpgrade","provider":"fleet","targetProfile":)" + std::to_string(target) +
                               R"(,"concurrency":10,"confirmSeconds":60})");
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string path = "/api/v1/security-jobs/" + std::to_string(parse_json(r.body)["id"].GetInt64());
        std::string body;
        EXPECT_TRUE(wait_until(
            [&] {
                body = api("GET", path).body;
                return body.find("\"state\":\"done\"") != std::string::npos;
            },
            90s, 250ms))
            << body << file_text(base_ + ".sim.log");
        return parse_json(body);
    }

    std::uint16_t tls_port_ = 0;
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(SecurityMigration, AFleetMovesFromProfile1To2To3AndCannotComeBackLower) {
    sim_ = std::make_unique<ChildProcess>(
        kBin + "/ocpp-simulator",
        std::vector<std::string>{"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--secure-url",
                                 "wss://127.0.0.1:" + std::to_string(tls_port_) + "/ocpp", "--chargers",
                                 std::to_string(kChargers), "--id-prefix", "MIG", "--password", kMigrationPassword,
                                 "--duration", "300", "--sessions-per-hour", "0"},
        base_ + ".sim.log");
    ASSERT_TRUE(wait_until([&] { return connected() == kChargers; }, 30s)) << file_text(base_ + ".sim.log");

    for (const int target : {2, 3}) {
        SCOPED_TRACE("to profile " + std::to_string(target));
        const auto job = upgrade(target);
        ASSERT_TRUE(job.IsObject());
        EXPECT_EQ(job["counts"]["confirmed"].GetInt(), kChargers);
        for (const auto& c : job["chargers"].GetArray()) {
            EXPECT_STREQ(c["outcome"].GetString(), "confirmed")
                << c["chargeBoxId"].GetString() << ": " << c["reason"].GetString();
        }
        EXPECT_TRUE(wait_until([&] { return connected() == kChargers; }, 30s));
    }

    // Each charger holds a certificate the operator CA issued for its Chargebox ID, and it accepted it.
    const std::string inventory = api("GET", "/api/v1/chargers/" + charger_id(1) + "/certificates").body;
    EXPECT_NE(inventory.find("CN=" + charger_id(1)), std::string::npos) << inventory;
    EXPECT_NE(inventory.find("\"delivery\":\"Accepted\""), std::string::npos) << inventory;

    // Back down is refused: plain with the right password, and TLS would need the certificate (the gate's rule).
    ControlledCharger plain(port_, charger_id(1), kMigrationPassword);
    EXPECT_FALSE(plain.start(5s)) << "a profile 3 charger connecting plain is a downgrade attempt";
    EXPECT_TRUE(wait_until(
        [&] { return api("GET", "/api/v1/notifications").body.find("downgradeAttempt") != std::string::npos; }, 10s));
    // The fleet stays connected through it.
    EXPECT_EQ(connected(), kChargers);
}

} // namespace
