// The real ocpp-simulator binary through the security whitepaper's migration: a central system in this test (our
// Server and Peer, strict validation) listens plain and over TLS with a certificate from its own CA (ocpp::pki). It
// rotates the charger's password, installs its root, upgrades the charger from profile 1 to 2 (the charger comes
// back over wss:// with the new password) and then to 3 (a CSR signed by the CA, the charger comes back with its
// client certificate); a downgrade is refused; a rotation the central system never stored still gets the charger in.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>

#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/pki/authorization_key.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;

namespace {

constexpr const char* kId = "SEC000001";
constexpr const char* kOldPassword = "first-password-1";
constexpr const char* kKey = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567";

struct Connection {
    bool tls = false;
    std::optional<std::string> password;
    std::string client_subject;
};

class SecureCentralSystem {
public:
    explicit SecureCentralSystem(ocppkit::test::LoopThread& lt)
        : lt_(lt) {
        const auto now = std::chrono::system_clock::now();
        auto ca = ocpp::pki::CertificateAuthority::create({"Test CSMS Root", "Test CPO", "", ""}, now - 1h,
                                                          std::chrono::hours(24 * 3650));
        if (!ca.ok()) {
            return;
        }
        ca_.emplace(std::move(ca.value()));
        ocpp::pki::IssueOptions server;
        server.usage = ocpp::pki::Usage::CentralSystemServer;
        server.not_before = now - 1h;
        server.ip_addresses = {"127.0.0.1"};
        auto issued = ca_->issue({"127.0.0.1", "Test CPO", "", ""}, server);
        if (!issued.ok()) {
            ca_.reset();
            return;
        }
        ca_file_ = dir_.write("ca.pem", ca_->certificate_pem());
        cert_file_ = dir_.write("server.pem", issued->second);
        key_file_ = dir_.write("server.key", issued->first.private_pem);
    }
    const ocpp::pki::CertificateAuthority* ca() const { return ca_ ? &*ca_ : nullptr; }

    // Plain and TLS listeners; the TLS one takes a client certificate from the CA when one comes (profile 3).
    bool start() {
        return lt_.call([this] {
            ocpp::net::ServerConfig plain;
            ocpp::net::ServerConfig tls;
            tls.tls = ocpp::net::ServerTlsConfig{cert_file_, key_file_, ca_file_, false, true}; // 2 and 3
            plain_ = ocpp::net::Server::create(lt_.loop(), plain, log_);
            tls_ = ocpp::net::Server::create(lt_.loop(), tls, log_);
            for (auto* s : {plain_.get(), tls_.get()}) {
                s->set_handshake_hook([this](const ocpp::net::HandshakeInfo& info) { return decide(info); });
                s->set_open_handler([this](ocpp::net::SessionPtr session) { on_open(std::move(session)); });
            }
            return plain_->listen() && tls_->listen();
        });
    }
    void stop() {
        lt_.call([this] {
            peer_.reset();
            plain_.reset();
            tls_.reset();
            return 0;
        });
    }
    std::uint16_t plain_port() const { return plain_->port(); }
    std::uint16_t tls_port() const { return tls_->port(); }

    void accept_password(const std::string& p) {
        std::lock_guard<std::mutex> lock(mutex_);
        passwords_.insert(p);
    }
    std::vector<Connection> booted() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return booted_;
    }
    std::vector<std::string> csrs() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return csrs_;
    }
    // Sends a request to the charger on its current connection and waits for the answer.
    template <class Req> std::optional<typename Req::Response> ask(const Req& req) {
        auto promise = std::make_shared<std::promise<std::optional<typename Req::Response>>>();
        auto future = promise->get_future();
        lt_.loop().post([this, req, promise] {
            if (!peer_) {
                promise->set_value(std::nullopt);
                return;
            }
            peer_->call(req, [promise](ocpp::CallOutcome<typename Req::Response> o) {
                promise->set_value(o.ok() ? o.conf : std::nullopt);
            });
        });
        if (future.wait_for(15s) != std::future_status::ready) {
            return std::nullopt;
        }
        return future.get();
    }
    // Closes the charger's connection from this side, at once.
    void drop() {
        lt_.call([this] {
            if (peer_) {
                peer_->close(1001, "going away");
            }
            return 0;
        });
    }

