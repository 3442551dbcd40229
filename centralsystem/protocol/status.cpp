// StatusNotification: the last status and error code of every connector (0 = the charger itself) is kept.
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

void add_status_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id) {
    peer.on<StatusNotificationReq>(
        [&cs, id](const StatusNotificationReq& req, ocpp::Reply<StatusNotificationConf> reply) {
            const int connector = req.connectorId;
            const std::string status = to_string(req.status);
            const std::string error_code = to_string(req.errorCode);
            const std::string ts = req.timestamp ? ocpp::format_datetime(*req.timestamp) : cs.now_text();
            if (status == "Faulted") {
                cs.notify(id, "faulted",
                          (connector == 0 ? std::string("the charger") : "connector " + std::to_string(connector)) +
                              " reports Faulted (" + error_code + ")");
            }
            cs.store<bool>(
                [id, connector, status, error_code, ts](store::Connection& db) -> ocpp::Result<bool> {
                    if (auto r = db::record_status(db, id, connector, status, error_code, ts); !r) {
                        return r.error();
                    }
                    return true;
                },
                [&cs, id, reply](ocpp::Result<bool> r) mutable {
                    if (!r) {
                        cs.log().error("status", "\"" + id + "\": storing the status failed: " + r.error().message);
                        reply.error(ocpp::rpc::ErrorCode::InternalError, "the status could not be stored");
                        return;
                    }
                    reply(StatusNotificationConf{});
                });
        });
}

} // namespace cs
