// The security group (the OCPP 1.6 security whitepaper), after the core checks: GetInstalledCertificateIds for both
// certificate types; a new AuthorizationKey set with ChangeConfiguration and the charger back with it (either
// reading of the hex key); the upgrade from profile 1 to 2 (the tester's root installed as
// CentralSystemRootCertificate, SecurityProfile 2, the charger back over TLS on the tester's TLS listener); and a
// SecurityEventNotification for what these provoked. The TLS and client-certificate checks are judged on the
// handshakes themselves (security_tls.cpp). A reconnect is waited for as long as a restart; a charger that keeps
// its connection is disconnected by the tester after one call timeout, as a central system would.
#include "tester/checks/profiles/security.hpp"

#include "ocpp/pki/authorization_key.hpp"
#include "ocpp/pki/pki.hpp"
#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"
#include "tester/checks/profiles/security_steps.hpp"

namespace tester::profiles {

std::string printable_authorization_key() {
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const auto raw = ocpp::pki::decode_hex(ocpp::pki::random_authorization_key(20)).value_or(std::string(20, '\0'));
    std::string text;
    for (unsigned char c : raw) {
        text += alphabet[c % (sizeof alphabet - 1)];
    }
    return ocpp::pki::encode_hex(text);
}

KeyReading read_password(const std::string& key, const std::optional<std::string>& old_password,
                         const std::optional<std::string>& presented) {
    if (!presented) {
        return KeyReading::Unknown;
    }
    // Both readings of ocpp::pki::basic_passwords_for_key, told apart.
    if (const auto decoded = ocpp::pki::decode_hex(key); decoded && *presented == *decoded) {
        return KeyReading::Decoded;
    }
    if (*presented == key) {
        return KeyReading::Hex;
    }
    if (old_password && *presented == *old_password) {
        return KeyReading::Old;
    }
    return KeyReading::Unknown;
}

const char* describe(KeyReading reading) {
    switch (reading) {
    case KeyReading::Decoded:
        return "the key's decoded bytes (the whitepaper's reading)";
    case KeyReading::Hex:
        return "the key's hex text (the reading common in the field)";
    case KeyReading::Old:
        return "the old password";
    case KeyReading::Unknown:
        break;
    }
    return "a password that is neither the new key nor the old password";
}

std::string root_of_chain(const std::string& chain_pem) {
    auto certs = ocpp::pki::read_certificates(chain_pem);
    if (!certs || certs->empty()) {
        return {};
    }
    const auto& last = certs->back();
    const bool self_signed = last.subject.one_line() == last.issuer.one_line();
    return certs->size() > 1 || last.is_ca || self_signed ? last.pem : std::string();
}

std::unique_ptr<Group> make_security(GroupContext ctx) {
    return std::make_unique<SecurityGroup>(ctx);
}

using namespace ocpp::v16;

SecurityGroup::SecurityGroup(GroupContext ctx)
    : GroupBase(ctx)
    , current_password_(ctx.password) {}

void SecurityGroup::start(std::function<void()> done) {
    done_ = std::move(done);
    ctx_.board.running(kInstalled, "sent GetInstalledCertificateIds(CentralSystemRootCertificate)");
    installed_ids(CertificateUse::CentralSystemRootCertificate, [this](std::string root_seen) {
        installed_ids(CertificateUse::ManufacturerRootCertificate, [this, root_seen](std::string maker_seen) {
            if (whitepaper_missing_) {
                ctx_.board.set(kInstalled, Outcome::skipped("not supported by this charger: " + root_seen));
            } else if (!installed_failure_) {
                ctx_.board.set(kInstalled, Outcome::pass(root_seen + "; " + maker_seen));
            }
            rotate_password();
        });
    });
}

void SecurityGroup::installed_ids(CertificateUse use, std::function<void(std::string)> next) {
    GetInstalledCertificateIdsReq req;
    req.certificateType = use;
    auto token = wait_.token();
    ctx_.peer->call(req, [this, token, use, next](ocpp::CallOutcome<GetInstalledCertificateIdsConf> out) {
        if (token.expired()) {
            return;
        }
        const std::string type = to_string(use);
        if (!out.ok()) {
            if (unsupported(out.status, out.error_code)) {
                whitepaper_missing_ = true;
                return next("GetInstalledCertificateIds answered with CALLERROR " + out.error_code);
            }
            if (!installed_failure_) {
                installed_failure_ = true;
                ctx_.board.set(kInstalled, call_failed("GetInstalledCertificateIds(" + type + ")", out.status,
                                                       out.error_code, out.error_description, false));
            }
            return next("");
        }
        const auto& list = out.conf->certificateHashData;
        const std::size_t n = list ? list->size() : 0;
        if (use == CertificateUse::CentralSystemRootCertificate && list) {
            installed_roots_ = *list;
        }
        next(type + ": " +
             (out.conf->status == GetInstalledCertificateStatus::NotFound ? std::string("none (NotFound)")
                                                                          : std::to_string(n) + " installed"));
    });
}

void SecurityGroup::on_security_event(const SecurityEventNotificationReq& req) {
    if (events_.size() < 20) {
        events_.push_back(req.type);
    }
    if (phase_ == Phase::Event) {
        finish_event();
    }
}

void SecurityGroup::on_restarting() {
    if (phase_ != Phase::WaitClose) {
        return;
    }
    phase_ = Phase::Away;
    away_at_ = ctx_.loop.clock().now();
    const auto wait = restart_wait(ctx_.config);
    ctx_.board.running(step_key(), "the charger closed its connection; waiting up to " + std::to_string(wait.count()) +
                                       " s for it to come back");
    wait_.start(wait, [this] { reconnect_timed_out(); });
}

void SecurityGroup::on_reconnected(std::shared_ptr<ocpp::Peer> peer) {
    ctx_.peer = std::move(peer);
    if (phase_ != Phase::Away) {
        return;
    }
    wait_.cancel();
    phase_ = Phase::Idle;
    const Step step = step_;
    // Posted: the new connection's handlers are in place before the next call.
    auto token = wait_.token();
    ctx_.loop.post([this, token, step] {
        if (token.expired()) {
            return;
        }
        step == Step::Rotation ? upgrade_profile() : wait_for_event();
    });
}

void SecurityGroup::expect_reconnect(Step step) {
    step_ = step;
    phase_ = Phase::WaitClose;
    provoked_ = true;
    reconnect_asked_ = true;
    // A charger that keeps the connection applies the change at its next connection: close it, as a central
    // system would, after one call timeout.
    wait_.start(ctx_.config.call_timeout, [this] {
        if (phase_ != Phase::WaitClose) {
            return;
        }
        ctx_.board.add_detail(step_key(), "the charger kept its connection for " +
                                              std::to_string(ctx_.config.call_timeout.count()) +
                                              " s after accepting; the tester closed it so that it reconnects");
        ctx_.peer->close(1000, "reconnect with the new security settings");
    });
}

const char* SecurityGroup::step_key() const {
    return step_ == Step::Rotation ? kRotation : kUpgrade;
}

std::string SecurityGroup::away_reason() const {
    return step_ == Step::Rotation ? "closed it to reconnect with the new AuthorizationKey"
                                   : "closed it to reconnect with security profile 2";
}

void SecurityGroup::conclude() {
    wait_.stop();
    phase_ = Phase::Idle;
}

bool SecurityGroup::unsupported(ocpp::CallStatus status, const std::string& error_code) {
    return status == ocpp::CallStatus::CallError && (error_code == "NotImplemented" || error_code == "NotSupported");
}

} // namespace tester::profiles
