// LogStatusNotification and SignedFirmwareStatusNotification: each status a charger reports about an upload of its
// logs (GetLog) or a signed firmware update (SignedUpdateFirmware) is stored against its requestId (the newest 200
// per charger are kept); a failure (an upload that failed, a firmware whose signature or certificate did not verify)
// is raised as a notification, at most once a minute per charger and kind.
#include <set>

#include "centralsystem/db/security/security_jobs.hpp"
#include "centralsystem/protocol/security_status.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

const std::set<std::string> kLogFailures = {"BadMessage", "NotSupportedOperation", "PermissionDenied", "UploadFailure"};
const std::set<std::string> kFirmwareFailures = {"DownloadFailed", "InstallationFailed", "InstallVerificationFailed",
                                                 "InvalidSignature", "InvalidCertificate"};

// Stores the report, then answers (durability before acknowledgement).
template <class Conf>
void store_report(HandlerContext& ctx, const std::string& id, db::StatusReport report, ocpp::Reply<Conf> reply) {
    ctx.db.run<void>([report](store::Connection& db) { return db::record_status_report(db, report); },
                     [&ctx, id, reply](ocpp::Result<void> r) mutable {
                         if (!r) {
                             ctx.log.error("status",
                                           "\"" + id + "\": storing a status report failed: " + r.error().message);
                             reply.error(ocpp::rpc::ErrorCode::InternalError, "the status could not be stored");
                             return;
                         }
                         reply(Conf{});
                     });
}

std::string request_text(const std::optional<int>& request_id) {
    return request_id ? " (request " + std::to_string(*request_id) + ")" : "";
}

} // namespace

void add_security_status_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<LogStatusNotificationReq>(
        [&ctx, id](const LogStatusNotificationReq& req, ocpp::Reply<LogStatusNotificationConf> reply) {
            const std::string status = to_string(req.status);
            if (kLogFailures.count(status)) {
                ctx.notices.notify_once("log:" + id, id, "logUploadFailed",
                                        "the log upload" + request_text(req.requestId) + " ended with " + status);
            }
            store_report(ctx, id, db::StatusReport{id, "log", req.requestId, status, ctx.now_text()}, std::move(reply));
        });
    peer.on<SignedFirmwareStatusNotificationReq>([&ctx, id](const SignedFirmwareStatusNotificationReq& req,
                                                            ocpp::Reply<SignedFirmwareStatusNotificationConf> reply) {
        const std::string status = to_string(req.status);
        if (kFirmwareFailures.count(status)) {
            ctx.notices.notify_once("firmware:" + id, id, "firmwareFailed",
                                    "the signed firmware update" + request_text(req.requestId) + " ended with " +
                                        status);
        }
        store_report(ctx, id, db::StatusReport{id, "firmware", req.requestId, status, ctx.now_text()},
                     std::move(reply));
    });
}

} // namespace cs
