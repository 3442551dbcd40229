// The FirmwareManagement profile of a simulated charger: UpdateFirmware and GetDiagnostics.
//
// UpdateFirmware: at retrieveDate the charger downloads `location` (HTTP, HTTPS, FTP; retries and retryInterval
// honoured, every attempt reports Downloading) and reports Downloaded or DownloadFailed. It installs only when no
// session runs, unless the model installs during sessions (ChargerSpec::install_firmware_in_session), reporting
// Installing; then it reboots (closes the connection, reconnects, BootNotification with the new firmwareVersion) and
// reports Installed after the boot; while it waits for sessions to end, no new random arrivals start. The rule for the
// file:
//   - empty, or a line that reads exactly "corrupt": InstallationFailed, the old firmware stays;
//   - a first line "version=X": the new firmwareVersion is X (at most 50 characters);
//   - otherwise the file name of the location without its extension ("fw-2.1.0.bin" -> "fw-2.1.0").
// GetDiagnostics: answers a file name, generates a text file (identity, configuration, connector states, the recent
// events within startTime/stopTime) and uploads it to `location` (HTTP multipart POST or PUT, FTP STOR) with
// retries, reporting Uploading and Uploaded or UploadFailed. For FTP, and for HTTP when the location ends with '/',
// the file name is appended to the location. A location that is no http(s) or ftp URL gets no file name.
// After a final status (Installed, DownloadFailed, InstallationFailed, Uploaded, UploadFailed) the charger is idle
// again: a TriggerMessage for the status notification then reports Idle.
#include <algorithm>

#include "ocpp/transfer/transfer_url.hpp"
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/transfer_steps.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;
using ocpp::transfer::TransferResult;

namespace {

using transfer_steps::attempts;
using transfer_steps::compact_time;
using transfer_steps::FirmwareVerdict;
using transfer_steps::judge_firmware;
using transfer_steps::retry_interval;
using transfer_steps::safe_chars;

using transfer_steps::kInstallTime;
using transfer_steps::kSessionWaitPoll;

bool is_final(FirmwareStatus s) {
    return s == FirmwareStatus::Installed || s == FirmwareStatus::DownloadFailed ||
           s == FirmwareStatus::InstallationFailed;
}

} // namespace

struct Charger::FirmwareUpdate {
    std::string location;
    int attempts_left = 1;
    ocpp::Clock::Duration retry_interval{};
    std::unique_ptr<ocpp::Timer> timer;
    ocpp::transfer::TransferHandle transfer;
    FirmwareVerdict verdict;
    bool rebooting = false;            // installed: Installed goes out after the next accepted boot
    bool waiting_for_sessions = false; // downloaded, waiting until no session runs
};

struct Charger::DiagnosticsUpload {
    std::string url;
    std::string file_name;
    std::string content;
    int attempts_left = 1;
    ocpp::Clock::Duration retry_interval{};
    std::unique_ptr<ocpp::Timer> timer;
    ocpp::transfer::TransferHandle transfer;
};

void Charger::register_firmware() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };

    peer_->on<UpdateFirmwareReq>([this, counted](const UpdateFirmwareReq& req, Reply<UpdateFirmwareConf> reply) {
        counted(req.action);
        reply(UpdateFirmwareConf{});
        auto& first = env_.stats.firmware.first_update_ms;
        if (first == 0) {
            first = wall_now().unix_ms();
        }
        // A new request replaces the one in progress (its download and timers stop with it).
        auto update = std::make_shared<FirmwareUpdate>();
        update->location = req.location;
        update->attempts_left = attempts(req.retries);
        update->retry_interval = retry_interval(req.retryInterval);
        update->timer = env_.executor.make_timer();
        firmware_ = update;
        const auto wait = std::max<ocpp::Clock::Duration>(
            ocpp::Clock::Duration{},
            std::chrono::duration_cast<ocpp::Clock::Duration>(req.retrieveDate.time - wall_now().time));
        update->timer->start(wait, [this] { firmware_download(); });
    });

    peer_->on<GetDiagnosticsReq>([this, counted](const GetDiagnosticsReq& req, Reply<GetDiagnosticsConf> reply) {
        counted(req.action);
        if (!ocpp::transfer::is_transfer_url(req.location)) {
            reply(GetDiagnosticsConf{}); // no file name: nothing will be uploaded
            return;
        }
        auto upload = std::make_shared<DiagnosticsUpload>();
        upload->file_name = safe_chars(spec_.id).substr(0, 180) + "-diagnostics-" + compact_time(wall_now()) + ".txt";
        upload->url = transfer_steps::upload_url(req.location, upload->file_name);
        upload->content = diagnostics_file(req.startTime, req.stopTime);
        upload->attempts_left = attempts(req.retries);
        upload->retry_interval = retry_interval(req.retryInterval);
        upload->timer = env_.executor.make_timer();
        reply(GetDiagnosticsConf{upload->file_name});
        diagnostics_ = upload;
        upload->timer->start(ocpp::Clock::Duration{}, [this] { diagnostics_upload(); });
    });
}

void Charger::send_firmware_status(FirmwareStatus status) {
    firmware_status_ = status;
    remember(EventLog::Kind::Firmware, 0, static_cast<int>(status));
    firmware_status_unsent_ = false;
    call(FirmwareStatusNotificationReq{status}, [this, status](ocpp::CallOutcome<FirmwareStatusNotificationConf> out) {
        if (!out.ok()) {
            // Offline (or unanswered): the latest status goes out after the next boot, as a real charger's would.
            firmware_status_unsent_ = firmware_status_unsent_ || firmware_status_ == status;
            return;
        }
        ++env_.stats.firmware.firmware[to_string(status)];
        if (status == FirmwareStatus::Installed) {
            env_.stats.firmware.last_installed_ms =
                std::max<std::int64_t>(env_.stats.firmware.last_installed_ms, wall_now().unix_ms());
        }
        if (is_final(status) && firmware_status_ == status) {
            firmware_status_ = FirmwareStatus::Idle; // nothing in progress any more
        }
    });
}

