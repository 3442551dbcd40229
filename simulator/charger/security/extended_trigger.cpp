// ExtendedTriggerMessage of a simulated charger (security whitepaper): the charger answers first, then sends the
// requested message. A connectorId outside 0..connectors is Rejected. BootNotification, Heartbeat, MeterValues and
// StatusNotification behave as TriggerMessage's; LogStatusNotification reports the GetLog upload in progress
// (Idle when none), FirmwareStatusNotification the signed firmware update in progress as a
// SignedFirmwareStatusNotification (Idle when none); SignChargePointCertificate makes a new key and CSR and sends
// SignCertificate. Every requestedMessage of the schema is implemented: none is answered NotImplemented.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/security_log_state.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

void Charger::register_extended_trigger() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };
    peer_->on<ExtendedTriggerMessageReq>(
        [this, counted](const ExtendedTriggerMessageReq& req, Reply<ExtendedTriggerMessageConf> reply) {
            counted(req.action);
            const int c = req.connectorId.value_or(-1);
            if (req.connectorId && (c < 0 || c > spec_.connectors)) {
                reply(ExtendedTriggerMessageConf{ExtendedTriggerMessageStatus::Rejected});
                return;
            }
            reply(ExtendedTriggerMessageConf{ExtendedTriggerMessageStatus::Accepted});
            auto& s = security_log_state();
            switch (req.requestedMessage) {
            case ExtendedMessageTrigger::BootNotification:
                send_boot();
                break;
            case ExtendedMessageTrigger::Heartbeat:
                send_heartbeat();
                break;
            case ExtendedMessageTrigger::MeterValues:
                trigger_meter_values(c);
                break;
            case ExtendedMessageTrigger::StatusNotification:
                trigger_status_notifications(c);
                break;
            case ExtendedMessageTrigger::LogStatusNotification: {
                const bool running = s.upload && !s.upload->done;
                LogStatusNotificationReq note;
                note.status = running ? s.log_status : UploadLogStatus::Idle;
                if (running) {
                    note.requestId = s.log_request_id;
                }
                call(note);
                break;
            }
            case ExtendedMessageTrigger::FirmwareStatusNotification: {
                const bool running = s.firmware && !s.firmware->done;
                SignedFirmwareStatusNotificationReq note;
                note.status = running ? s.firmware_status : SignedFirmwareStatus::Idle;
                if (running) {
                    note.requestId = s.firmware_request_id;
                }
                call(note);
                break;
            }
            case ExtendedMessageTrigger::SignChargePointCertificate:
                request_certificate();
                break;
            }
        });
}

} // namespace sim
