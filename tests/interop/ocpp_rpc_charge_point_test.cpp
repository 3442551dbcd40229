// ocpp-rpc (strict mode) as a charge point (tests/interop/cp.js) against our Server and a central-system Peer in
// strict mode: every CP->CS action in, every CS->CP action out, no validation failure on either side.
#include <gtest/gtest.h>

#include "ocpp/net/server.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/interop/interop_support.hpp"
#include "tests/support/loop_thread.hpp"

using namespace ocpp;
using namespace ocpp::v16;
using interop::answer_with;
using interop::call_and_record;
using interop::SideReport;

namespace {

constexpr int kTransactionId = 4711;

IdTagInfo accepted_tag() {
    IdTagInfo info;
    info.status = AuthorizationStatus::Accepted;
    info.expiryDate = DateTime{DateTime::now().time + std::chrono::hours(24)};
    info.parentIdTag = "FLEET-7";
    return info;
}

// Every CS->CP action, then the "Done" DataTransfer; each answer is checked against what cp.js sends.
void call_charge_point(Peer& peer, SideReport& report) {
    ChangeAvailabilityReq availability{1, AvailabilityType::Inoperative};
    call_and_record(peer, report, availability, [](const ChangeAvailabilityConf* c) {
        return !c || c->status == AvailabilityStatus::Accepted ? "" : "expected Accepted";
    });
    call_and_record(peer, report, ChangeConfigurationReq{"HeartbeatInterval", "120"},
                    [](const ChangeConfigurationConf* c) {
                        return !c || c->status == ConfigurationStatus::Accepted ? "" : "expected Accepted";
                    });
    call_and_record(peer, report, ClearCacheReq{});
    DataTransferReq tariff{"com.example.backoffice", "SetTariff", R"({"currency":"EUR","perKWh":0.39})"};
    call_and_record(peer, report, tariff, [](const DataTransferConf* c) {
        return !c || (c->status == DataTransferStatus::Accepted && c->data) ? "" : "expected Accepted with data";
    });
    GetConfigurationReq some;
    some.key = std::vector<std::string>{"HeartbeatInterval", "NoSuchKey"};
    call_and_record(peer, report, some, [](const GetConfigurationConf* c) -> std::string {
        if (!c) {
            return "";
        }
        const bool ok = c->configurationKey && c->configurationKey->size() == 1 &&
                        c->configurationKey->front().key == "HeartbeatInterval" && c->unknownKey &&
                        *c->unknownKey == std::vector<std::string>{"NoSuchKey"};
        return ok ? "" : "expected HeartbeatInterval known and NoSuchKey unknown";
    });
    call_and_record(peer, report, GetConfigurationReq{}, [](const GetConfigurationConf* c) {
        return !c || (c->configurationKey && c->configurationKey->size() == 4) ? "" : "expected all 4 keys";
    });

    RemoteStartTransactionReq remote;
    remote.connectorId = 1;
    remote.idTag = "REMOTE-0042";
    ChargingProfile profile;
    profile.chargingProfileId = 7;
    profile.stackLevel = 1;
    profile.chargingProfilePurpose = ChargingProfilePurposeType::TxProfile;
    profile.chargingProfileKind = ChargingProfileKindType::Absolute;
    profile.validFrom = DateTime::now();
    profile.validTo = DateTime{DateTime::now().time + std::chrono::hours(1)};
    profile.chargingSchedule.duration = 3600;
    profile.chargingSchedule.startSchedule = DateTime::now();
    profile.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
    profile.chargingSchedule.minChargingRate = 6.1; // multipleOf 0.1 in the schema
    profile.chargingSchedule.chargingSchedulePeriod = {{0, 16.0, 3}, {1800, 10.5, std::nullopt}}; // 16.0, not 16
    remote.chargingProfile = profile;
    call_and_record(peer, report, remote);
    call_and_record(peer, report, RemoteStopTransactionReq{kTransactionId});
    call_and_record(peer, report, ResetReq{ResetType::Soft});
    call_and_record(peer, report, UnlockConnectorReq{1}, [](const UnlockConnectorConf* c) {
        return !c || c->status == UnlockStatus::Unlocked ? "" : "expected Unlocked";
    });
    call_and_record(peer, report, TriggerMessageReq{MessageTrigger::StatusNotification, 1});
    call_and_record(peer, report, TriggerMessageReq{MessageTrigger::Heartbeat, std::nullopt});
    DataTransferReq done{std::string(interop::kDoneVendor), std::string(interop::kDoneMessage), std::nullopt};
    call_and_record(peer, report, done);
}

// The central system: answers every CP->CS action and checks what the conversion made of the richer payloads.
void serve_charge_point(Peer& peer, SideReport& report) {
    peer.on<BootNotificationReq>([&peer, &report](const BootNotificationReq& req, Reply<BootNotificationConf> reply) {
        reply(BootNotificationConf{DateTime::now(), 300, RegistrationStatus::Accepted});
        report.received.insert("BootNotification");
        if (req.chargePointVendor != "ExampleVendor" ||
            req.iccid != std::optional<std::string>("8931081234567890123")) {
            report.problems.push_back("BootNotification: unexpected vendor or iccid");
        }
        call_charge_point(peer, report);
    });
    answer_with<AuthorizeReq>(peer, report, [](const AuthorizeReq&) { return AuthorizeConf{accepted_tag()}; });
    answer_with<DataTransferReq>(peer, report, [](const DataTransferReq& req) {
        return DataTransferConf{DataTransferStatus::Accepted, R"({"vendor":")" + req.vendorId + "\"}"};
    });
    answer_with<HeartbeatReq>(peer, report, [](const HeartbeatReq&) { return HeartbeatConf{DateTime::now()}; });
    answer_with<MeterValuesReq>(peer, report, [&report](const MeterValuesReq& req) {
        const auto expected = parse_datetime("2025-11-25T21:15:30.250Z");
        const bool ok = req.transactionId == kTransactionId && req.meterValue.size() == 2 &&
                        req.meterValue[0].sampledValue.size() == 6 && req.meterValue[1].sampledValue.size() == 6 &&
                        req.meterValue[1].timestamp == *expected &&
                        req.meterValue[1].sampledValue[3].phase == Phase::L1_N &&
                        req.meterValue[1].sampledValue[0].measurand == Measurand::Energy_Active_Import_Register;
        if (!ok) {
            report.problems.push_back("MeterValues: the converted payload differs from what cp.js sent");
        }
        return MeterValuesConf{};
    });
    answer_with<StartTransactionReq>(peer, report, [](const StartTransactionReq&) {
        return StartTransactionConf{accepted_tag(), kTransactionId};
    });
    answer_with<StatusNotificationReq>(peer, report,
                                       [](const StatusNotificationReq&) { return StatusNotificationConf{}; });
    answer_with<StopTransactionReq>(peer, report, [&report](const StopTransactionReq& req) {
        if (req.transactionId != kTransactionId || !req.transactionData || req.transactionData->size() != 2 ||
            req.reason != Reason::Local) {
            report.problems.push_back("StopTransaction: the converted payload differs from what cp.js sent");
        }
        return StopTransactionConf{IdTagInfo{std::nullopt, std::nullopt, AuthorizationStatus::Accepted}};
    });
    answer_with<FirmwareStatusNotificationReq>(
        peer, report, [](const FirmwareStatusNotificationReq&) { return FirmwareStatusNotificationConf{}; });
    answer_with<DiagnosticsStatusNotificationReq>(
        peer, report, [](const DiagnosticsStatusNotificationReq&) { return DiagnosticsStatusNotificationConf{}; });
}

} // namespace