private:
    ocpp::net::HandshakeDecision decide(const ocpp::net::HandshakeInfo& info) {
        if (!info.client_cert_subject.empty()) {
            return ocpp::net::HandshakeDecision::accept(); // profile 3: the certificate is the credential
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (!info.basic_password || passwords_.count(*info.basic_password) == 0) {
            return ocpp::net::HandshakeDecision::refuse(401, "unknown password");
        }
        return ocpp::net::HandshakeDecision::accept();
    }
    void on_open(ocpp::net::SessionPtr session) {
        Connection c;
        c.tls = session->info().tls;
        c.password = session->info().basic_password;
        c.client_subject = session->info().client_cert_subject;
        ocpp::PeerConfig pc;
        pc.mode = ocpp::validation::Mode::Strict;
        peer_ = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
        using ocpp::Reply;
        peer_->on<BootNotificationReq>([this, c](const BootNotificationReq&, Reply<BootNotificationConf> reply) {
            reply(BootNotificationConf{ocpp::DateTime::now(), 300, RegistrationStatus::Accepted});
            std::lock_guard<std::mutex> lock(mutex_);
            booted_.push_back(c);
        });
        peer_->on<StatusNotificationReq>(
            [](const StatusNotificationReq&, Reply<StatusNotificationConf> reply) { reply(StatusNotificationConf{}); });
        peer_->on<HeartbeatReq>(
            [](const HeartbeatReq&, Reply<HeartbeatConf> reply) { reply(HeartbeatConf{ocpp::DateTime::now()}); });
        peer_->on<SecurityEventNotificationReq>(
            [](const SecurityEventNotificationReq&, Reply<SecurityEventNotificationConf> reply) {
                reply(SecurityEventNotificationConf{});
            });
        peer_->on<SignCertificateReq>([this](const SignCertificateReq& r, Reply<SignCertificateConf> reply) {
            reply(SignCertificateConf{GenericStatus::Accepted});
            std::lock_guard<std::mutex> lock(mutex_);
            csrs_.push_back(r.csr);
        });
    }

    ocppkit::test::LoopThread& lt_;
    ocppkit::test::TempDir dir_;
    std::optional<ocpp::pki::CertificateAuthority> ca_;
    std::string ca_file_, cert_file_, key_file_;
    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_ = ocpp::validation::Registry::v16().value();
    std::unique_ptr<ocpp::net::Server> plain_, tls_;
    std::shared_ptr<ocpp::Peer> peer_; // the charger's current connection (loop thread only)
    mutable std::mutex mutex_;
    std::set<std::string> passwords_;
    std::vector<Connection> booted_;
    std::vector<std::string> csrs_;
};

class SimulatorSecurity : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(cs.ca()) << "cannot create the test CA";
        cs.accept_password(kOldPassword);
        ASSERT_TRUE(cs.start());
        sim = std::make_unique<ocppkit::test::ChildProcess>(
            ocppkit::test::program("ocpp-simulator"),
            std::vector<std::string>{"run", "--url", "ws://127.0.0.1:" + std::to_string(cs.plain_port()) + "/ocpp",
                                     "--secure-url", "wss://127.0.0.1:" + std::to_string(cs.tls_port()) + "/ocpp",
                                     "--id-prefix", "SEC", "--password", kOldPassword, "--sessions-per-hour", "0",
                                     "--duration", "90"},
            out.path() + "/sim.log");
        ASSERT_TRUE(booted(1)) << sim->stdout_text();
    }
    void TearDown() override {
        if (sim) {
            EXPECT_EQ(sim->stop(std::chrono::seconds(20)), 0) << sim->stdout_text();
        }
        cs.stop();
    }
    bool booted(std::size_t n) {
        return ocppkit::test::wait_until([&] { return cs.booted().size() >= n; }, 20s, 50ms);
    }
    ConfigurationStatus change(const std::string& key, const std::string& value) {
        auto conf = cs.ask(ChangeConfigurationReq{key, value});
        return conf ? conf->status : ConfigurationStatus::NotSupported;
    }

    ocppkit::test::LoopThread lt;
    SecureCentralSystem cs{lt};
    ocppkit::test::TempDir out;
    std::unique_ptr<ocppkit::test::ChildProcess> sim;
};

