#pragma once
// A charger for the security group's tests: a ScriptedCharger on our Client that implements the whitepaper's side of
// the tester's calls (GetInstalledCertificateIds, InstallCertificate, ChangeConfiguration AuthorizationKey and
// SecurityProfile, SecurityEventNotification) and reconnects as a real one does: with the new password, or over
// wss:// trusting the root the tester installed. One switch per fault the group must catch.
#include <fstream>
#include <map>

#include "check_support.hpp"
#include "ocpp/pki/authorization_key.hpp"

namespace tester::test {

struct SecurityScript {
    enum class Reading { Hex, Decoded, KeepOld, Garbage };
    Reading reading = Reading::Hex;
    bool whitepaper = true;             // false: every whitepaper message and key answered as unknown
    bool events = true;                 // sends SecurityEventNotification after a changed security setting
    bool upgrade_over_ws = false;       // after SecurityProfile 2 it reconnects over ws:// (its URL not changed)
    bool ignore_installed_root = false; // after SecurityProfile 2 it trusts another CA than the one installed
    std::string other_ca_file;          // the CA it trusts instead
    std::string tls_url;                // where it goes for profile 2 (the tester's TLS listener)
    std::string scratch_dir;            // where it keeps the installed root as a file
};

class SecurityCharger {
public:
    SecurityCharger()
        : schemas_(ocpp::validation::Registry::v16().value()) {}
    ~SecurityCharger() {
        loop_.stop([this] {
            retry_.reset();
            close_.reset();
            charger_.reset();
            clients_.clear();
        });
    }

    // Starts with `options` (user and password) on `url`; `tls` for a first connection over wss:// (profile 3).
    void run(std::string url, ocpp::net::ConnectOptions options, SecurityScript script, ChargerScript base = {},
             ocpp::net::ClientConfig tls = {}) {
        script_ = std::move(script);
        base_ = std::move(base);
        options.url = std::move(url);
        options.open_handshake_timeout = 3s;
        next_config_ = tls;
        loop_.loop().post([this, options, tls] {
            retry_ = loop_.loop().make_timer();
            close_ = loop_.loop().make_timer();
            connect(options, tls);
        });
        loop_.start();
    }
    int connections() const { return connections_.load(); }

private:
    void connect(ocpp::net::ConnectOptions options, ocpp::net::ClientConfig config) {
        current_ = options;
        // One client per TLS setting, kept while the charger lives (its sessions belong to it).
        const std::string which = config.tls ? config.tls->ca_file + "|" + config.tls->cert_file : std::string();
        auto& client = clients_[which];
        if (!client) {
            client = ocpp::net::Client::create(loop_.loop(), config, log_);
        }
        client->connect(options,
                        [this, options, config](ocpp::net::SessionPtr s, std::optional<ocpp::net::ConnectError> error) {
                            if (error) {
                                retry_->start(300ms, [this, options, config] { connect(options, config); });
                                return;
                            }
                            ChargerScript script = base_;
                            script.supported_profiles = "Core,RemoteTrigger";
                            script.more_handlers = [this](ocpp::Peer& peer, ocpp::Executor&) { handlers(peer); };
                            charger_ = ScriptedCharger::create(std::move(s), loop_.loop(), schemas_, log_, script);
                            charger_->peer().set_close_handler([this](const ocpp::net::CloseInfo&) { closed(); });
                            if (++connections_ == 1) {
                                charger_->start(); // a reconnect is no reboot: no second BootNotification
                            }
                        });
    }

    void closed() {
        // Closed by either side: connect again with what the last change asked for.
        retry_->start(300ms, [this] { connect(next_, next_config_); });
    }

    void event(ocpp::Peer& peer, const char* type) {
        if (!script_.events) {
            return;
        }
        ocpp::v16::SecurityEventNotificationReq req;
        req.type = type;
        req.timestamp = ocpp::DateTime{loop_.loop().clock().wall_now()};
        peer.call(req, [](ocpp::CallOutcome<ocpp::v16::SecurityEventNotificationConf>) {});
    }

