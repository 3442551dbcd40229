#pragma once
// The optional profiles for a ScriptedCharger: handlers for SetChargingProfile, GetCompositeSchedule,
// ClearChargingProfile, SendLocalList, GetLocalListVersion, ReserveNow, CancelReservation and every TriggerMessage,
// well behaved by default, with one switch per fault the tester's profile groups must catch.
#include <memory>
#include <optional>
#include <string>

#include "scripted_charger.hpp"
#include "tests/support/http_client.hpp"

namespace tester::test {

// "http://127.0.0.1:8180/files/x/y" -> port 8180 and target "/files/x/y"; port 0 when it is no such URL.
inline std::pair<std::uint16_t, std::string> split_local_url(const std::string& url) {
    const std::string prefix = "http://127.0.0.1:";
    if (url.rfind(prefix, 0) != 0) {
        return {0, ""};
    }
    const auto slash = url.find('/', prefix.size());
    return {static_cast<std::uint16_t>(std::stoi(url.substr(prefix.size(), slash - prefix.size()))),
            slash == std::string::npos ? "/" : url.substr(slash)};
}

struct ProfileFaults {
    bool reject_profile = false;     // SetChargingProfile answered Rejected
    bool composite_without = false;  // GetCompositeSchedule ignores the profile (32 A)
    bool wrong_list_version = false; // GetLocalListVersion keeps reporting the old version
    bool never_reserved = false;     // ReserveNow Accepted, but no StatusNotification Reserved
    bool silent_diagnostics = false; // TriggerMessage(DiagnosticsStatusNotification) Accepted, nothing follows
    bool unimplemented_meter = false;
    // Firmware: the statuses it reports after UpdateFirmware, whether it fetches the file, how it uploads.
    std::vector<ocpp::v16::FirmwareStatus> firmware_statuses = {
        ocpp::v16::FirmwareStatus::Downloading, ocpp::v16::FirmwareStatus::Downloaded,
        ocpp::v16::FirmwareStatus::Installing, ocpp::v16::FirmwareStatus::Installed};
    bool fetch_firmware = true;
    bool upload_diagnostics = true; // false: reports Uploading → Uploaded without uploading
    std::string upload_method = "PUT";
    std::size_t upload_bytes = 2048;
    // Another sender on this machine (127.0.0.2) uploads to the URL first; its answer's status lands here.
    std::shared_ptr<int> stranger_status = nullptr;
    double power_w = 5000;                 // Power.Active.Import in its transactions (the limit is 10 A, 6900 W)
    bool restart_after_install = false;    // closes the connection after Installed, as a charger that restarts
    bool restart_after_installing = false; // closes it after Installing and reports Installed after the boot
    bool comes_back = true;                // after a restart it connects again and boots
    bool keeps_old_version = false;        // ... with its old firmwareVersion, not the one in the file
    bool flaps = false;                    // ... or connects and closes again and again without booting
    std::shared_ptr<std::string> fetched =
        std::make_shared<std::string>(); // the firmware file it got // TriggerMessage(MeterValues) answered
                                         // NotImplemented
};

inline constexpr const char* kAllProfiles =
    "Core,FirmwareManagement,SmartCharging,LocalAuthListManagement,Reservation,RemoteTrigger";

// A script for a charger that declares `profiles` and has `faults`.
inline ChargerScript profile_script(ProfileFaults faults, std::string profiles = kAllProfiles) {
    ChargerScript script;
    script.supported_profiles = std::move(profiles);
    // What survives its restart: the firmware it runs, and an Installed still to report after the boot.
    script.firmware_version = std::make_shared<std::string>("1.2.3");
    script.reconnect = faults.comes_back && (faults.restart_after_install || faults.restart_after_installing);
    script.flap_after_restart = faults.flaps;
    auto installed_pending = std::make_shared<bool>(false);
    script.after_boot = [installed_pending](ocpp::Peer& peer) {
        if (*installed_pending) {
            *installed_pending = false;
            peer.call(ocpp::v16::FirmwareStatusNotificationReq{ocpp::v16::FirmwareStatus::Installed},
                      [](ocpp::CallOutcome<ocpp::v16::FirmwareStatusNotificationConf>) {});
        }
    };
    auto version = script.firmware_version;
    script.more_handlers = [faults, installed_pending, version](ocpp::Peer& peer, ocpp::Executor& exec) {
        using namespace ocpp::v16;
        struct State {
            std::optional<ChargingProfile> profile;
            int list_version = 0;
        };
        auto state = std::make_shared<State>();
        auto* p = &peer;
        auto stamp = [&exec] { return ocpp::DateTime{exec.clock().wall_now()}; };
        auto status = [p, stamp](int connector, ChargePointStatus s) {
            StatusNotificationReq req;
            req.connectorId = connector;
            req.errorCode = ChargePointErrorCode::NoError;
            req.status = s;
            req.timestamp = stamp();
            p->call(req, [](ocpp::CallOutcome<StatusNotificationConf>) {});
        };
        peer.on<SetChargingProfileReq>([=](const SetChargingProfileReq& req, ocpp::Reply<SetChargingProfileConf> r) {
            if (faults.reject_profile) {
                return r(SetChargingProfileConf{ChargingProfileStatus::Rejected});
            }
            state->profile = req.csChargingProfiles;
            r(SetChargingProfileConf{ChargingProfileStatus::Accepted});
        });
        peer.on<GetCompositeScheduleReq>(
            [=](const GetCompositeScheduleReq& req, ocpp::Reply<GetCompositeScheduleConf> r) {
                GetCompositeScheduleConf conf;
                conf.status = GetCompositeScheduleStatus::Accepted;
                conf.connectorId = req.connectorId;
                conf.scheduleStart = stamp();
                ChargingSchedule s;
                s.duration = req.duration;
                s.chargingRateUnit = req.chargingRateUnit.value_or(ChargingRateUnitType::A);
                const double limit = state->profile && !faults.composite_without
                                         ? state->profile->chargingSchedule.chargingSchedulePeriod.front().limit
                                         : 32.0;
                s.chargingSchedulePeriod = {ChargingSchedulePeriod{0, limit, std::nullopt}};
                conf.chargingSchedule = s;
                r(conf);
            });
        peer.on<ClearChargingProfileReq>(
            [=](const ClearChargingProfileReq& req, ocpp::Reply<ClearChargingProfileConf> r) {
                const bool known = state->profile && req.id && *req.id == state->profile->chargingProfileId;
                state->profile.reset();
                r(ClearChargingProfileConf{known ? ClearChargingProfileStatus::Accepted
                                                 : ClearChargingProfileStatus::Unknown});
            });
        peer.on<SendLocalListReq>([=](const SendLocalListReq& req, ocpp::Reply<SendLocalListConf> r) {
            if (!faults.wrong_list_version) {
                state->list_version = req.listVersion;
            }
            r(SendLocalListConf{UpdateStatus::Accepted});
        });
        peer.on<GetLocalListVersionReq>([=](const GetLocalListVersionReq&, ocpp::Reply<GetLocalListVersionConf> r) {
            r(GetLocalListVersionConf{state->list_version});
        });
        peer.on<ReserveNowReq>([=](const ReserveNowReq& req, ocpp::Reply<ReserveNowConf> r) {
            r(ReserveNowConf{ReservationStatus::Accepted});
            if (!faults.never_reserved) {
                status(req.connectorId, ChargePointStatus::Reserved);
            }
        });
        peer.on<CancelReservationReq>([=](const CancelReservationReq&, ocpp::Reply<CancelReservationConf> r) {
            r(CancelReservationConf{CancelReservationStatus::Accepted});
            status(1, ChargePointStatus::Available);
        });
        // Transactions for the charging test: started and stopped remotely, metered with their power.
        auto transaction = std::make_shared<int>(0);
        peer.on<RemoteStartTransactionReq>(
            [=](const RemoteStartTransactionReq& req, ocpp::Reply<RemoteStartTransactionConf> r) {
                r(RemoteStartTransactionConf{RemoteStartStopStatus::Accepted});
                StartTransactionReq start;
                start.connectorId = req.connectorId.value_or(1);
                start.idTag = req.idTag;
                start.meterStart = 0;
                start.timestamp = stamp();
                p->call(start, [=](ocpp::CallOutcome<StartTransactionConf> out) {
                    if (!out.ok()) {
                        return;
                    }
                    *transaction = out.conf->transactionId;
                    MeterValuesReq mv;
                    mv.connectorId = start.connectorId;
                    mv.transactionId = out.conf->transactionId;
                    SampledValue power;
                    power.value = std::to_string(static_cast<int>(faults.power_w));
                    power.measurand = Measurand::Power_Active_Import;
                    power.unit = UnitOfMeasure::W;
                    mv.meterValue = {MeterValue{stamp(), {power}}};
                    p->call(mv, [](ocpp::CallOutcome<MeterValuesConf>) {});
                });
            });
        peer.on<RemoteStopTransactionReq>(
            [=](const RemoteStopTransactionReq& req, ocpp::Reply<RemoteStopTransactionConf> r) {
                r(RemoteStopTransactionConf{RemoteStartStopStatus::Accepted});
                StopTransactionReq stop;
                stop.transactionId = req.transactionId;
                stop.meterStop = 2000;
                stop.timestamp = stamp();
                stop.reason = Reason::Remote;
                p->call(stop, [](ocpp::CallOutcome<StopTransactionConf>) {});
            });
        peer.on<UpdateFirmwareReq>([=](const UpdateFirmwareReq& req, ocpp::Reply<UpdateFirmwareConf> r) {
            r(UpdateFirmwareConf{});
            if (faults.fetch_firmware) {
                // A blocking fetch from the tester, another process: the test charger may wait for it.
                const auto [port, target] = split_local_url(req.location);
                *faults.fetched = ocppkit::test::http(port, "GET", target).body;
            }
            const std::string prefix = "version=";
            if (!faults.keeps_old_version && faults.fetched->rfind(prefix, 0) == 0) {
                // The restart boots the version in the file (up to the end of its first line).
                *version = faults.fetched->substr(prefix.size(), faults.fetched->find('\n') - prefix.size());
            }
            for (auto s : faults.firmware_statuses) {
                if (faults.restart_after_installing && s == FirmwareStatus::Installed) {
                    *installed_pending = true; // reported after the boot
                    continue;
                }
                const bool restart = (faults.restart_after_install && s == FirmwareStatus::Installed) ||
                                     (faults.restart_after_installing && s == FirmwareStatus::Installing);
                p->call(FirmwareStatusNotificationReq{s},
                        [p, restart](ocpp::CallOutcome<FirmwareStatusNotificationConf>) {
                            if (restart) {
                                p->close(1001, "restarting with the new firmware");
                            }
                        });
            }
        });
        peer.on<GetDiagnosticsReq>([=](const GetDiagnosticsReq& req, ocpp::Reply<GetDiagnosticsConf> r) {
            r(GetDiagnosticsConf{std::string("diagnostics.log")});
            p->call(DiagnosticsStatusNotificationReq{DiagnosticsStatus::Uploading},
                    [](ocpp::CallOutcome<DiagnosticsStatusNotificationConf>) {});
            const auto [port, target] = split_local_url(req.location);
            if (faults.stranger_status) {
                *faults.stranger_status = ocppkit::test::http_from("127.0.0.2", port, "PUT", target + "stranger.log",
                                                                   "not the charger's", {"Content-Type: text/plain"})
                                              .status;
            }
            if (faults.upload_diagnostics) {
                ocppkit::test::http(port, faults.upload_method, target + "diagnostics.log",
                                    std::string(faults.upload_bytes, 'd'), {"Content-Type: text/plain"},
                                    std::chrono::seconds(20));
            }
            p->call(DiagnosticsStatusNotificationReq{DiagnosticsStatus::Uploaded},
                    [](ocpp::CallOutcome<DiagnosticsStatusNotificationConf>) {});
        });
        peer.on<TriggerMessageReq>([=](const TriggerMessageReq& req, ocpp::Reply<TriggerMessageConf> r) {
            if (faults.unimplemented_meter && req.requestedMessage == MessageTrigger::MeterValues) {
                return r(TriggerMessageConf{TriggerMessageStatus::NotImplemented});
            }
            r(TriggerMessageConf{TriggerMessageStatus::Accepted});
            switch (req.requestedMessage) {
            case MessageTrigger::BootNotification: {
                BootNotificationReq boot;
                boot.chargePointVendor = "ExampleVendor";
                boot.chargePointModel = "AC22";
                p->call(boot, [](ocpp::CallOutcome<BootNotificationConf>) {});
                break;
            }
            case MessageTrigger::DiagnosticsStatusNotification:
                if (!faults.silent_diagnostics) {
                    p->call(DiagnosticsStatusNotificationReq{DiagnosticsStatus::Idle},
                            [](ocpp::CallOutcome<DiagnosticsStatusNotificationConf>) {});
                }
                break;
            case MessageTrigger::FirmwareStatusNotification:
                p->call(FirmwareStatusNotificationReq{FirmwareStatus::Idle},
                        [](ocpp::CallOutcome<FirmwareStatusNotificationConf>) {});
                break;
            case MessageTrigger::Heartbeat:
                p->call(HeartbeatReq{}, [](ocpp::CallOutcome<HeartbeatConf>) {});
                break;
            case MessageTrigger::MeterValues: {
                MeterValuesReq mv;
                mv.connectorId = req.connectorId.value_or(1);
                SampledValue v;
                v.value = "1000";
                mv.meterValue = {MeterValue{stamp(), {v}}};
                p->call(mv, [](ocpp::CallOutcome<MeterValuesConf>) {});
                break;
            }
            case MessageTrigger::StatusNotification:
                status(req.connectorId.value_or(0), ChargePointStatus::Available);
                break;
            }
        });
    };
    return script;
}

} // namespace tester::test
