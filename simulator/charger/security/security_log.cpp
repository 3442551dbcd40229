// GetLog of a simulated charger (security whitepaper): the DiagnosticsLog (the diagnostics file of GetDiagnostics)
// or the SecurityLog (the security events kept, security_events.cpp), within oldestTimestamp..latestTimestamp,
// uploaded to log.remoteLocation (HTTP multipart POST or PUT, FTP STOR; for FTP, and for HTTP when the location ends
// with '/', the file name is appended) with retries and retryInterval. LogStatusNotification carries the requestId:
// Uploading for every attempt, then Uploaded, UploadFailure, or PermissionDenied when the server refused the
// credentials (not retried: another attempt would be refused the same way). A location that is no http(s) or ftp URL,
// or a window whose oldest time is after its latest, is Rejected. A GetLog while another upload runs cancels that one
// and is answered AcceptedCanceled. After a final status the charger is idle again: a triggered
// LogStatusNotification then reports Idle.
#include "ocpp/transfer/transfer_url.hpp"
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/security_log_state.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;
using ocpp::transfer::TransferErrorKind;
using ocpp::transfer::TransferResult;

namespace {

bool is_final(UploadLogStatus s) {
    return s != UploadLogStatus::Uploading && s != UploadLogStatus::Idle;
}

// The server refused who we are: HTTP 401/403, FTP 530 or a failed FTP login.
bool permission_denied(const ocpp::transfer::TransferError& e) {
    return e.kind == TransferErrorKind::LoginFailed ||
           (e.kind == TransferErrorKind::Status && (e.status == 401 || e.status == 403 || e.status == 530));
}

} // namespace

void Charger::register_security_log() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };

    peer_->on<GetLogReq>([this, counted](const GetLogReq& req, Reply<GetLogConf> reply) {
        counted(req.action);
        const auto& where = req.log;
        if (!ocpp::transfer::is_transfer_url(where.remoteLocation) ||
            (where.oldestTimestamp && where.latestTimestamp && *where.latestTimestamp < *where.oldestTimestamp)) {
            reply(GetLogConf{GetLogStatus::Rejected, std::nullopt});
            return;
        }
        auto& s = security_log_state();
        const bool cancelling = s.upload && !s.upload->done;
        auto upload = std::make_shared<SecurityLogState::LogUpload>();
        upload->request_id = req.requestId;
        const bool security = req.logType == LogType::SecurityLog;
        upload->file_name = transfer_steps::safe_chars(spec_.id).substr(0, 180) +
                            (security ? "-securitylog-" : "-diagnosticslog-") +
                            transfer_steps::compact_time(wall_now()) + ".log";
        upload->url = transfer_steps::upload_url(where.remoteLocation, upload->file_name);
        upload->content = security ? security_log_file(where.oldestTimestamp, where.latestTimestamp)
                                   : diagnostics_file(where.oldestTimestamp, where.latestTimestamp);
        upload->attempts_left = transfer_steps::attempts(req.retries);
        upload->retry_interval = transfer_steps::retry_interval(req.retryInterval);
        upload->timer = env_.executor.make_timer();
        s.upload = upload; // the one it replaces stops with its transfer and timer
        s.log_request_id = req.requestId;
        reply(GetLogConf{cancelling ? GetLogStatus::AcceptedCanceled : GetLogStatus::Accepted, upload->file_name});
        upload->timer->start(ocpp::Clock::Duration{}, [this] { log_upload(); });
    });

    register_extended_trigger();
    register_signed_firmware();
}

void Charger::send_log_status(UploadLogStatus status) {
    auto& s = security_log_state();
    s.log_status = status;
    s.log_status_unsent = false;
    LogStatusNotificationReq req;
    req.status = status;
    if (status != UploadLogStatus::Idle) {
        req.requestId = s.log_request_id;
    }
    call(req, [this, status](ocpp::CallOutcome<LogStatusNotificationConf> out) {
        auto& st = *security_log_;
        if (!out.ok()) {
            // Offline (or unanswered): the latest status goes out after the next boot.
            st.log_status_unsent = st.log_status_unsent || st.log_status == status;
            return;
        }
        if (is_final(status) && st.log_status == status) {
            st.log_status = UploadLogStatus::Idle; // nothing in progress any more
        }
    });
}

void Charger::log_upload() {
    auto& s = security_log_state();
    auto upload = s.upload;
    if (!upload || upload->done) {
        return;
    }
    send_log_status(UploadLogStatus::Uploading);
    --upload->attempts_left;
    // No shared pointer in the callback: dropping the upload cancels its transfer, and with it the callback.
    auto done = [this, upload = upload.get()](TransferResult result) {
        auto& st = *security_log_;
        if (st.upload.get() != upload) {
            return; // replaced meanwhile
        }
        if (result.ok()) {
            upload->done = true;
            send_log_status(UploadLogStatus::Uploaded);
            return;
        }
        env_.log.debug(spec_.id, std::string("log upload failed: ") + result.error->message);
        if (permission_denied(*result.error)) {
            upload->done = true;
            send_log_status(UploadLogStatus::PermissionDenied);
            return;
        }
        if (upload->attempts_left > 0) {
            upload->timer->start(upload->retry_interval, [this] { log_upload(); });
            return;
        }
        upload->done = true;
        send_log_status(UploadLogStatus::UploadFailure);
    };
    if (!env_.transfers) {
        TransferResult none;
        none.error = ocpp::transfer::TransferError{TransferErrorKind::Other, "no file transfers here", 0};
        upload->timer->start(ocpp::Clock::Duration{}, [done, none] { done(none); });
        return;
    }
    ocpp::transfer::UploadRequest request;
    request.url = upload->url;
    request.data = upload->content;
    request.file_name = upload->file_name;
    request.method =
        spec_.diagnostics_http_put ? ocpp::transfer::UploadMethod::Put : ocpp::transfer::UploadMethod::Post;
    upload->transfer = env_.transfers->upload(std::move(request), env_.executor, std::move(done));
}

} // namespace sim