TEST(OcppRpcInterop, ChargePointAgainstOurServer) {
    const auto setup = interop::find_node_setup();
    if (!setup.skip_reason.empty()) {
        if (setup.required) {
            FAIL() << setup.skip_reason << " (CI=true: the interop test must run in CI)";
        }
        GTEST_SKIP() << setup.skip_reason;
    }
    Logger log(LogLevel::Warn);
    auto schemas = validation::Registry::v16();
    ASSERT_TRUE(schemas) << schemas.error().message;

    ocppkit::test::LoopThread loop{ocppkit::test::LoopThread::Start::Later};
    auto server = net::Server::create(loop.loop(), net::ServerConfig{}, log);
    std::shared_ptr<Peer> peer;
    SideReport report;
    net::HandshakeInfo handshake;
    server->set_open_handler([&](net::SessionPtr session) {
        if (peer) {
            report.problems.push_back("a second connection arrived");
            session->close(1008, "one charge point only");
            return;
        }
        handshake = session->info();
        peer = Peer::create(std::move(session), *schemas, interop::strict_peer_config(), log);
        interop::watch_peer(*peer, report, "our cs");
        serve_charge_point(*peer, report);
    });
    auto listening = server->listen();
    ASSERT_TRUE(listening) << listening.error().message;

    const std::string url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp/INTEROP-CP";
    std::string error;
    auto child = ocppkit::test::ChildProcess::spawn({setup.node, setup.script_dir + "/cp.js", url}, error);
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

    interop::expect_node_clean(*child, exit_code, interop::parse_summary(child->stdout_text()),
                               interop::kChargePointActions, interop::kCentralSystemActions);
    interop::expect_our_side_clean(report, interop::kChargePointActions, interop::kCentralSystemActions);
    EXPECT_EQ(handshake.chargebox_id, "INTEROP-CP");
    EXPECT_EQ(handshake.subprotocol, "ocpp1.6");
}
