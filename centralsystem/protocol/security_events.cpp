// SecurityEventNotification: every event is stored (bounded per charger and in all, db/security/security.cpp) and
// raised as a notification by severity: the whitepaper's critical events as "securityEventCritical", the others as
// "securityEvent", at most once a minute per charger and type so that a flooding charger cannot flood the operator.
#include "centralsystem/db/security/security.hpp"
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/security/events.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

// The event's time as stored: UTC to the second, so that text order is time order.
std::string stored_time(const ocpp::DateTime& t) {
    return ocpp::format_datetime(ocpp::DateTime{std::chrono::time_point_cast<std::chrono::seconds>(t.time)});
}

} // namespace

void add_security_event_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<SecurityEventNotificationReq>([&ctx, id](const SecurityEventNotificationReq& req,
                                                     ocpp::Reply<SecurityEventNotificationConf> reply) {
        SecurityEvent e;
        e.chargebox_id = id;
        e.type = req.type;
        e.at = stored_time(req.timestamp);
        e.received_at = ctx.now_text();
        e.tech_info = req.techInfo;
        e.critical = security::is_critical_event(req.type);
        const std::string kind = e.critical ? "securityEventCritical" : "securityEvent";
        // Throttled per charger and known type: an unknown type shares one subject per charger, so a charger that
        // invents types cannot fill the shared throttle and silence everyone else's alerts.
        const std::string subject = security::is_known_event(e.type) ? e.type : std::string("other");
        ctx.notices.notify_once("security:" + id + ":" + subject, id, kind,
                                (e.critical ? "critical security event " : "security event ") + e.type +
                                    (e.tech_info ? " (" + *e.tech_info + ")" : std::string()) + " at " + e.at);
        ctx.db.run<void>(
            [e](store::Connection& db) { return db::add_security_event(db, e); },
            [&ctx, id, reply](ocpp::Result<void> r) mutable {
                if (!r) {
                    ctx.log.error("security", "\"" + id + "\": storing a security event failed: " + r.error().message);
                    reply.error(ocpp::rpc::ErrorCode::InternalError, "the security event could not be stored");
                    return;
                }
                reply(SecurityEventNotificationConf{});
            });
    });
}

} // namespace cs
