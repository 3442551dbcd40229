// The handshake decision (decision.hpp). Guessing is bounded: at most one check runs per Chargebox ID, and after a few
// failed checks the ID and the source address back off (429 at once, no PBKDF2); a password the memo knows passes
// first, so a charger that got in once is never held up by guesses.
#include "centralsystem/gate/decision.hpp"

#include <algorithm>

#include "centralsystem/security/csr_policy.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "store/password_memo.hpp"

namespace cs {

namespace {

using Kind = HandshakeAnswerKind;

GateDecision answer(Kind kind, std::string reason, std::string why) {
    GateDecision d;
    d.answer = kind;
    d.reason = std::move(reason);
    d.why = std::move(why);
    return d;
}

GateDecision accept() {
    return GateDecision{};
}

GateDecision throttle(std::string reason, std::string why, ocpp::Clock::Duration wait) {
    GateDecision d = answer(Kind::Throttled, std::move(reason), std::move(why));
    d.wait = wait;
    return d;
}

// The refusal while the ID or the source address backs off after failed checks; nullopt when neither does.
std::optional<GateDecision> backing_off(const GateInput& in) {
    if (!in.id_blocked && !in.address_blocked) {
        return std::nullopt;
    }
    const bool id_longer = in.id_blocked && (!in.address_blocked || *in.id_blocked >= *in.address_blocked);
    const auto wait = id_longer ? *in.id_blocked : *in.address_blocked;
    const std::string what = id_longer ? "for this Chargebox ID" : "from " + in.source;
    return throttle("throttled",
                    "too many failed password checks " + what + "; try again in " +
                        std::to_string(whole_seconds(wait)) + " s",
                    wait);
}

// An ID the cache does not hold: refused, or registered as planned (--auto-register) with accept-any-password on
// while the presented password is hashed and then captured. Until then only this very password passes.
GateDecision unknown(const GateInput& in) {
    if (!in.auto_register) {
        GateDecision d = answer(Kind::Unauthorized, "unknown_chargebox_id", "unknown Chargebox ID");
        d.look_up = in.shared_database; // perhaps created on another node since the last reload
        return d;
    }
    GateDecision d = accept();
    d.register_charger = true;
    d.capture_password = in.info->basic_password && !in.info->basic_password->empty();
    return d;
}

} // namespace

int proven_profile(const ocpp::net::HandshakeInfo& info) {
    if (info.tls || info.tls_at_proxy) {
        return info.client_cert_subject.empty() ? 2 : 3;
    }
    return info.basic_password && !info.basic_password->empty() ? 1 : 0;
}

int whole_seconds(ocpp::Clock::Duration d) {
    const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
    return static_cast<int>(std::max<decltype(s)>(1, s));
}

GateDecision decide_handshake(const GateInput& in) {
    const ocpp::net::HandshakeInfo& info = *in.info;
    const std::string& id = info.chargebox_id;
    if (id.empty()) {
        return answer(Kind::Unauthorized, "no_chargebox_id", "no Chargebox ID in the URL path (expected /ocpp/<ID>)");
    }
    if (auto problem = ocpp::check_chargebox_id(id)) {
        // The REST API's rule: nothing is looked up or auto-registered for an ID it would refuse.
        GateDecision d = answer(Kind::InvalidId, "invalid_chargebox_id",
                                "invalid Chargebox ID in the URL path: " + problem->message);
        d.detail = problem->message;
        return d;
    }
    // Security profile 3: the TLS layer verified the client certificate against the operator CA; it must also be
    // this charger's (its commonName is the Chargebox ID), and then it stands in for the password.
    bool certificate_holder = false;
    if (!info.client_cert_subject.empty()) {
        const std::string cn = security::common_name_of(info.client_cert_subject);
        if (cn != id) {
            return answer(Kind::Unauthorized, "certificate_mismatch",
                          "the client certificate's commonName \"" + cn.substr(0, 64) +
                              "\" is not the Chargebox ID in the URL");
        }
        certificate_holder = true;
    }
    if (info.basic_user && *info.basic_user != id) {
        return answer(Kind::Unauthorized, "user_mismatch",
                      "HTTP Basic user \"" + *info.basic_user + "\" is not the Chargebox ID");
    }
    if (in.known == nullptr) {
        return unknown(in);
    }
    const KnownCredentials& c = *in.known;
    // A charger that proved profile 2 (or 3) never comes back below it: plain, or over TLS without its certificate,
    // is someone else or a downgrade attack. Decided before any password check, which would tell a guesser more.
    // TLS ended at one of --tls-proxy counts as TLS; no client certificate comes through it.
    if (c.security_profile >= 2 && !info.tls && !info.tls_at_proxy) {
        GateDecision d = answer(Kind::Unauthorized, "downgrade_attempt",
                                "this charger uses security profile " + std::to_string(c.security_profile) +
                                    ": connect over TLS (wss://)");
        d.downgrade = true;
        return d;
    }
    if (c.security_profile >= 3 && info.client_cert_subject.empty()) {
        GateDecision d = answer(Kind::Unauthorized, "downgrade_attempt",
                                info.tls ? "this charger uses security profile 3: present its client certificate"
                                         : "this charger uses security profile 3: its client certificate must reach "
                                           "this server (TLS passed through, not ended at a proxy)");
        d.downgrade = true;
        return d;
    }
    if (certificate_holder && !c.accept_any_password) {
        return accept();
    }
    if (c.accept_any_password) {
        if (!info.basic_password || info.basic_password->empty()) {
            return answer(Kind::Unauthorized, "no_password",
                          "accept-any-password is on, but no HTTP Basic password was presented");
        }
        GateDecision d = accept();
        d.capture_password = true;
        d.notify_captured = true;
        return d;
    }
    if (c.password_hash.empty() && !c.hash_pending &&
        (c.pending_hashes.empty() || !info.basic_password || info.basic_password->empty())) {
        return accept();
    }
    if (!info.basic_password) {
        return answer(Kind::Unauthorized, "no_password", "no HTTP Basic credentials (this charger needs a password)");
    }
    // PBKDF2 only for a password not seen before: a reconnect (or a repeated wrong guess) costs one HMAC. A password
    // that passed before passes whatever else is going on, so guesses never lock the charger out.
    if (store::PasswordMemo::same(c.verified_tag, in.tag)) {
        return accept();
    }
    if (auto refusal = backing_off(in)) {
        return *refusal;
    }
    if (c.hash_pending || (store::PasswordMemo::same(c.refused_tag, in.tag) && !c.password_hash.empty())) {
        GateDecision d = answer(Kind::Unauthorized, "wrong_password", "wrong password");
        d.remember_refused = true;
        return d;
    }
    if (in.running && !(in.running->same_password && in.running->waiting < kMaxWaitingPerCheck)) {
        return throttle("check_in_progress", "a password check for this Chargebox ID is running; try again shortly",
                        std::chrono::seconds(1));
    }
    return answer(Kind::CheckPassword, "", "");
}

} // namespace cs