void Charger::firmware_download() {
    auto update = firmware_;
    if (!update) {
        return;
    }
    send_firmware_status(FirmwareStatus::Downloading);
    --update->attempts_left;
    // No shared pointer in the callback: dropping the update cancels its transfer, and with it the callback.
    auto done = [this, update = update.get()](TransferResult result) {
        if (firmware_.get() != update) {
            return; // replaced meanwhile
        }
        if (result.ok()) {
            firmware_downloaded(std::move(result.data));
            return;
        }
        env_.log.debug(spec_.id, std::string("firmware download failed: ") + result.error->message);
        if (update->attempts_left > 0) {
            update->timer->start(update->retry_interval, [this] { firmware_download(); });
            return;
        }
        send_firmware_status(FirmwareStatus::DownloadFailed);
    };
    if (!env_.transfers) {
        TransferResult none;
        none.error = ocpp::transfer::TransferError{ocpp::transfer::TransferErrorKind::Other, "no file transfers here"};
        update->timer->start(ocpp::Clock::Duration{}, [done, none] { done(none); });
        return;
    }
    update->transfer = env_.transfers->download(ocpp::transfer::DownloadRequest{update->location, 0, {}}, env_.executor,
                                                std::move(done));
}

void Charger::firmware_downloaded(std::string file) {
    firmware_->verdict = judge_firmware(file, firmware_->location);
    send_firmware_status(FirmwareStatus::Downloaded);
    firmware_install();
}

void Charger::firmware_install() {
    auto update = firmware_;
    if (!update) {
        return;
    }
    update->waiting_for_sessions = charging() > 0 && !spec_.install_firmware_in_session;
    if (update->waiting_for_sessions) {
        update->timer->start(kSessionWaitPoll, [this] { firmware_install(); }); // after the sessions end
        return;
    }
    send_firmware_status(FirmwareStatus::Installing);
    update->timer->start(kInstallTime, [this] {
        auto& current = *firmware_; // the timer is the update's: it fires only while the update is current
        if (!current.verdict.installable) {
            send_firmware_status(FirmwareStatus::InstallationFailed);
            return;
        }
        if (state_ == State::Stopping || state_ == State::Stopped) {
            return; // the simulator ends: no reboot
        }
        // Reboot into the new firmware: sessions end, the connection closes, the charger reconnects and boots.
        spec_.firmware_version = current.verdict.version;
        current.rebooting = true;
        reboot(Reason::Reboot, std::chrono::milliseconds(500), "installing firmware");
    });
}

bool Charger::firmware_holds_sessions() const {
    return (firmware_ && firmware_->waiting_for_sessions) || signed_firmware_holds_sessions();
}

void Charger::firmware_after_boot() {
    if (firmware_ && firmware_->rebooting) {
        firmware_->rebooting = false;
        send_firmware_status(FirmwareStatus::Installed);
        security_event("FirmwareUpdated", "version " + spec_.firmware_version);
    } else if (firmware_status_unsent_) {
        send_firmware_status(firmware_status_); // the latest status, which fell while the charger was offline
    }
    if (diagnostics_status_unsent_) {
        send_diagnostics_status(diagnostics_status_);
    }
}

void Charger::send_diagnostics_status(DiagnosticsStatus status) {
    diagnostics_status_ = status;
    remember(EventLog::Kind::Diagnostics, 0, static_cast<int>(status));
    diagnostics_status_unsent_ = false;
    call(DiagnosticsStatusNotificationReq{status},
         [this, status](ocpp::CallOutcome<DiagnosticsStatusNotificationConf> out) {
             if (!out.ok()) {
                 diagnostics_status_unsent_ = diagnostics_status_unsent_ || diagnostics_status_ == status;
                 return;
             }
             ++env_.stats.firmware.diagnostics[to_string(status)];
             if (status != DiagnosticsStatus::Uploading && diagnostics_status_ == status) {
                 diagnostics_status_ = DiagnosticsStatus::Idle;
             }
         });
}

void Charger::diagnostics_upload() {
    auto upload = diagnostics_;
    if (!upload) {
        return;
    }
    send_diagnostics_status(DiagnosticsStatus::Uploading);
    --upload->attempts_left;
    auto done = [this, upload = upload.get()](TransferResult result) {
        if (diagnostics_.get() != upload) {
            return;
        }
        if (result.ok()) {
            send_diagnostics_status(DiagnosticsStatus::Uploaded);
            return;
        }
        env_.log.debug(spec_.id, std::string("diagnostics upload failed: ") + result.error->message);
        if (upload->attempts_left > 0) {
            upload->timer->start(upload->retry_interval, [this] { diagnostics_upload(); });
            return;
        }
        send_diagnostics_status(DiagnosticsStatus::UploadFailed);
    };
    if (!env_.transfers) {
        TransferResult none;
        none.error = ocpp::transfer::TransferError{ocpp::transfer::TransferErrorKind::Other, "no file transfers here"};
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

void Charger::remember(EventLog::Kind kind, int connector, int value) {
    events_.add(wall_now().unix_ms(), kind, connector, value);
}

} // namespace sim
