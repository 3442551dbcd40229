// BootNotification (Accepted with the configured interval; the boot facts are stored; a planned charger is then
// asked for its configuration) and Heartbeat.
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/protocol/reported_config.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void add_boot_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<BootNotificationReq>([&ctx, id](const BootNotificationReq& req, ocpp::Reply<BootNotificationConf> reply) {
        BootFacts facts{req.chargePointVendor,
                        req.chargePointModel,
                        req.chargePointSerialNumber.value_or(req.chargeBoxSerialNumber.value_or("")),
                        req.firmwareVersion.value_or(""),
                        req.iccid.value_or(""),
                        req.imsi.value_or(""),
                        req.meterType.value_or(""),
                        ctx.now_text()};
        ctx.db.run<void>([id, facts](store::Connection& db) { return db::record_boot(db, id, facts); },
                         [&ctx, id, reply](ocpp::Result<void> r) mutable {
                             if (!r) {
                                 ctx.log.error("boot", "\"" + id + "\": storing the boot failed: " + r.error().message);
                                 reply.error(ocpp::rpc::ErrorCode::InternalError, "the boot could not be stored");
                                 return;
                             }
                             BootNotificationConf conf;
                             conf.currentTime = ocpp::DateTime{ctx.loop.clock().wall_now()};
                             conf.interval = ctx.config.heartbeat_interval;
                             conf.status = RegistrationStatus::Accepted;
                             reply(conf);
                             ChargerObservers::tell(ctx.links.observers().booted, id);
                             // A planned charger tells what commissioning needs (connectors, phases, current, meter
                             // settings).
                             if (const auto* c = ctx.gate.credentials(id);
                                 c != nullptr && c->status == ChargerStatus::Planned) {
                                 fetch_reported_config(ctx, id);
                             }
                         });
    });
    peer.on<HeartbeatReq>([&ctx](const HeartbeatReq&, ocpp::Reply<HeartbeatConf> reply) {
        reply(HeartbeatConf{ocpp::DateTime{ctx.loop.clock().wall_now()}});
    });
}

} // namespace cs