TEST_F(SimulatorSecurity, RotatesThePasswordThenMovesFromProfile1To2OverTls) {
    const std::string new_password = ocpp::pki::basic_passwords_for_key(kKey).front();
    cs.accept_password(new_password); // a central system accepts the old and the new password during a rotation
    EXPECT_EQ(change("AuthorizationKey", "12AB"), ConfigurationStatus::Rejected);
    ASSERT_EQ(change("AuthorizationKey", kKey), ConfigurationStatus::Accepted);
    ASSERT_TRUE(booted(2)) << sim->stdout_text();
    EXPECT_EQ(cs.booted()[1].password, new_password);
    EXPECT_FALSE(cs.booted()[1].tls);

    EXPECT_EQ(change("SecurityProfile", "0"), ConfigurationStatus::Rejected); // a downgrade
    EXPECT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Rejected); // no root installed yet
    auto installed =
        cs.ask(InstallCertificateReq{CertificateUse::CentralSystemRootCertificate, cs.ca()->certificate_pem()});
    ASSERT_TRUE(installed);
    EXPECT_EQ(installed->status, InstallCertificateStatus::Accepted);
    auto ids = cs.ask(GetInstalledCertificateIdsReq{CertificateUse::CentralSystemRootCertificate});
    ASSERT_TRUE(ids && ids->certificateHashData);
    EXPECT_EQ(ids->certificateHashData->size(), 1u);
    ASSERT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Accepted);
    ASSERT_TRUE(booted(3)) << sim->stdout_text();
    EXPECT_TRUE(cs.booted()[2].tls);
    EXPECT_EQ(cs.booted()[2].password, new_password);
    EXPECT_EQ(change("SecurityProfile", "1"), ConfigurationStatus::Rejected);
}

TEST_F(SimulatorSecurity, MovesFrom2To3WithACertificateSignedByTheCentralSystem) {
    ASSERT_EQ(
        cs.ask(InstallCertificateReq{CertificateUse::CentralSystemRootCertificate, cs.ca()->certificate_pem()})->status,
        InstallCertificateStatus::Accepted);
    ASSERT_EQ(change("SecurityProfile", "2"), ConfigurationStatus::Accepted);
    ASSERT_TRUE(booted(2)) << sim->stdout_text();
    ASSERT_TRUE(cs.booted()[1].tls);
    EXPECT_EQ(change("SecurityProfile", "3"), ConfigurationStatus::Rejected); // no certificate yet

    ExtendedTriggerMessageReq trigger;
    trigger.requestedMessage = ExtendedMessageTrigger::SignChargePointCertificate;
    auto triggered = cs.ask(trigger);
    ASSERT_TRUE(triggered);
    ASSERT_EQ(triggered->status, ExtendedTriggerMessageStatus::Accepted);
    ASSERT_TRUE(ocppkit::test::wait_until([&] { return !cs.csrs().empty(); }, 10s, 50ms));
    auto csr = ocpp::pki::read_csr(cs.csrs()[0]);
    ASSERT_TRUE(csr.ok());
    EXPECT_EQ(csr->subject.common_name, kId);

    // A chain from a root the charger does not trust is refused; the one from its central system is taken.
    auto foreign = ocpp::pki::CertificateAuthority::create({"Foreign", "", "", ""}, std::chrono::system_clock::now(),
                                                           std::chrono::hours(24 * 365));
    ASSERT_TRUE(foreign.ok());
    ocpp::pki::IssueOptions options;
    options.not_before = std::chrono::system_clock::now() - 1h;
    auto foreign_cert = foreign->sign(cs.csrs()[0], options);
    ASSERT_TRUE(foreign_cert.ok());
    EXPECT_EQ(cs.ask(CertificateSignedReq{*foreign_cert})->status, CertificateSignedStatus::Rejected);
    auto cert = cs.ca()->sign(cs.csrs()[0], options);
    ASSERT_TRUE(cert.ok());
    EXPECT_EQ(cs.ask(CertificateSignedReq{*cert})->status, CertificateSignedStatus::Accepted);

    ASSERT_EQ(change("SecurityProfile", "3"), ConfigurationStatus::Accepted);
    ASSERT_TRUE(booted(3)) << sim->stdout_text();
    EXPECT_TRUE(cs.booted()[2].tls);
    EXPECT_NE(cs.booted()[2].client_subject.find(kId), std::string::npos) << cs.booted()[2].client_subject;
}

TEST_F(SimulatorSecurity, ARotationInterruptedByADroppedConnectionStillGetsIn) {
    // The central system sends the new key and the connection drops at once: it never stored the key, so it still
    // knows only the old password. The charger tries the new one, is refused, and comes back with the old one.
    ASSERT_EQ(change("AuthorizationKey", kKey), ConfigurationStatus::Accepted);
    cs.drop();
    ASSERT_TRUE(booted(2)) << sim->stdout_text();
    EXPECT_EQ(cs.booted()[1].password, std::optional<std::string>(kOldPassword));
}

} // namespace
