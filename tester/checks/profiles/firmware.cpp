// The firmware group. GetDiagnostics to an upload endpoint the tester hosts (HTTP PUT or POST of up to 16 MiB, from
// the charger's address only): DiagnosticsStatusNotification Uploading → Uploaded and the file received. Then
// UpdateFirmware with a small text file the tester serves itself ("version=<new>"): each FirmwareStatusNotification
// in order, Downloading → Downloaded → Installing → Installed, and the restart that follows Installing or Installed:
// the charger comes back and boots with the version in the file (OCTT TC_044). A real charger will not install a
// file that is not its vendor's: InstallationFailed after a good download is a warning that explains this, not a
// failure; Installed followed by a boot with the old version fails.
#include <string>
#include <vector>

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

namespace {

using namespace ocpp::v16;

constexpr const char* kDiagnostics = "firmware.diagnostics";
constexpr const char* kUpdate = "firmware.update";

std::string joined(const std::vector<FirmwareStatus>& seen) {
    std::string out;
    for (auto s : seen) {
        out += (out.empty() ? "" : " → ") + std::string(to_string(s));
    }
    return out.empty() ? "none" : out;
}

class FirmwareGroup : public GroupBase {
public:
    explicit FirmwareGroup(GroupContext ctx)
        : GroupBase(ctx)
        , base_(http_base(ctx.config.url))
        , step_wait_(3 * ctx.config.call_timeout) {}

    ~FirmwareGroup() override { withdraw(); }