    void reconnect_soon(ocpp::Peer& peer) {
        auto* p = &peer;
        close_->start(100ms, [p] { p->close(1000, "reconnecting with new security settings"); });
    }

    void handlers(ocpp::Peer& peer) {
        using namespace ocpp::v16;
        next_ = current_;
        if (!script_.whitepaper) {
            return;
        }
        auto* p = &peer;
        peer.on<GetInstalledCertificateIdsReq>(
            [this](const GetInstalledCertificateIdsReq& req, ocpp::Reply<GetInstalledCertificateIdsConf> r) {
                GetInstalledCertificateIdsConf conf;
                conf.status = GetInstalledCertificateStatus::NotFound;
                if (req.certificateType == CertificateUse::CentralSystemRootCertificate && !root_file_.empty()) {
                    conf.status = GetInstalledCertificateStatus::Accepted;
                    CertificateHashData h;
                    h.hashAlgorithm = HashAlgorithm::SHA256;
                    h.issuerNameHash = std::string(64, 'a');
                    h.issuerKeyHash = std::string(64, 'b');
                    h.serialNumber = "1f";
                    conf.certificateHashData = std::vector<CertificateHashData>{h};
                }
                r(conf);
            });
        peer.on<InstallCertificateReq>([this](const InstallCertificateReq& req, ocpp::Reply<InstallCertificateConf> r) {
            root_file_ = script_.scratch_dir + "/installed-root.pem";
            std::ofstream(root_file_) << req.certificate;
            r(InstallCertificateConf{InstallCertificateStatus::Accepted});
        });
        peer.on<ChangeConfigurationReq>(
            [this, p](const ChangeConfigurationReq& req, ocpp::Reply<ChangeConfigurationConf> r) {
                if (req.key == "AuthorizationKey") {
                    const auto decoded = ocpp::pki::decode_hex(req.value).value_or("");
                    switch (script_.reading) {
                    case SecurityScript::Reading::Hex:
                        next_.basic_password = req.value;
                        break;
                    case SecurityScript::Reading::Decoded:
                        next_.basic_password = decoded;
                        break;
                    case SecurityScript::Reading::KeepOld:
                        break;
                    case SecurityScript::Reading::Garbage:
                        next_.basic_password = "not-the-key-" + req.value;
                        break;
                    }
                    r(ChangeConfigurationConf{ConfigurationStatus::Accepted});
                    event(*p, "ReconfigurationOfSecurityParameters");
                    return reconnect_soon(*p);
                }
                if (req.key == "SecurityProfile" && req.value == "2") {
                    r(ChangeConfigurationConf{ConfigurationStatus::Accepted});
                    event(*p, "ReconfigurationOfSecurityParameters");
                    if (!script_.upgrade_over_ws) {
                        next_.url = script_.tls_url;
                        next_config_.tls = ocpp::net::ClientTlsConfig{
                            script_.ignore_installed_root ? script_.other_ca_file : root_file_, "", "", true};
                    }
                    return reconnect_soon(*p);
                }
                r(ChangeConfigurationConf{ConfigurationStatus::NotSupported});
            });
    }

    ocppkit::test::LoopThread loop_{ocppkit::test::LoopThread::Start::Later};
    ocpp::Logger log_{ocpp::LogLevel::Off};
    ocpp::validation::Registry schemas_;
    SecurityScript script_;
    ChargerScript base_;
    std::map<std::string, std::unique_ptr<ocpp::net::Client>> clients_;
    std::unique_ptr<ocpp::Timer> retry_, close_;
    std::shared_ptr<ScriptedCharger> charger_;
    ocpp::net::ConnectOptions current_, next_; // this connection's settings, and those of the next one
    ocpp::net::ClientConfig next_config_;
    std::string root_file_;
    std::atomic<int> connections_{0};
};

} // namespace tester::test
