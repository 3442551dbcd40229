// The RemoteTrigger profile of a simulated charger: TriggerMessage for every requestedMessage.
#include <cstdio>

#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

namespace {

SampledValue triggered(const std::string& value, Measurand m, UnitOfMeasure unit) {
    SampledValue v;
    v.value = value;
    v.measurand = m;
    v.unit = unit;
    v.context = ReadingContext::Trigger;
    return v;
}

} // namespace

// A triggered MeterValues outside a transaction (OCPP 1.6 5.17): the connector's register and no power, without a
// transactionId; not queued for replay, as it belongs to no transaction.
void Charger::send_idle_meter_values(int c) {
    char register_wh[32];
    std::snprintf(register_wh, sizeof register_wh, "%.1f", conn(c).meter_wh);
    MeterValue mv;
    mv.timestamp = wall_now();
    mv.sampledValue = {
        triggered(register_wh, Measurand::Energy_Active_Import_Register, UnitOfMeasure::Wh),
        triggered("0.0", Measurand::Power_Active_Import, UnitOfMeasure::W),
    };
    MeterValuesReq req;
    req.connectorId = c;
    req.meterValue.push_back(std::move(mv));
    call(req);
}

void Charger::trigger_status_notifications(int c) {
    for (int k = 0; k <= spec_.connectors; ++k) {
        if (c < 0 || c == k) {
            send_status(k);
        }
    }
}

void Charger::trigger_meter_values(int c) {
    for (int k = 1; k <= spec_.connectors; ++k) {
        if (c <= 0 || c == k) {
            if (conn(k).local_tx == 0) {
                send_idle_meter_values(k);
            } else {
                send_meter_values(k, ReadingContext::Trigger);
            }
        }
    }
}

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
            trigger_status_notifications(c);
            break;
        case MessageTrigger::MeterValues:
            trigger_meter_values(c);
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
