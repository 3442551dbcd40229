// The 11 messages of the security whitepaper between our Peer and ocpp-rpc in strict mode, both ways: our central
// system against security_cp.js, our charge point against security_cs.js. The payloads are real: a CSR, a chain
// (leaf and intermediate) to a root, certificateHashData and a firmware signature, all made with ocpp::pki; each side
// checks what it receives (node with its own crypto, ours with ocpp::pki).
#include <gtest/gtest.h>

#include "ocpp/net/client.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/interop/interop_support.hpp"
#include "tests/interop/security_payloads.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/run_binary.hpp"

using namespace ocpp;
using namespace ocpp::v16;
using interop::answer_with;
using interop::call_and_record;
using interop::SideReport;

namespace {

const std::vector<std::string> kSecurityCpToCs = {"LogStatusNotification", "SecurityEventNotification",
                                                  "SignCertificate", "SignedFirmwareStatusNotification"};
const std::vector<std::string> kSecurityCsToCp = {
    "CertificateSigned",  "DeleteCertificate",   "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog",
    "InstallCertificate", "SignedUpdateFirmware"};
const char* const kChargerId = interop::kSecurityChargerId;
const char* const kCpoName = interop::kSecurityCpoName;
using interop::make_payloads;
using interop::Payloads;
using interop::payloads_json;

// ---- our central system against security_cp.js

void call_security_charge_point(Peer& peer, SideReport& report, const Payloads& p) {
    const auto status_is = [](auto expected) {
        return [expected](const auto* c) { return !c || c->status == expected ? "" : "unexpected status"; };
    };
    call_and_record(
        peer, report, InstallCertificateReq{CertificateUse::CentralSystemRootCertificate, p.root},
        std::function<std::string(const InstallCertificateConf*)>(status_is(InstallCertificateStatus::Accepted)));
    call_and_record(peer, report, GetInstalledCertificateIdsReq{CertificateUse::CentralSystemRootCertificate},
                    [&p](const GetInstalledCertificateIdsConf* c) -> std::string {
                        if (!c) {
                            return "";
                        }
                        const bool listed = c->status == GetInstalledCertificateStatus::Accepted &&
                                            c->certificateHashData && c->certificateHashData->size() == 1 &&
                                            pki::same_certificate(c->certificateHashData->front(), p.root_hash);
                        return listed ? "" : "the installed root is not listed";
                    });
    call_and_record(
        peer, report, CertificateSignedReq{p.chain},
        std::function<std::string(const CertificateSignedConf*)>(status_is(CertificateSignedStatus::Accepted)));
    call_and_record(peer, report, ExtendedTriggerMessageReq{ExtendedMessageTrigger::LogStatusNotification, {}},
                    std::function<std::string(const ExtendedTriggerMessageConf*)>(
                        status_is(ExtendedTriggerMessageStatus::Accepted)));
    GetLogReq get_log;
    get_log.logType = LogType::SecurityLog;
    get_log.requestId = 42;
    get_log.retries = 1;
    get_log.log.remoteLocation = p.log_url;
    get_log.log.oldestTimestamp = DateTime{DateTime::now().time - std::chrono::hours(24)};
    call_and_record(peer, report, get_log, [](const GetLogConf* c) {
        return !c || (c->status == GetLogStatus::Accepted && c->filename) ? "" : "expected Accepted with a filename";
    });
    SignedUpdateFirmwareReq update;
    update.requestId = 43;
    update.retries = 2;
    update.retryInterval = 60;
    update.firmware.location = p.firmware_url;
    update.firmware.retrieveDateTime = DateTime::now();
    update.firmware.signingCertificate = p.signing_certificate;
    update.firmware.signature = p.signature;
    call_and_record(
        peer, report, update,
        std::function<std::string(const SignedUpdateFirmwareConf*)>(status_is(SignedUpdateFirmwareStatus::Accepted)));
    call_and_record(
        peer, report, DeleteCertificateReq{p.root_hash},
        std::function<std::string(const DeleteCertificateConf*)>(status_is(DeleteCertificateStatus::Accepted)));
    call_and_record(peer, report,
                    DataTransferReq{std::string(interop::kDoneVendor), std::string(interop::kDoneMessage), {}});
}

void serve_security_charge_point(Peer& peer, SideReport& report, const Payloads& p) {
    answer_with<SecurityEventNotificationReq>(peer, report, [&report](const SecurityEventNotificationReq& req) {
        if (req.type != "StartupOfTheDevice" || req.techInfo != std::optional<std::string>("security profile 2")) {
            report.problems.push_back("SecurityEventNotification: unexpected type or techInfo");
        }
        return SecurityEventNotificationConf{};
    });
    answer_with<SignCertificateReq>(peer, report, [&report, &p](const SignCertificateReq& req) {
        // What a central system does with it: read the CSR, check its subject, have it signed.
        auto csr = pki::read_csr(req.csr);
        const bool ok =
            csr && csr->subject.common_name == kChargerId && csr->subject.organization == kCpoName && req.csr == p.csr;
        if (!ok) {
            report.problems.push_back("SignCertificate: the CSR differs from the one security_cp.js was given");
        }
        return SignCertificateConf{ok ? GenericStatus::Accepted : GenericStatus::Rejected};
    });
    answer_with<LogStatusNotificationReq>(peer, report,
                                          [](const LogStatusNotificationReq&) { return LogStatusNotificationConf{}; });
    answer_with<SignedFirmwareStatusNotificationReq>(
        peer, report, [&report](const SignedFirmwareStatusNotificationReq& req) {
            if (req.status != SignedFirmwareStatus::SignatureVerified || req.requestId != std::optional<int>(43)) {
                report.problems.push_back("SignedFirmwareStatusNotification: unexpected status or requestId");
            }
            return SignedFirmwareStatusNotificationConf{};
        });
}

// ---- our charge point against security_cs.js

struct SecurityChargePoint {
    std::shared_ptr<Peer> peer;
    SideReport report;
    const Payloads* payloads = nullptr;
    std::vector<std::string> installed;
    bool sequence_done = false, done_received = false, closing = false;

