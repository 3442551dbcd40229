// BootNotification (Accepted with the configured interval; the boot facts are stored; a planned charger is then
// asked for its configuration) and Heartbeat.
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/reported_config.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void add_boot_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id) {
    peer.on<BootNotificationReq>([&cs, id](const BootNotificationReq& req, ocpp::Reply<BootNotificationConf> reply) {
        BootFacts facts{req.chargePointVendor,
                        req.chargePointModel,
                        req.chargePointSerialNumber.value_or(req.chargeBoxSerialNumber.value_or("")),
                        req.firmwareVersion.value_or(""),
                        req.iccid.value_or(""),
                        req.imsi.value_or(""),
                        req.meterType.value_or(""),
                        cs.now_text()};
        cs.store<bool>(
            [id, facts](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::record_boot(db, id, facts); !r) {
                    return r.error();
                }
                return true;
            },
            [&cs, id, reply](ocpp::Result<bool> r) mutable {
                if (!r) {
                    cs.log().error("boot", "\"" + id + "\": storing the boot failed: " + r.error().message);
                    reply.error(ocpp::rpc::ErrorCode::InternalError, "the boot could not be stored");
                    return;
                }
                BootNotificationConf conf;
                conf.currentTime = ocpp::DateTime{cs.loop().clock().wall_now()};
                conf.interval = cs.config().heartbeat_interval;
                conf.status = RegistrationStatus::Accepted;
                reply(conf);
                // A planned charger tells what commissioning needs (connectors, phases, current, meter settings).
                if (const auto* c = cs.credentials(id); c != nullptr && c->status == "planned") {
                    fetch_reported_config(cs, id);
                }
            });
    });
    peer.on<HeartbeatReq>([&cs](const HeartbeatReq&, ocpp::Reply<HeartbeatConf> reply) {
        reply(HeartbeatConf{ocpp::DateTime{cs.loop().clock().wall_now()}});
    });
}

} // namespace cs
