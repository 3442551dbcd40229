// The security group's steps: the password rotation, the profile upgrade with their reconnects, and the security
// event they provoke. Every failure names what the installer can change on the charger.
#include "tester/checks/profiles/security_steps.hpp"

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/security_tls.hpp"

namespace tester::profiles {

using namespace ocpp::v16;
using ocpp::net::HandshakeDecision;
using ocpp::net::HandshakeInfo;

void SecurityGroup::rotate_password() {
    const int profile = ctx_.report.charger.security_profile;
    if (profile >= 3) {
        ctx_.board.set(kRotation, Outcome::skipped("the charger authenticates with its client certificate "
                                                   "(security profile 3): no password to rotate"));
        return upgrade_profile();
    }
    if (!current_password_) {
        ctx_.board.set(kRotation, Outcome::skipped("the charger connects without an HTTP Basic password (security "
                                                   "profile 0): nothing to rotate; run with --password or "
                                                   "--accept-any-password"));
        return upgrade_profile();
    }
    key_ = printable_authorization_key();
    ctx_.board.running(kRotation, "sent ChangeConfiguration AuthorizationKey (a new random key of 20 bytes)");
    auto token = wait_.token();
    ctx_.peer->call(ChangeConfigurationReq{"AuthorizationKey", key_},
                    [this, token](ocpp::CallOutcome<ChangeConfigurationConf> out) {
                        if (!token.expired()) {
                            rotation_answered(out);
                        }
                    });
}

void SecurityGroup::rotation_answered(const ocpp::CallOutcome<ChangeConfigurationConf>& out) {
    if (!out.ok()) {
        ctx_.board.set(kRotation, unsupported(out.status, out.error_code)
                                      ? Outcome::skipped("not supported by this charger: ChangeConfiguration "
                                                         "AuthorizationKey answered CALLERROR " +
                                                         out.error_code)
                                      : call_failed("ChangeConfiguration", out.status, out.error_code,
                                                    out.error_description, false));
        return upgrade_profile();
    }
    const auto status = out.conf->status;
    if (status == ConfigurationStatus::NotSupported) {
        ctx_.board.set(kRotation, Outcome::skipped("not supported by this charger: it answered NotSupported to "
                                                   "ChangeConfiguration AuthorizationKey"));
        return upgrade_profile();
    }
    if (status == ConfigurationStatus::Rejected) {
        ctx_.board.set(kRotation,
                       Outcome::fail("ChangeConfiguration AuthorizationKey answered Rejected",
                                     "The charger refused a new password of 40 hex digits (20 bytes), as the "
                                     "security whitepaper defines AuthorizationKey. Without it the operator cannot "
                                     "rotate passwords; update the firmware or ask the manufacturer."));
        return upgrade_profile();
    }
    ctx_.board.running(kRotation, std::string("answered ") + to_string(status) +
                                      "; waiting for the charger to reconnect with the new password");
    expect_reconnect(Step::Rotation);
}

std::optional<HandshakeDecision> SecurityGroup::on_reconnect_attempt(const HandshakeInfo& info) {
    if (phase_ != Phase::Away && phase_ != Phase::WaitClose) {
        return std::nullopt;
    }
    if (info.chargebox_id != ctx_.config.chargebox_id) {
        return HandshakeDecision::refuse(404, "unknown Chargebox ID");
    }
    return step_ == Step::Rotation ? rotation_attempt(info) : upgrade_attempt(info);
}

std::optional<HandshakeDecision> SecurityGroup::rotation_attempt(const HandshakeInfo& info) {
    const auto old = current_password_;
    const auto reading = read_password(key_, old, info.basic_password);
    const bool user_ok = info.basic_user && *info.basic_user == ctx_.config.chargebox_id;
    if (!user_ok || reading == KeyReading::Unknown) {
        ++unknown_passwords_;
        ctx_.board.add_detail(kRotation, "a connection attempt with " + std::string(describe(KeyReading::Unknown)) +
                                             " was refused (401)");
        return HandshakeDecision::refuse(401, "HTTP Basic authentication failed (the password set by "
                                              "ChangeConfiguration AuthorizationKey is expected)");
    }
    const std::string back =
        "back after " +
        format_ms(std::chrono::duration<double, std::milli>(ctx_.loop.clock().now() - away_at_).count());
    if (reading == KeyReading::Old) {
        ctx_.board.set(kRotation,
                       Outcome::fail(back + " with the old password, although it accepted the new AuthorizationKey",
                                     "A central system accepts only the new password once the charger accepted it: "
                                     "this charger would lock itself out. It must use the new AuthorizationKey from "
                                     "its next connection on; update the firmware or ask the manufacturer."));
    } else {
        current_password_ = info.basic_password;
        ctx_.board.set(kRotation, Outcome::pass(back + " with the new password: " + describe(reading)));
    }
    return HandshakeDecision::accept();
}

void SecurityGroup::upgrade_profile() {
    const int profile = ctx_.report.charger.security_profile;
    if (!came_back_) {
        ctx_.board.set(kUpgrade, Outcome::skipped("the charger did not come back after the password rotation"));
        return wait_for_event();
    }
    if (profile != 1) {
        ctx_.board.set(kUpgrade,
                       Outcome::skipped(profile == 0
                                            ? "the charger connects without a password (security profile "
                                              "0); profile 2 needs HTTP Basic authentication"
                                            : "the charger is already at security profile " + std::to_string(profile)));
        return wait_for_event();
    }
    if (ctx_.config.tls_url.empty()) {
        ctx_.board.set(kUpgrade, Outcome::skipped("the tester has no TLS listener: run it with --tls-listen "
                                                  "HOST:PORT, --tls-cert and --tls-key to test the upgrade"));
        return wait_for_event();
    }
    if (ctx_.config.root_certificate_pem.empty()) {
        ctx_.board.set(kUpgrade, Outcome::skipped("no root certificate to install: give --tls-root with the CA "
                                                  "certificate that signed the tester's TLS certificate"));
        return wait_for_event();
    }
    install_root();
}

void SecurityGroup::install_root() {
    step_ = Step::Upgrade;
    InstallCertificateReq req;
    req.certificateType = CertificateUse::CentralSystemRootCertificate;
    req.certificate = ctx_.config.root_certificate_pem;
    ctx_.board.running(kUpgrade, "sent InstallCertificate(CentralSystemRootCertificate) with the tester's root");
    auto token = wait_.token();
    ctx_.peer->call(req, [this, token](ocpp::CallOutcome<InstallCertificateConf> out) {
        if (token.expired()) {
            return;
        }
        if (!out.ok()) {
            ctx_.board.set(kUpgrade, unsupported(out.status, out.error_code)
                                         ? Outcome::skipped("not supported by this charger: InstallCertificate "
                                                            "answered CALLERROR " +
                                                            out.error_code)
                                         : call_failed("InstallCertificate", out.status, out.error_code,
                                                       out.error_description, false));
            return wait_for_event();
        }
        if (out.conf->status != InstallCertificateStatus::Accepted) {
            ctx_.board.set(kUpgrade,
                           Outcome::fail(std::string("InstallCertificate(CentralSystemRootCertificate) answered ") +
                                             to_string(out.conf->status),
                                         "The charger refused the tester's root certificate (" +
                                             ctx_.config.root_certificate_file +
                                             "). Check that the charger's clock lies within the certificate's "
                                             "validity and that it has room for another root "
                                             "(CertificateStoreMaxLength); delete an old root with "
                                             "DeleteCertificate if it is full."));
            return wait_for_event();
        }
        ctx_.board.add_detail(kUpgrade, "InstallCertificate(CentralSystemRootCertificate) Accepted");
        set_profile();
    });
}

void SecurityGroup::set_profile() {
    ctx_.board.running(kUpgrade, "sent ChangeConfiguration SecurityProfile 2");
    auto token = wait_.token();
    ctx_.peer->call(
        ChangeConfigurationReq{"SecurityProfile", "2"}, [this, token](ocpp::CallOutcome<ChangeConfigurationConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok() || out.conf->status == ConfigurationStatus::NotSupported) {
                const bool missing = !out.ok() ? unsupported(out.status, out.error_code) : true;
                ctx_.board.set(
                    kUpgrade,
                    missing
                        ? Outcome::skipped("not supported by this charger: ChangeConfiguration "
                                           "SecurityProfile answered " +
                                           (out.ok() ? std::string("NotSupported") : "CALLERROR " + out.error_code))
                        : call_failed("ChangeConfiguration", out.status, out.error_code, out.error_description, false));
                return wait_for_event();
            }
            if (out.conf->status == ConfigurationStatus::Rejected) {
                ctx_.board.set(
                    kUpgrade,
                    Outcome::fail("ChangeConfiguration SecurityProfile 2 answered Rejected",
                                  "A charger refuses a higher profile when something it needs is missing: a "
                                  "CentralSystemRootCertificate (the tester installed one just before) or TLS "
                                  "support. Check the charger's log and its firmware version."));
                return wait_for_event();
            }
            ctx_.board.running(kUpgrade, std::string("SecurityProfile 2 answered ") + to_string(out.conf->status) +
                                             "; waiting for the charger to reconnect over TLS at " +
                                             ctx_.config.tls_url);
            expect_reconnect(Step::Upgrade);
        });
}