    void maybe_close() {
        if (closing || !sequence_done || !done_received || report.pending > 0) {
            return;
        }
        closing = true;
        peer->session().executor().post([p = peer] { p->close(1000, "interop done"); });
    }

    void send_csr() {
        call_and_record(*peer, report, SignCertificateReq{payloads->csr}, [](const SignCertificateConf* c) {
            return !c || c->status == GenericStatus::Accepted ? "" : "expected Accepted";
        });
    }

    void run() {
        call_and_record(*peer, report, SecurityEventNotificationReq{"StartupOfTheDevice", DateTime::now(), {}});
        send_csr();
        call_and_record(*peer, report, LogStatusNotificationReq{UploadLogStatus::Uploading, 42});
        call_and_record(*peer, report, SignedFirmwareStatusNotificationReq{SignedFirmwareStatus::SignatureVerified, 43},
                        [this](const SignedFirmwareStatusNotificationConf*) {
                            sequence_done = true;
                            return std::string();
                        });
    }

    void answer() {
        const Payloads& p = *payloads;
        answer_with<InstallCertificateReq>(*peer, report, [this](const InstallCertificateReq& req) {
            auto certs = pki::read_certificates(req.certificate);
            const bool ok = certs && certs->size() == 1 && certs->front().is_ca &&
                            req.certificateType == CertificateUse::CentralSystemRootCertificate;
            if (ok) {
                installed.push_back(req.certificate);
            }
            return InstallCertificateConf{ok ? InstallCertificateStatus::Accepted : InstallCertificateStatus::Rejected};
        });
        answer_with<GetInstalledCertificateIdsReq>(*peer, report, [this](const GetInstalledCertificateIdsReq&) {
            GetInstalledCertificateIdsConf conf;
            conf.status =
                installed.empty() ? GetInstalledCertificateStatus::NotFound : GetInstalledCertificateStatus::Accepted;
            for (const auto& pem : installed) {
                if (auto hash = pki::hash_data(pem)) {
                    conf.certificateHashData = conf.certificateHashData.value_or(std::vector<CertificateHashData>{});
                    conf.certificateHashData->push_back(hash.value());
                }
            }
            return conf;
        });
        answer_with<CertificateSignedReq>(*peer, report, [this, &p](const CertificateSignedReq& req) {
            pki::VerifyOptions options;
            options.at = std::chrono::system_clock::now();
            options.max_chain_bytes = 10000;
            options.expected_common_name = kChargerId;
            options.expected_organization = kCpoName;
            auto leaf = pki::verify_chain(req.certificateChain, {p.root}, options);
            if (!leaf) {
                report.problems.push_back("CertificateSigned: " + leaf.error().message);
            }
            return CertificateSignedConf{leaf ? CertificateSignedStatus::Accepted : CertificateSignedStatus::Rejected};
        });
        peer->on<ExtendedTriggerMessageReq>(
            [this](const ExtendedTriggerMessageReq& req, Reply<ExtendedTriggerMessageConf> reply) {
                const bool known = req.requestedMessage == ExtendedMessageTrigger::SignChargePointCertificate;
                reply(ExtendedTriggerMessageConf{known ? ExtendedTriggerMessageStatus::Accepted
                                                       : ExtendedTriggerMessageStatus::NotImplemented});
                report.received.insert("ExtendedTriggerMessage");
                if (known) {
                    send_csr(); // answer first, then the requested message
                }
            });
        answer_with<GetLogReq>(*peer, report, [](const GetLogReq&) {
            return GetLogConf{GetLogStatus::Accepted, std::string("security-log-CP-SEC-1.log")};
        });
        answer_with<SignedUpdateFirmwareReq>(*peer, report, [this, &p](const SignedUpdateFirmwareReq& req) {
            pki::VerifyOptions options;
            options.at = std::chrono::system_clock::now();
            const bool trusted = pki::verify_chain(req.firmware.signingCertificate, {p.root}, options).ok();
            // The file at the location holds these bytes; a charger verifies the signature over what it downloaded.
            const bool verified =
                pki::verify_data(req.firmware.signingCertificate, p.firmware, req.firmware.signature).ok();
            if (!trusted || !verified) {
                report.problems.push_back("SignedUpdateFirmware: the signing certificate or the signature failed");
            }
            return SignedUpdateFirmwareConf{trusted && verified ? SignedUpdateFirmwareStatus::Accepted
                                                                : SignedUpdateFirmwareStatus::InvalidCertificate};
        });
        answer_with<DeleteCertificateReq>(*peer, report, [this](const DeleteCertificateReq& req) {
            for (auto it = installed.begin(); it != installed.end(); ++it) {
                auto hash = pki::hash_data(*it);
                if (hash && pki::same_certificate(hash.value(), req.certificateHashData)) {
                    installed.erase(it);
                    return DeleteCertificateConf{DeleteCertificateStatus::Accepted};
                }
            }
            return DeleteCertificateConf{DeleteCertificateStatus::NotFound};
        });
        peer->on<DataTransferReq>([this](const DataTransferReq& req, Reply<DataTransferConf> reply) {
            reply(DataTransferConf{DataTransferStatus::Accepted, std::nullopt});
            if (req.vendorId == interop::kDoneVendor && req.messageId == std::string(interop::kDoneMessage)) {
                done_received = true;
                maybe_close();
            }
        });
    }
};

} // namespace

