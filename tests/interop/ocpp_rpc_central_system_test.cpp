// ocpp-rpc (strict mode) as a central system (tests/interop/cs.js) against our Client and a charge-point Peer in
// strict mode: every CP->CS action out, every CS->CP action in, no validation failure on either side.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "ocpp/net/client.hpp"
#include "ocpp/v16/messages.hpp"
#include "tests/interop/interop_support.hpp"
#include "tests/support/loop_thread.hpp"

using namespace ocpp;
using namespace ocpp::v16;
using interop::answer_with;
using interop::call_and_record;
using interop::SideReport;

namespace {

const char* const kIdTag = "04E91C5A8B2F80";

// The charge point's progress: it closes once its own calls are answered and the central system said "Done".
struct ChargePointRun {
    std::shared_ptr<Peer> peer;
    SideReport report;
    bool sequence_done = false;
    bool done_received = false;
    bool closing = false;

    void maybe_close() {
        if (closing || !sequence_done || !done_received || report.pending > 0) {
            return;
        }
        closing = true;
        // After the answer to "Done" has gone out: post, so the handler that got here returns first.
        peer->session().executor().post([p = peer] { p->close(1000, "interop done"); });
    }
};

SampledValue sample(std::string value, Measurand m, UnitOfMeasure unit, ReadingContext ctx) {
    SampledValue s;
    s.value = std::move(value);
    s.measurand = m;
    s.unit = unit;
    s.context = ctx;
    return s;
}

MeterValue meter_value(DateTime at, int energy_wh, ReadingContext ctx) {
    MeterValue mv;
    mv.timestamp = at;
    mv.sampledValue = {
        sample(std::to_string(energy_wh), Measurand::Energy_Active_Import_Register, UnitOfMeasure::Wh, ctx),
        sample("7362.5", Measurand::Power_Active_Import, UnitOfMeasure::W, ctx),
        sample("31.97", Measurand::Current_Import, UnitOfMeasure::A, ctx),
        sample("230.4", Measurand::Voltage, UnitOfMeasure::V, ctx),
        sample("57", Measurand::SoC, UnitOfMeasure::Percent, ctx),
        sample("28.5", Measurand::Temperature, UnitOfMeasure::Celsius, ctx)};
    mv.sampledValue[0].format = ValueFormat::Raw;
    mv.sampledValue[0].location = Location::Outlet;
    mv.sampledValue[2].phase = Phase::L1;
    mv.sampledValue[3].phase = Phase::L1_N;
    mv.sampledValue[4].location = Location::EV;
    mv.sampledValue[5].location = Location::Body;
    return mv;
}

StatusNotificationReq status(int connector, ChargePointStatus s) {
    StatusNotificationReq req;
    req.connectorId = connector;
    req.errorCode = ChargePointErrorCode::NoError;
    req.status = s;
    req.timestamp = DateTime::now();
    req.info = "connector " + std::to_string(connector);
    req.vendorId = "com.example.charger";
    req.vendorErrorCode = "0";
    return req;
}

// The transaction part, once StartTransaction gave us its id.
void charge(ChargePointRun& run, int transaction_id, DateTime started) {
    Peer& peer = *run.peer;
    SideReport& report = run.report;
    call_and_record(peer, report, status(1, ChargePointStatus::Charging));
    MeterValuesReq meters;
    meters.connectorId = 1;
    meters.transactionId = transaction_id;
    meters.meterValue = {meter_value(DateTime::now(), 1254950, ReadingContext::Sample_Periodic),
                         meter_value(DateTime::now(), 1255210, ReadingContext::Sample_Clock)};
    call_and_record(peer, report, meters);
    call_and_record(peer, report, DataTransferReq{"com.example.charger", "CardReader", R"({"reader":"ok"})"});
    call_and_record(peer, report, HeartbeatReq{});
    call_and_record(peer, report, FirmwareStatusNotificationReq{FirmwareStatus::Idle});
    call_and_record(peer, report, DiagnosticsStatusNotificationReq{DiagnosticsStatus::Idle});
    StopTransactionReq stop;
    stop.idTag = kIdTag;
    stop.meterStop = 1262315;
    stop.timestamp = DateTime::now();
    stop.transactionId = transaction_id;
    stop.reason = Reason::Local;
    stop.transactionData =
        std::vector<MeterValue>{meter_value(started, 1254700, ReadingContext::Transaction_Begin),
                                meter_value(DateTime::now(), 1262315, ReadingContext::Transaction_End)};
    call_and_record(peer, report, stop);
    call_and_record(peer, report, status(1, ChargePointStatus::Finishing), [&run](const StatusNotificationConf*) {
        run.sequence_done = true;
        return std::string();
    });
}

// Every CP->CS action, in the order of a charging session.
void run_charge_point(ChargePointRun& run) {
    BootNotificationReq boot;
    boot.chargePointVendor = "ocppkit";
    boot.chargePointModel = "interop-cp";
    boot.chargePointSerialNumber = "SN-2025-000418";
    boot.firmwareVersion = "0.1.0";
    boot.meterType = "EM340 DIN";
    call_and_record(*run.peer, run.report, boot, [&run](const BootNotificationConf* booted) -> std::string {
        if (!booted || booted->status != RegistrationStatus::Accepted) {
            return "not accepted";
        }
        Peer& peer = *run.peer;
        call_and_record(peer, run.report, status(0, ChargePointStatus::Available));
        call_and_record(peer, run.report, status(1, ChargePointStatus::Preparing));
        call_and_record(peer, run.report, AuthorizeReq{kIdTag}, [](const AuthorizeConf* c) {
            return !c || c->idTagInfo.status == AuthorizationStatus::Accepted ? "" : "idTag not accepted";
        });
        StartTransactionReq start{1, kIdTag, 1254700, std::nullopt, DateTime::now()};
        call_and_record(peer, run.report, start, [&run, at = start.timestamp](const StartTransactionConf* c) {
            if (c) {
                charge(run, c->transactionId, at);
            }
            return std::string();
        });
        return "";
    });
}

// The charge point's answers to every CS->CP action; cs.js checks them against the schemas.
void answer_central_system(ChargePointRun& run) {
    Peer& peer = *run.peer;
    SideReport& report = run.report;
    answer_with<ChangeAvailabilityReq>(peer, report, [](const ChangeAvailabilityReq&) {
        return ChangeAvailabilityConf{AvailabilityStatus::Accepted};
    });
    answer_with<ChangeConfigurationReq>(peer, report, [](const ChangeConfigurationReq& req) {
        return ChangeConfigurationConf{req.key == "HeartbeatInterval" ? ConfigurationStatus::Accepted
                                                                      : ConfigurationStatus::NotSupported};
    });
    answer_with<ClearCacheReq>(peer, report,
                               [](const ClearCacheReq&) { return ClearCacheConf{ClearCacheStatus::Accepted}; });
    peer.on<DataTransferReq>([&run](const DataTransferReq& req, Reply<DataTransferConf> reply) {
        reply(DataTransferConf{DataTransferStatus::Accepted, std::string(R"({"ack":true})")});
        run.report.received.insert("DataTransfer");
        if (req.vendorId == interop::kDoneVendor && req.messageId == std::string(interop::kDoneMessage)) {
            run.done_received = true;
            run.maybe_close();
        }
    });
    answer_with<GetConfigurationReq>(peer, report, [](const GetConfigurationReq& req) {
        const std::vector<KeyValue> all = {{"HeartbeatInterval", false, "120"},
                                           {"MeterValueSampleInterval", false, "60"},
                                           {"NumberOfConnectors", true, "2"}};
        GetConfigurationConf conf;
        conf.configurationKey.emplace();
        if (!req.key || req.key->empty()) {
            conf.configurationKey = all;
            return conf;
        }
        for (const auto& key : *req.key) {
            auto it = std::find_if(all.begin(), all.end(), [&](const KeyValue& kv) { return kv.key == key; });
            if (it != all.end()) {
                conf.configurationKey->push_back(*it);
            } else {
                conf.unknownKey = conf.unknownKey.value_or(std::vector<std::string>{});
                conf.unknownKey->push_back(key);
            }
        }
        return conf;
    });
    answer_with<RemoteStartTransactionReq>(peer, report, [&report](const RemoteStartTransactionReq& req) {
        const auto& periods = req.chargingProfile ? req.chargingProfile->chargingSchedule.chargingSchedulePeriod
                                                  : std::vector<ChargingSchedulePeriod>{};
        if (periods.size() != 2 || periods[0].limit != 16.0 || periods[1].limit != 10.5) {
            report.problems.push_back("RemoteStartTransaction: the charging profile differs from what cs.js sent");
        }
        return RemoteStartTransactionConf{RemoteStartStopStatus::Accepted};
    });
    answer_with<RemoteStopTransactionReq>(peer, report, [](const RemoteStopTransactionReq&) {
        return RemoteStopTransactionConf{RemoteStartStopStatus::Accepted};
    });
    answer_with<ResetReq>(peer, report, [](const ResetReq&) { return ResetConf{ResetStatus::Accepted}; });
    answer_with<UnlockConnectorReq>(
        peer, report, [](const UnlockConnectorReq&) { return UnlockConnectorConf{UnlockStatus::Unlocked}; });
    peer.on<TriggerMessageReq>([&run](const TriggerMessageReq& req, Reply<TriggerMessageConf> reply) {
        const bool known = req.requestedMessage == MessageTrigger::StatusNotification ||
                           req.requestedMessage == MessageTrigger::Heartbeat;
        reply(TriggerMessageConf{known ? TriggerMessageStatus::Accepted : TriggerMessageStatus::NotImplemented});
        run.report.received.insert("TriggerMessage");
        // Answer first, then send the requested message.
        if (req.requestedMessage == MessageTrigger::StatusNotification) {
            call_and_record(*run.peer, run.report, status(req.connectorId.value_or(0), ChargePointStatus::Available));
        } else if (req.requestedMessage == MessageTrigger::Heartbeat) {
            call_and_record(*run.peer, run.report, HeartbeatReq{});
        }
    });
}

} // namespace