std::optional<HandshakeDecision> SecurityGroup::upgrade_attempt(const HandshakeInfo& info) {
    if (!info.tls) {
        ++plain_attempts_;
        ctx_.board.add_detail(kUpgrade, "a connection attempt over ws:// was refused: security profile 2 needs "
                                        "wss://");
        return HandshakeDecision::refuse(403, "security profile 2 requires TLS (wss://)");
    }
    const bool user_ok = info.basic_user && *info.basic_user == ctx_.config.chargebox_id;
    if (!user_ok || (current_password_ && info.basic_password != current_password_)) {
        ++unknown_passwords_;
        ctx_.board.add_detail(kUpgrade, "a TLS connection attempt with a wrong user or password was refused (401)");
        return HandshakeDecision::refuse(401, "HTTP Basic authentication failed");
    }
    const double ms = std::chrono::duration<double, std::milli>(ctx_.loop.clock().now() - away_at_).count();
    ctx_.board.set(kUpgrade, Outcome::pass("back over TLS after " + format_ms(ms) + " (" + info.tls_version + ", " +
                                           info.tls_cipher + ") with HTTP Basic: security profile 2"));
    return HandshakeDecision::accept();
}

void SecurityGroup::on_reconnect_rejected(const ocpp::net::RejectedHandshake& rejected) {
    if (phase_ != Phase::Away && phase_ != Phase::WaitClose) {
        return;
    }
    using Kind = ocpp::net::RejectedHandshake::Kind;
    if (rejected.kind == Kind::PlainHttpOnTls) {
        ++plain_on_tls_;
    } else if (rejected.kind == Kind::TlsHandshake) {
        ++untrusted_;
        last_tls_failure_ = rejected.reason;
    } else {
        ++other_tls_failures_;
        last_tls_failure_ = rejected.reason;
    }
    ctx_.board.add_detail(step_key(), "a connection attempt failed: " + rejected.reason);
}