TEST(OcppRpcInterop, SecurityMessagesWithOurCentralSystem) {
    const auto setup = interop::find_node_setup();
    if (!setup.skip_reason.empty()) {
        if (setup.required) {
            FAIL() << setup.skip_reason << " (CI=true: the interop test must run in CI)";
        }
        GTEST_SKIP() << setup.skip_reason;
    }
    const Payloads payloads = make_payloads();
    ASSERT_TRUE(payloads.error.empty()) << payloads.error;
    ocppkit::test::ScratchDir dir;
    const std::string payload_file = dir.file("payloads.json", payloads_json(payloads));
    Logger log(LogLevel::Warn);
    auto schemas = validation::Registry::v16();
    ASSERT_TRUE(schemas) << schemas.error().message;

    ocppkit::test::LoopThread loop{ocppkit::test::LoopThread::Start::Later};
    auto server = net::Server::create(loop.loop(), net::ServerConfig{}, log);
    std::shared_ptr<Peer> peer;
    SideReport report;
    server->set_open_handler([&](net::SessionPtr session) {
        if (peer) {
            session->close(1008, "one charge point only");
            return;
        }
        peer = Peer::create(std::move(session), *schemas, interop::strict_peer_config(), log);
        interop::watch_peer(*peer, report, "our cs");
        serve_security_charge_point(*peer, report, payloads);
        call_security_charge_point(*peer, report, payloads);
    });
    auto listening = server->listen();
    ASSERT_TRUE(listening) << listening.error().message;
    const std::string url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp/" + kChargerId;
    std::string error;
    auto child = ocppkit::test::ChildProcess::spawn(
        {setup.node, setup.script_dir + "/security_cp.js", url, payload_file}, error);
    ASSERT_TRUE(child) << error;
    loop.start();
    const auto exit_code = child->wait(interop::kRunTimeout);
    child->kill();
    loop.stop([&] {
        if (peer) {
            report.stats = peer->stats();
            peer->close(1000, "test over");
        }
        server->shutdown();
    });
    peer.reset();
    server.reset();

    interop::expect_node_clean(*child, exit_code, interop::parse_summary(child->stdout_text()), kSecurityCpToCs,
                               kSecurityCsToCp);
    interop::expect_our_side_clean(report, kSecurityCpToCs, kSecurityCsToCp);
}

