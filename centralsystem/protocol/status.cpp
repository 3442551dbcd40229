// StatusNotification: the last status and error code of every connector (0 = the charger itself) is kept.
#include "centralsystem/db/queries.hpp"
#include "centralsystem/protocol/context.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void add_status_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<StatusNotificationReq>(
        [&ctx, id](const StatusNotificationReq& req, ocpp::Reply<StatusNotificationConf> reply) {
            const int connector = req.connectorId;
            const std::string status = to_string(req.status);
            const std::string error_code = to_string(req.errorCode);
            const std::string ts = req.timestamp ? ocpp::format_datetime(*req.timestamp) : ctx.now_text();
            if (status == "Faulted") {
                ctx.notices.notify(
                    id, "faulted",
                    (connector == 0 ? std::string("the charger") : "connector " + std::to_string(connector)) +
                        " reports Faulted (" + error_code + ")");
            }
            ctx.db.run<void>(
                [id, connector, status, error_code, ts](store::Connection& db) {
                    return db::record_status(db, id, connector, status, error_code, ts);
                },
                [&ctx, id, reply](ocpp::Result<void> r) mutable {
                    if (!r) {
                        ctx.log.error("status", "\"" + id + "\": storing the status failed: " + r.error().message);
                        reply.error(ocpp::rpc::ErrorCode::InternalError, "the status could not be stored");
                        return;
                    }
                    reply(StatusNotificationConf{});
                });
        });
}

} // namespace cs