void SecurityGroup::reconnect_timed_out() {
    phase_ = Phase::Idle;
    came_back_ = false;
    const std::string within = " within " + std::to_string(restart_wait(ctx_.config).count()) + " s";
    if (step_ == Step::Rotation) {
        ctx_.board.set(
            kRotation,
            unknown_passwords_ > 0
                ? Outcome::fail("the charger tried " + std::to_string(unknown_passwords_) +
                                    " times with a password that is neither the new AuthorizationKey nor the old one",
                                "The charger turns the hex AuthorizationKey into its password in a way the "
                                "whitepaper does not define (the tester accepts the hex text and the decoded "
                                "bytes). It is now locked out: set its password again on site, and ask the "
                                "manufacturer how it reads AuthorizationKey.")
                : Outcome::fail("the charger did not come back" + within + " after accepting the new AuthorizationKey",
                                "The charger accepted the new password but did not reconnect. Check on site "
                                "whether it is stuck or locked out (set its password again), and whether its "
                                "firmware applies AuthorizationKey at all."));
        return upgrade_profile();
    }
    const std::string url = ctx_.config.tls_url;
    Outcome o;
    if (untrusted_ > 0) {
        o = Outcome::fail(std::to_string(untrusted_) +
                              " TLS handshake(s) failed after SecurityProfile 2: " + last_tls_failure_,
                          "The charger does not trust the central system's certificate: install " +
                              ctx_.config.root_certificate_file +
                              " as CentralSystemRootCertificate (the tester sent it with InstallCertificate, "
                              "which the charger accepted). Also check that the host name or address in its URL "
                              "matches the certificate, that its clock is right and that it supports TLS 1.2.");
    } else if (plain_attempts_ > 0) {
        o = Outcome::fail("the charger reconnected over ws:// " + std::to_string(plain_attempts_) +
                              " time(s) after accepting SecurityProfile 2",
                          "The charger reconnected over ws:// after SecurityProfile 2: its URL must start with "
                          "wss://. Set its central system URL to " +
                              url.substr(0, url.rfind('/')) + ".");
    } else if (plain_on_tls_ > 0) {
        o = Outcome::fail("the charger sent plain HTTP (ws://) to the TLS port after SecurityProfile 2",
                          "Its URL must start with wss://: set it to " + url.substr(0, url.rfind('/')) + ".");
    } else if (unknown_passwords_ > 0) {
        o = Outcome::fail("the charger came back over TLS with a wrong password",
                          "After the upgrade the charger must keep its HTTP Basic password. Check its "
                          "AuthorizationKey setting.");
    } else {
        o = Outcome::fail("the charger did not come back" + within + " after accepting SecurityProfile 2" +
                              (other_tls_failures_ > 0 ? " (" + last_tls_failure_ + ")" : std::string()),
                          "Set the charger's central system URL to " + url.substr(0, url.rfind('/')) +
                              " (wss://, the tester's TLS port). A charger at security profile 2 connects only "
                              "over TLS; most keep the host and port of their old URL, and some need a restart.");
    }
    ctx_.board.set(kUpgrade, std::move(o));
    wait_for_event();
}