    void start(std::function<void()> done) override {
        done_ = std::move(done);
        // Only from the address the charger is connected from: anyone else holding the URL must not pass the check.
        upload_path_ = ctx_.files.accept_uploads(kMaxUploadBytes + kUploadSlack, ctx_.report.charger.remote_address,
                                                 [this](const FileHost::Transfer& t) { on_upload(t); });
        GetDiagnosticsReq req;
        req.location = base_ + upload_path_;
        ctx_.board.running(kDiagnostics, "sent GetDiagnostics with an upload URL of the tester; waiting for the "
                                         "answer");
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<GetDiagnosticsConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                ctx_.board.set(kDiagnostics,
                               call_failed("GetDiagnostics", out.status, out.error_code, out.error_description, false));
                return update_firmware();
            }
            if (!out.conf->fileName || out.conf->fileName->empty()) {
                ctx_.board.set(kDiagnostics,
                               Outcome::warn("GetDiagnostics answered without a fileName: no diagnostics available",
                                             "The charger says it has no diagnostics to upload. Most chargers "
                                             "always have a log; check its logging settings and test again."));
                return update_firmware();
            }
            file_name_ = *out.conf->fileName;
            diag_ = Diag::WaitUploading;
            ctx_.board.running(kDiagnostics, "answered fileName " + quote(file_name_) +
                                                 "; waiting for DiagnosticsStatusNotification Uploading");
            arm_diagnostics_timeout();
        });
    }

    void on_diagnostics_status(const DiagnosticsStatusNotificationReq& req) override {
        if (diag_ == Diag::Idle || diag_ == Diag::Done || req.status == DiagnosticsStatus::Idle) {
            return;
        }
        if (req.status == DiagnosticsStatus::Uploading) {
            uploading_seen_ = true;
            diag_ = Diag::WaitUploaded;
            ctx_.board.running(kDiagnostics, "Uploading; waiting for the file and for Uploaded");
            arm_diagnostics_timeout();
        } else if (req.status == DiagnosticsStatus::UploadFailed) {
            if (oversize_) {
                return diagnostics_failed(too_large());
            }
            diagnostics_failed(Outcome::fail(
                "DiagnosticsStatusNotification UploadFailed" +
                    std::string(uploaded_
                                    ? ", although the tester received " + std::to_string(uploaded_->bytes) + " bytes"
                                    : "; no upload reached the tester"),
                "The charger could not upload its diagnostics to " + base_ +
                    ". Check that the charger can reach this address (firewall, routing, the same network) and that "
                    "it uploads over HTTP (PUT or POST); some chargers only upload over FTP. The tester takes files "
                    "up to " +
                    mib(kMaxUploadBytes) + "; a larger one is refused (413) before it is seen." + refused_note()));
        } else if (req.status == DiagnosticsStatus::Uploaded) {
            if (!uploading_seen_) {
                return diagnostics_failed(Outcome::fail(
                    "Uploaded came without Uploading before it",
                    "The charger must report Uploading when the upload starts and Uploaded when it is done, so a "
                    "central system can follow it; update the firmware."));
            }
            if (uploaded_) {
                return diagnostics_passed();
            }
            if (oversize_) {
                return diagnostics_failed(too_large());
            }
            diag_ = Diag::WaitFile;
            ctx_.board.running(kDiagnostics, "Uploaded reported; waiting for the file to arrive");
            arm_diagnostics_timeout();
        }
    }

    void on_firmware_status(const FirmwareStatusNotificationReq& req) override {
        if (fw_ != Fw::Waiting || req.status == FirmwareStatus::Idle) {
            return;
        }
        seen_.push_back(req.status);
        static const FirmwareStatus order[] = {FirmwareStatus::Downloading, FirmwareStatus::Downloaded,
                                               FirmwareStatus::Installing, FirmwareStatus::Installed};
        const std::size_t at = seen_.size() - 1;
        const bool downloaded =
            seen_.size() >= 3 && seen_[0] == FirmwareStatus::Downloading && seen_[1] == FirmwareStatus::Downloaded;
        if (req.status == FirmwareStatus::DownloadFailed) {
            return firmware_done(Outcome::fail(
                "FirmwareStatusNotification " + joined(seen_) +
                    (fetched_ ? "; the tester had served the file" : "; the charger never fetched the file"),
                fetched_ ? "The charger fetched the file but reported DownloadFailed. Check the charger's log for "
                           "why (free space, a size or checksum check)."
                         : "The charger did not fetch the file from " + base_ +
                               ". Check that it can reach this address (firewall, routing, the same network) and that "
                               "it downloads over HTTP."));
        }
        if (req.status == FirmwareStatus::InstallationFailed && downloaded && fetched_) {
            return firmware_done(Outcome::warn(
                "the download passed (file fetched, " + joined(seen_) + ")",
                "InstallationFailed is expected here: the tester's file is a small text file, not the vendor's "
                "firmware, and a real charger refuses to install it. The download itself passed. To test an "
                "installation, update with the manufacturer's firmware from your central system."));
        }
        if (at >= std::size(order) || req.status != order[at]) {
            return firmware_done(Outcome::fail(
                "status sequence broken: " + joined(seen_),
                "The charger must report each step of a firmware update in order: Downloading, Downloaded, "
                "Installing, then Installed (or DownloadFailed / InstallationFailed). A central system follows "
                "roll-outs by these notifications; update the firmware."));
        }
        if (req.status == FirmwareStatus::Installed) {
            if (!fetched_) {
                return firmware_done(Outcome::fail("Installed reported, but the charger never fetched the file",
                                                   "The charger reports an installation of a file it never "
                                                   "downloaded. Update the firmware."));
            }
            installed_ = true;
            if (restart_ == Restart::Back) {
                return judge_version(); // Installing, the restart, then Installed (as OCTT TC_044)
            }
            // Installed, then the restart: wait for the connection to close and the charger to come back.
            ctx_.board.running(kUpdate, joined(seen_) + "; waiting for the charger to restart with version " +
                                            quote(new_version_));
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(step_wait_).count();
            wait_.start(step_wait_, [this, secs] {
                ctx_.board.add_detail(kUpdate, "the charger did not restart within " + std::to_string(secs) +
                                                   " s of Installed: its new version was not checked");
                firmware_done(Outcome::pass(joined(seen_) + "; the file was fetched"));
            });
            return;
        }
        if (req.status == FirmwareStatus::Installing) {
            installing_ = true;
        }
        ctx_.board.running(kUpdate, joined(seen_) + "; waiting for the next status");
        arm_firmware_timeout();
    }

    bool expects_reboot() const override {
        return fw_ == Fw::Waiting && (installing_ || installed_) && restart_ != Restart::Back;
    }

    void on_restarting() override {
        if (!expects_reboot() || restart_ == Restart::Away) {
            return; // a charger that connects and drops again is bounded by the first wait
        }
        restart_ = Restart::Away;
        const auto limit = restart_wait(ctx_.config);
        const auto secs = std::to_string(limit.count());
        ctx_.board.running(kUpdate, joined(seen_) + "; the charger restarted (connection closed); waiting up to " +
                                        secs + " s for it to come back");
        wait_.start(limit, [this, secs] {
            firmware_done(Outcome::fail(
                joined(seen_) + "; the charger restarted but did not come back within " + secs + " s",
                "After installing, a charger restarts, connects again and sends a BootNotification. Check that it "
                "powers up again, that it keeps its OCPP settings (URL, Chargebox ID, password) across the update, "
                "and its log for a failed installation."));
        });
    }

    void on_restarted(std::shared_ptr<ocpp::Peer> peer, const std::string& version, double away_ms) override {
        ctx_.peer = std::move(peer);
        if (restart_ != Restart::Away) {
            return;
        }
        restart_ = Restart::Back;
        booted_version_ = version;
        ctx_.board.add_detail(kUpdate, "restarted: back after " + format_ms(away_ms) +
                                           ", BootNotification firmwareVersion " + quote(version));
        if (installed_) {
            return judge_version();
        }
        ctx_.board.running(kUpdate, joined(seen_) + "; back after " + format_ms(away_ms) + " with version " +
                                        quote(version) + "; waiting for Installed");
        arm_firmware_timeout();
    }

    void conclude() override {
        wait_.stop();
        done_ = nullptr;
        withdraw();
    }