TEST(OcppRpcInterop, SecurityMessagesWithOurChargePoint) {
    const auto setup = interop::find_node_setup();
    if (!setup.skip_reason.empty()) {
        if (setup.required) {
            FAIL() << setup.skip_reason << " (CI=true: the interop test must run in CI)";
        }
        GTEST_SKIP() << setup.skip_reason;
    }
    const Payloads payloads = make_payloads();
    ASSERT_TRUE(payloads.error.empty()) << payloads.error;
    ocppkit::test::ScratchDir dir;
    const std::string payload_file = dir.file("payloads.json", payloads_json(payloads));
    Logger log(LogLevel::Warn);
    auto schemas = validation::Registry::v16();
    ASSERT_TRUE(schemas) << schemas.error().message;

    std::string error;
    auto child =
        ocppkit::test::ChildProcess::spawn({setup.node, setup.script_dir + "/security_cs.js", payload_file}, error);
    ASSERT_TRUE(child) << error;
    const auto listening = child->wait_for_line("{\"listening\":", std::chrono::seconds(15));
    ASSERT_TRUE(listening) << "security_cs.js did not start listening\n"
                           << child->stdout_text() << child->stderr_text();
    const auto colon = listening->find(':');
    const int port = std::stoi(listening->substr(colon + 1));

    ocppkit::test::LoopThread loop{ocppkit::test::LoopThread::Start::Later};
    auto client = net::Client::create(loop.loop(), net::ClientConfig{}, log);
    SecurityChargePoint cp;
    cp.payloads = &payloads;
    cp.report.on_call_settled = [&cp] { cp.maybe_close(); };
    net::ConnectOptions options;
    options.url = "ws://127.0.0.1:" + std::to_string(port) + "/ocpp/" + kChargerId;
    loop.loop().post([&] {
        client->connect(options, [&](net::SessionPtr session, std::optional<net::ConnectError> failed) {
            if (failed) {
                cp.report.problems.push_back("cannot connect to security_cs.js: " + failed->message);
                return;
            }
            cp.peer = Peer::create(std::move(session), *schemas, interop::strict_peer_config(), log);
            interop::watch_peer(*cp.peer, cp.report, "our cp");
            cp.answer();
            cp.run();
        });
    });
    loop.start();
    const auto exit_code = child->wait(interop::kRunTimeout);
    child->kill();
    loop.stop([&] {
        if (cp.peer) {
            cp.report.stats = cp.peer->stats();
            cp.peer->close(1000, "test over");
        }
    });
    cp.peer.reset();
    client.reset();

    interop::expect_node_clean(*child, exit_code, interop::parse_summary(child->stdout_text()), kSecurityCsToCp,
                               kSecurityCpToCs);
    interop::expect_our_side_clean(cp.report, kSecurityCsToCp, kSecurityCpToCs);
    EXPECT_TRUE(cp.sequence_done && cp.done_received) << "our charge point did not finish its run";
}
