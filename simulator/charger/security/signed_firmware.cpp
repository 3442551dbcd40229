// SignedUpdateFirmware of a simulated charger (security whitepaper, secure firmware update).
//
// On the request the charger checks the signing certificate against its installed ManufacturerRootCertificates:
// untrusted, expired or unreadable is answered InvalidCertificate and raises InvalidFirmwareSigningCertificate.
// Otherwise Accepted (AcceptedCanceled when it replaces an update in progress, which stops). Every step reports a
// SignedFirmwareStatusNotification with the requestId: DownloadScheduled when retrieveDateTime is ahead, Downloading
// for each attempt (retries and retryInterval as UpdateFirmware), Downloaded or DownloadFailed; then the signature
// over the downloaded bytes is checked with the certificate: InvalidSignature (and the InvalidFirmwareSignature event)
// or SignatureVerified; InstallScheduled when installDateTime is ahead; the install waits for running sessions unless
// the model installs during sessions; Installing, then InstallationFailed (the file rule of firmware.cpp) or
// InstallRebooting, a reboot into the new version, and Installed with the FirmwareUpdated event after the boot.
// A status that could not be sent goes out after the next boot; after a final status a trigger reports Idle.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/firmware_signature.hpp"
#include "simulator/charger/security/security_log_state.hpp"
#include "simulator/charger/transfer_steps.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;
using ocpp::transfer::TransferResult;

namespace {

using transfer_steps::kInstallTime;
using transfer_steps::kSessionWaitPoll;

bool is_final(SignedFirmwareStatus s) {
    return s == SignedFirmwareStatus::Installed || s == SignedFirmwareStatus::DownloadFailed ||
           s == SignedFirmwareStatus::InstallationFailed || s == SignedFirmwareStatus::InvalidSignature ||
           s == SignedFirmwareStatus::InstallVerificationFailed;
}

} // namespace

// The roots of one kind a signature or chain is checked against: those installed with InstallCertificate, and for
// firmware also the ones the model was built with (its manufacturer_roots).
std::vector<std::string> Charger::installed_roots(CertificateUse use) const {
    auto roots = installed_certificates(use);
    if (use == CertificateUse::ManufacturerRootCertificate) {
        roots.insert(roots.end(), spec_.manufacturer_roots.begin(), spec_.manufacturer_roots.end());
    }
    return roots;
}

void Charger::register_signed_firmware() {
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };
    peer_->on<SignedUpdateFirmwareReq>([this, counted](const SignedUpdateFirmwareReq& req,
                                                       Reply<SignedUpdateFirmwareConf> reply) {
        counted(req.action);
        const auto& fw = req.firmware;
        const auto problem = signing_certificate_problem(
            fw.signingCertificate, installed_roots(CertificateUse::ManufacturerRootCertificate), wall_now().time);
        if (problem) {
            reply(SignedUpdateFirmwareConf{SignedUpdateFirmwareStatus::InvalidCertificate});
            security_event("InvalidFirmwareSigningCertificate", *problem);
            return;
        }
        auto& s = security_log_state();
        const bool cancelling = s.firmware && !s.firmware->done;
        auto update = std::make_shared<SecurityLogState::SignedUpdate>();
        update->request_id = req.requestId;
        update->location = fw.location;
        update->certificate = fw.signingCertificate;
        update->signature = fw.signature;
        update->install_at = fw.installDateTime;
        update->attempts_left = transfer_steps::attempts(req.retries);
        update->retry_interval = transfer_steps::retry_interval(req.retryInterval);
        update->timer = env_.executor.make_timer();
        s.firmware = update; // the one it replaces stops with its transfer and timer
        s.firmware_request_id = req.requestId;
        reply(SignedUpdateFirmwareConf{cancelling ? SignedUpdateFirmwareStatus::AcceptedCanceled
                                                  : SignedUpdateFirmwareStatus::Accepted});
        const auto wait = std::chrono::duration_cast<ocpp::Clock::Duration>(fw.retrieveDateTime.time - wall_now().time);
        if (wait.count() > 0) {
            send_signed_firmware_status(SignedFirmwareStatus::DownloadScheduled);
        }
        update->timer->start(std::max(wait, ocpp::Clock::Duration{}), [this] { signed_firmware_download(); });
    });
}