private:
    enum class Diag { Idle, WaitUploading, WaitUploaded, WaitFile, Done };
    enum class Fw { Idle, Waiting, Done };

    // An upload reached the tester: taken, or refused (another sender, too large, a second one).
    void on_upload(const FileHost::Transfer& t) {
        if (t.status == 403) {
            refused_from_ = t.remote_address;
            ctx_.board.running(kDiagnostics, "refused an upload from " + t.remote_address + ": " + why_refused() +
                                                 "; waiting for the charger's");
            return;
        }
        if (t.status == 413) {
            oversize_ = t;
            if (diag_ != Diag::Idle && diag_ != Diag::Done) {
                diagnostics_failed(too_large());
            }
            return;
        }
        if (t.status >= 300) {
            return; // a second upload: the first one counts
        }
        uploaded_ = t;
        if (diag_ == Diag::WaitFile) {
            diagnostics_passed();
        }
    }

    static std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

    Outcome too_large() const {
        return Outcome::fail(
            "the diagnostics file (" + std::to_string(oversize_->bytes) + " bytes by " + oversize_->method +
                ") is larger than the " + mib(kMaxUploadBytes) + " the tester takes; refused with 413",
            "The charger uploaded, but its file is larger than the tester's limit of " + mib(kMaxUploadBytes) +
                ". This is a limit of the test, not a fault of the charger's upload; narrow the "
                "diagnostics (a shorter log period) and test again.");
    }

    std::string why_refused() const {
        const std::string& charger = ctx_.report.charger.remote_address;
        return charger.empty() ? "the charger's address is unknown, so no sender can be told to be the charger"
                               : "it is not the address the charger is connected from (" + charger + ")";
    }

    std::string refused_note() const {
        return refused_from_.empty() ? std::string()
                                     : " An upload from " + refused_from_ + " was refused: " + why_refused() + ".";
    }

    void arm_diagnostics_timeout() {
        wait_.start(step_wait_, [this] {
            const std::string secs =
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(step_wait_).count());
            if (oversize_) {
                return diagnostics_failed(too_large());
            }
            if (diag_ == Diag::WaitFile) {
                return diagnostics_failed(Outcome::fail(
                    "Uploaded reported, but no file reached the tester within " + secs + " s",
                    "The charger says the upload succeeded but nothing arrived at " + base_ +
                        ". It may have uploaded elsewhere or not at all; check its log and update the firmware." +
                        refused_note()));
            }
            diagnostics_failed(Outcome::fail(
                std::string(diag_ == Diag::WaitUploading ? "no DiagnosticsStatusNotification Uploading"
                                                         : "Uploading, but no Uploaded") +
                    " within " + secs + " s" +
                    (uploaded_ ? "; " + std::to_string(uploaded_->bytes) + " bytes arrived"
                               : "; the upload never came"),
                "The charger did not upload its diagnostics (or did not say so). Check that it can reach " + base_ +
                    " and uploads over HTTP PUT or POST, and that it reports DiagnosticsStatusNotification." +
                    refused_note()));
        });
    }

    void diagnostics_passed() {
        wait_.cancel();
        diag_ = Diag::Done;
        ctx_.board.set(kDiagnostics, Outcome::pass("Uploading → Uploaded; received " + quote(file_name_) + ", " +
                                                   std::to_string(uploaded_->bytes) + " bytes by " + uploaded_->method +
                                                   " from " + uploaded_->remote_address));
        post([this] { update_firmware(); });
    }

    void diagnostics_failed(Outcome o) {
        wait_.cancel();
        diag_ = Diag::Done;
        ctx_.board.set(kDiagnostics, std::move(o));
        post([this] { update_firmware(); });
    }

    void update_firmware() {
        ctx_.files.withdraw(upload_path_);
        upload_path_.clear();
        old_version_ = ctx_.report.charger.firmware;
        new_version_ = (old_version_.empty() ? std::string("0") : old_version_) + "+ocppkit-test";
        file_path_ = ctx_.files.offer("firmware.txt", "version=" + new_version_ + "\n",
                                      [this](const FileHost::Transfer&) { fetched_ = true; });
        UpdateFirmwareReq req;
        req.location = base_ + file_path_;
        req.retrieveDate = ocpp::DateTime{ctx_.loop.clock().wall_now()};
        req.retries = 1;
        ctx_.board.running(kUpdate, "sent UpdateFirmware (version " + quote(new_version_) +
                                        ", served by the "
                                        "tester); waiting");
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<UpdateFirmwareConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                return firmware_done(
                    call_failed("UpdateFirmware", out.status, out.error_code, out.error_description, false));
            }
            if (fw_ == Fw::Idle) {
                fw_ = Fw::Waiting;
                ctx_.board.running(kUpdate, "answered; waiting for FirmwareStatusNotification Downloading");
                arm_firmware_timeout();
            }
        });
    }

    void arm_firmware_timeout() {
        wait_.start(step_wait_, [this] {
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(step_wait_).count();
            firmware_done(Outcome::fail(
                "after " + joined(seen_) + ", no further FirmwareStatusNotification within " + std::to_string(secs) +
                    " s" + (fetched_ ? " (the file was fetched)" : " (the file was not fetched)"),
                "The charger must report each step of a firmware update with a FirmwareStatusNotification "
                "(Downloading, Downloaded, Installing, Installed, or a failure). Without them a central system "
                "cannot follow a roll-out; update the firmware."));
        });
    }

    void firmware_done(Outcome o) {
        wait_.cancel();
        fw_ = Fw::Done;
        ctx_.board.set(kUpdate, std::move(o));
        withdraw();
        if (auto done = std::move(done_)) {
            done_ = nullptr;
            done();
        }
    }

    // After Installed and the restart: the version the charger booted with must be the one in the served file.
    void judge_version() {
        const std::string seen = joined(seen_) + "; the file was fetched; ";
        if (booted_version_ == new_version_) {
            return firmware_done(Outcome::pass(seen + "the charger restarted with version " + quote(new_version_)));
        }
        if (booted_version_ == old_version_) {
            return firmware_done(Outcome::fail(
                seen + "the charger restarted but still runs version " + quote(old_version_) + ", not " +
                    quote(new_version_),
                "The charger reported Installed and restarted, but booted with its old firmware. This is expected "
                "when the file is not the vendor's: the tester serves a small text file, which a real charger does "
                "not install (the download itself passed). A charger should then report InstallationFailed, not "
                "Installed. To test an installation, update with the manufacturer's firmware from your central "
                "system."));
        }
        firmware_done(Outcome::fail(
            seen + "the charger restarted with version " + quote(booted_version_) + ", expected " + quote(new_version_),
            "The charger booted with a version that is neither the old one (" + quote(old_version_) +
                ") nor the one in the tester's file. Check which firmware it installed and "
                "that its BootNotification reports the running version."));
    }

    void withdraw() {
        if (!upload_path_.empty()) {
            ctx_.files.withdraw(upload_path_);
            upload_path_.clear();
        }
        if (!file_path_.empty()) {
            ctx_.files.withdraw(file_path_);
            file_path_.clear();
        }
    }

    void post(std::function<void()> f) {
        auto token = wait_.token();
        ctx_.loop.post([token, f = std::move(f)] {
            if (!token.expired()) {
                f();
            }
        });
    }

    std::string base_;
    ocpp::Clock::Duration step_wait_;
    std::string upload_path_, file_path_, file_name_, new_version_, old_version_, booted_version_;
    std::optional<FileHost::Transfer> uploaded_;
    std::optional<FileHost::Transfer> oversize_; // an upload refused as too large
    std::string refused_from_;                   // the last sender refused as not the charger
    bool uploading_seen_ = false, fetched_ = false, installing_ = false, installed_ = false;
    enum class Restart { None, Away, Back } restart_ = Restart::None;
    Diag diag_ = Diag::Idle;
    Fw fw_ = Fw::Idle;
    std::vector<FirmwareStatus> seen_;
};

} // namespace

std::unique_ptr<Group> make_firmware(GroupContext ctx) {
    return std::make_unique<FirmwareGroup>(ctx);
}

} // namespace tester::profiles