void SecurityGroup::wait_for_event() {
    if (!events_.empty() || !provoked_ || !came_back_) {
        return finish_event();
    }
    phase_ = Phase::Event;
    ctx_.board.running(kEvent, "waiting for a SecurityEventNotification");
    wait_.start(ctx_.config.call_timeout, [this] { finish_event(); });
}

void SecurityGroup::finish_event() {
    wait_.cancel();
    phase_ = Phase::Idle;
    if (!events_.empty()) {
        ctx_.board.set(kEvent, Outcome::pass("received: " + join_list(events_)));
    } else if (!provoked_) {
        ctx_.board.set(kEvent, Outcome::skipped("nothing provoked a security event (neither the password rotation "
                                                "nor the upgrade ran)"));
    } else if (!came_back_) {
        ctx_.board.set(kEvent, Outcome::skipped("the charger did not come back to report one"));
    } else if (whitepaper_missing_) {
        ctx_.board.set(kEvent, Outcome::skipped("not supported by this charger: none came, and it does not "
                                                "implement GetInstalledCertificateIds"));
    } else {
        ctx_.board.set(kEvent,
                       Outcome::fail("no SecurityEventNotification within " +
                                         std::to_string(ctx_.config.call_timeout.count()) +
                                         " s after the security settings changed",
                                     "The whitepaper asks for a SecurityEventNotification on critical events, such "
                                     "as ReconfigurationOfSecurityParameters after a new AuthorizationKey or "
                                     "SecurityProfile. Update the firmware, or check that security events are "
                                     "enabled."));
    }
    // The handshake checks got no verdict when no handshake told anything about them.
    const auto* tls = ctx_.board.get(kSecurityTls);
    if (tls && tls->verdict == Verdict::Pending) {
        ctx_.board.set(kSecurityTls, Outcome::skipped("the charger never connected over TLS (security profile 0 or "
                                                      "1); run with --tls-cert and --tls-key, or --tls-listen for "
                                                      "the upgrade"));
    }
    const auto* cert = ctx_.board.get(kSecurityClientCertificate);
    if (cert && cert->verdict == Verdict::Pending) {
        ctx_.board.set(kSecurityClientCertificate,
                       Outcome::skipped("no client certificate asked for: run with --tls-client-ca for security "
                                        "profile 3"));
    }
    finish();
}

} // namespace tester::profiles