TEST(OcppRpcInterop, CentralSystemAgainstOurClient) {
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

    std::string error;
    auto child = ocppkit::test::ChildProcess::spawn({setup.node, setup.script_dir + "/cs.js"}, error);
    ASSERT_TRUE(child) << error;
    const auto listening = child->wait_for_line("{\"listening\":", std::chrono::seconds(15));
    ASSERT_TRUE(listening) << "cs.js did not start listening\n" << child->stdout_text() << child->stderr_text();
    rapidjson::Document doc;
    doc.Parse(listening->c_str());
    ASSERT_TRUE(doc.IsObject() && doc["listening"].IsInt()) << *listening;

    ocppkit::test::LoopThread loop{ocppkit::test::LoopThread::Start::Later};
    auto client = net::Client::create(loop.loop(), net::ClientConfig{}, log);
    ChargePointRun run;
    run.report.on_call_settled = [&run] { run.maybe_close(); };
    net::ConnectOptions options;
    options.url = "ws://127.0.0.1:" + std::to_string(doc["listening"].GetInt()) + "/ocpp/INTEROP-OCPPKIT";
    loop.loop().post([&] {
        client->connect(options, [&](net::SessionPtr session, std::optional<net::ConnectError> failed) {
            if (failed) {
                run.report.problems.push_back("cannot connect to cs.js: " + failed->message);
                return;
            }
            run.peer = Peer::create(std::move(session), *schemas, interop::strict_peer_config(), log);
            interop::watch_peer(*run.peer, run.report, "our cp");
            answer_central_system(run);
            run_charge_point(run);
        });
    });
    loop.start();
    const auto exit_code = child->wait(interop::kRunTimeout);
    child->kill();
    loop.stop([&] {
        if (run.peer) {
            run.report.stats = run.peer->stats();
            run.peer->close(1000, "test over");
        }
    });
    run.peer.reset();
    client.reset();

    interop::expect_node_clean(*child, exit_code, interop::parse_summary(child->stdout_text()),
                               interop::kCentralSystemActions, interop::kChargePointActions);
    interop::expect_our_side_clean(run.report, interop::kCentralSystemActions, interop::kChargePointActions);
    EXPECT_TRUE(run.sequence_done && run.done_received) << "our charge point did not finish its run";
}
