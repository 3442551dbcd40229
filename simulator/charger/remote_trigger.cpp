// The RemoteTrigger profile of a simulated charger: TriggerMessage for every requestedMessage.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

void Charger::register_remote_trigger() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };
    peer_->on<TriggerMessageReq>([this, counted](const TriggerMessageReq& req, Reply<TriggerMessageConf> reply) {
        counted(req.action);
        const int c = req.connectorId.value_or(-1);
        if (req.connectorId && (c < 0 || c > spec_.connectors)) {
            reply(TriggerMessageConf{TriggerMessageStatus::Rejected});
            return;
        }
        reply(TriggerMessageConf{TriggerMessageStatus::Accepted});
        switch (req.requestedMessage) {
        case MessageTrigger::BootNotification:
            send_boot();
            break;
        case MessageTrigger::Heartbeat:
            send_heartbeat();
            break;
        case MessageTrigger::StatusNotification:
            for (int k = 0; k <= spec_.connectors; ++k) {
                if (c < 0 || c == k) {
                    send_status(k);
                }
            }
            break;
        case MessageTrigger::MeterValues:
            for (int k = 1; k <= spec_.connectors; ++k) {
                if (c <= 0 || c == k) {
                    send_meter_values(k, ReadingContext::Trigger);
                }
            }
            break;
        case MessageTrigger::DiagnosticsStatusNotification:
            call(DiagnosticsStatusNotificationReq{diagnostics_status_});
            break;
        case MessageTrigger::FirmwareStatusNotification:
            call(FirmwareStatusNotificationReq{firmware_status_});
            break;
        }
    });
}

} // namespace sim
