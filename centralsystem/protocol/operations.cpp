// DataTransfer, FirmwareStatusNotification and DiagnosticsStatusNotification from chargers. A DataTransfer is
// answered by the vendor registry (operations/vendors.hpp) and stored with its answer (data cut at 4 KiB). A
// firmware status is stored against the charger's roll-out job row in progress (db/operations.hpp); a diagnostics
// status against its newest GetDiagnostics request (as a log status report). Failures raise a notification, at most
// once a minute per charger and kind. Each answer goes out once the store has it.
#include <memory>
#include <set>

#include "centralsystem/db/operations.hpp"
#include "centralsystem/operations/vendors.hpp"
#include "centralsystem/protocol/context.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

const std::set<std::string> kReportedFirmware = {"Downloading", "Downloaded",     "Installing",
                                                 "Installed",   "DownloadFailed", "InstallationFailed"};

std::string capped(const std::optional<std::string>& data, std::size_t max = operations::kMaxDataTransferData) {
    std::string out = data.value_or("");
    if (out.size() > max) {
        out.resize(max);
    }
    return out;
}

template <class Conf>
void answer_stored(HandlerContext& ctx, const std::string& id, ocpp::Result<void> r, ocpp::Reply<Conf>& reply,
                   Conf conf) {
    if (!r) {
        ctx.log.error("operations", "\"" + id + "\": storing a message failed: " + r.error().message);
        reply.error(ocpp::rpc::ErrorCode::InternalError, "the message could not be stored");
        return;
    }
    reply(std::move(conf));
}

} // namespace

void add_operations_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    auto vendors = std::make_shared<const operations::VendorRegistry>(
        operations::builtin_vendors(ctx.config.data_transfer_vendors));
    peer.on<DataTransferReq>([&ctx, id, vendors](const DataTransferReq& req, ocpp::Reply<DataTransferConf> reply) {
        const std::string now = ctx.now_text();
        const operations::VendorAnswer answer =
            vendors->handle(req.vendorId, req.messageId, operations::VendorMessage{id, req.data, now});
        DataTransferConf conf;
        conf.status = answer.status;
        conf.data = answer.data;
        db::DataTransferRow row{0,
                                id,
                                req.vendorId,
                                req.messageId.value_or(""),
                                capped(req.data, answer.status == DataTransferStatus::UnknownVendorId
                                                     ? operations::kMaxUnknownVendorData
                                                     : operations::kMaxDataTransferData),
                                to_string(answer.status),
                                capped(answer.data),
                                now};
        ctx.db.run<void>([row](store::Connection& db) { return db::record_data_transfer(db, row); },
                         [&ctx, id, reply, conf](ocpp::Result<void> r) mutable {
                             answer_stored(ctx, id, std::move(r), reply, conf);
                         });
    });
    peer.on<FirmwareStatusNotificationReq>([&ctx, id](const FirmwareStatusNotificationReq& req,
                                                      ocpp::Reply<FirmwareStatusNotificationConf> reply) {
        const std::string status = to_string(req.status);
        if (status == "DownloadFailed" || status == "InstallationFailed") {
            ctx.notices.notify_once("rollout:" + id, id, "firmwareFailed", "the firmware update ended with " + status);
        }
        if (kReportedFirmware.count(status) == 0) {
            return reply(FirmwareStatusNotificationConf{}); // Idle (a triggered report): nothing in progress
        }
        ctx.db.run<void>(
            [id, status, now = ctx.now_text()](store::Connection& db) -> ocpp::Result<void> {
                auto stored = db::rollout_status_report(db, id, status, now);
                if (!stored) {
                    return stored.error();
                }
                return {};
            },
            [&ctx, id, reply](ocpp::Result<void> r) mutable {
                answer_stored(ctx, id, std::move(r), reply, FirmwareStatusNotificationConf{});
            });
    });
    peer.on<DiagnosticsStatusNotificationReq>(
        [&ctx, id](const DiagnosticsStatusNotificationReq& req, ocpp::Reply<DiagnosticsStatusNotificationConf> reply) {
            const std::string status = to_string(req.status);
            if (status == "UploadFailed") {
                ctx.notices.notify_once("diagnostics:" + id, id, "logUploadFailed", "the diagnostics upload failed");
            }
            if (status == "Idle") {
                return reply(DiagnosticsStatusNotificationConf{});
            }
            ctx.db.run<void>(
                [id, status, now = ctx.now_text()](store::Connection& db) -> ocpp::Result<void> {
                    auto request = db::newest_diagnostics_request(db, id);
                    if (!request) {
                        return request.error();
                    }
                    std::optional<int> request_id;
                    if (*request) {
                        request_id = static_cast<int>(**request);
                    }
                    return db::record_status_report(db, db::StatusReport{id, "log", request_id, status, now});
                },
                [&ctx, id, reply](ocpp::Result<void> r) mutable {
                    answer_stored(ctx, id, std::move(r), reply, DiagnosticsStatusNotificationConf{});
                });
        });
}

} // namespace cs