void Charger::send_signed_firmware_status(SignedFirmwareStatus status) {
    auto& s = security_log_state();
    s.firmware_status = status;
    s.firmware_status_unsent = false;
    SignedFirmwareStatusNotificationReq req;
    req.status = status;
    if (status != SignedFirmwareStatus::Idle) {
        req.requestId = s.firmware_request_id;
    }
    call(req, [this, status](ocpp::CallOutcome<SignedFirmwareStatusNotificationConf> out) {
        auto& st = *security_log_;
        if (!out.ok()) {
            st.firmware_status_unsent = st.firmware_status_unsent || st.firmware_status == status;
            return;
        }
        if (is_final(status) && st.firmware_status == status) {
            st.firmware_status = SignedFirmwareStatus::Idle; // nothing in progress any more
        }
    });
}

void Charger::signed_firmware_download() {
    auto update = security_log_state().firmware;
    if (!update || update->done) {
        return;
    }
    send_signed_firmware_status(SignedFirmwareStatus::Downloading);
    --update->attempts_left;
    // No shared pointer in the callback: dropping the update cancels its transfer, and with it the callback.
    auto done = [this, update = update.get()](TransferResult result) {
        if (security_log_->firmware.get() != update) {
            return; // replaced meanwhile
        }
        if (result.ok()) {
            signed_firmware_downloaded(std::move(result.data));
            return;
        }
        env_.log.debug(spec_.id, std::string("signed firmware download failed: ") + result.error->message);
        if (update->attempts_left > 0) {
            update->timer->start(update->retry_interval, [this] { signed_firmware_download(); });
            return;
        }
        update->done = true;
        send_signed_firmware_status(SignedFirmwareStatus::DownloadFailed);
    };
    if (!env_.transfers) {
        TransferResult none;
        none.error =
            ocpp::transfer::TransferError{ocpp::transfer::TransferErrorKind::Other, "no file transfers here", 0};
        update->timer->start(ocpp::Clock::Duration{}, [done, none] { done(none); });
        return;
    }
    update->transfer = env_.transfers->download(ocpp::transfer::DownloadRequest{update->location, 0, {}}, env_.executor,
                                                std::move(done));
}

void Charger::signed_firmware_downloaded(std::string file) {
    auto& update = *security_log_->firmware;
    send_signed_firmware_status(SignedFirmwareStatus::Downloaded);
    // A signature check hashes the file once (at most the TransferService's download cap, 16 MiB by default).
    if (auto problem = firmware_signature_problem(update.certificate, file, update.signature)) {
        update.done = true;
        send_signed_firmware_status(SignedFirmwareStatus::InvalidSignature);
        security_event("InvalidFirmwareSignature", *problem);
        return;
    }
    send_signed_firmware_status(SignedFirmwareStatus::SignatureVerified);
    update.verdict = transfer_steps::judge_firmware(file, update.location);
    const auto wait = update.install_at
                          ? std::chrono::duration_cast<ocpp::Clock::Duration>(update.install_at->time - wall_now().time)
                          : ocpp::Clock::Duration{};
    if (wait.count() > 0) {
        send_signed_firmware_status(SignedFirmwareStatus::InstallScheduled);
        update.timer->start(wait, [this] { signed_firmware_install(); });
        return;
    }
    signed_firmware_install();
}

void Charger::signed_firmware_install() {
    auto update = security_log_state().firmware;
    if (!update || update->done) {
        return;
    }
    update->waiting_for_sessions = charging() > 0 && !spec_.install_firmware_in_session;
    if (update->waiting_for_sessions) {
        update->timer->start(kSessionWaitPoll, [this] { signed_firmware_install(); }); // after the sessions end
        return;
    }
    send_signed_firmware_status(SignedFirmwareStatus::Installing);
    update->timer->start(kInstallTime, [this] {
        auto& current = *security_log_->firmware; // the timer is the update's: it fires only while it is current
        if (!current.verdict.installable) {
            current.done = true;
            send_signed_firmware_status(SignedFirmwareStatus::InstallationFailed);
            return;
        }
        if (state_ == State::Stopping || state_ == State::Stopped) {
            return; // the simulator ends: no reboot
        }
        send_signed_firmware_status(SignedFirmwareStatus::InstallRebooting);
        spec_.firmware_version = current.verdict.version;
        current.rebooting = true; // done once Installed goes out after the boot
        reboot(Reason::Reboot, std::chrono::milliseconds(500), "installing firmware");
    });
}

bool Charger::signed_firmware_holds_sessions() const {
    return security_log_ && security_log_->firmware && security_log_->firmware->waiting_for_sessions;
}

} // namespace sim
