// The gate's part in the security profiles and password rotation: recording the highest profile a charger proved,
// refusing (and reporting) a connection below it, and a rotation's pending passwords, of which the first one a
// charger comes with becomes its password and retires the old one.
#include "centralsystem/db/security/security_jobs.hpp"
#include "centralsystem/gate/gate.hpp"
#include "ocpp/log/log_text.hpp"

namespace cs {

void HandshakeGate::set_pending_passwords(const std::string& id, std::vector<std::string> hashes) {
    auto it = credentials_.find(id);
    if (it == credentials_.end()) {
        return;
    }
    it->second.pending_hashes = std::move(hashes);
    it->second.refused_tag.clear(); // a password refused before may be a new one now
    changed_[id] = ++generation_;
}

ocpp::net::HandshakeDecision HandshakeGate::accepted(const ocpp::net::HandshakeInfo& info) {
    const std::string& id = info.chargebox_id;
    auto it = credentials_.find(id);
    const int proven = proven_profile(info);
    // Only a connection that proved who it is raises the profile: a verified client certificate, or a password that
    // was checked. A charger let in without one (no password stored, accept-any-password) could be anyone, and
    // raising its profile would let a stranger lock the real charger out as a "downgrade".
    const bool authenticated =
        it != credentials_.end() &&
        (!info.client_cert_subject.empty() || (!it->second.password_hash.empty() && !it->second.accept_any_password));
    if (authenticated && proven > it->second.security_profile) {
        const int before = it->second.security_profile;
        it->second.security_profile = proven;
        changed_[id] = ++generation_;
        db_.run<void>([id, proven](store::Connection& db) { return db::raise_security_profile(db, id, proven); },
                      [this, id](ocpp::Result<void> r) {
                          if (!r) {
                              log_.error("store", "recording the security profile of " + ocpp::log_quote(id) +
                                                      " failed: " + r.error().message);
                          }
                      });
        if (proven >= 2) {
            const std::string via = info.tls_at_proxy ? " over TLS ended at the proxy " + info.peer_address : "";
            log_.info("handshake", ocpp::log_quote(id) + " proved security profile " + std::to_string(proven) + via +
                                       " (was " + std::to_string(before) + "); it is held to it from now on");
        }
        if (events_.profile_raised) {
            events_.profile_raised(id, proven);
        }
    }
    return ocpp::net::HandshakeDecision::accept();
}

void HandshakeGate::finish_rotation(const std::string& id, const std::string& hash, const std::string& tag) {
    auto it = credentials_.find(id);
    if (it == credentials_.end()) {
        return;
    }
    it->second.password_hash = hash;
    it->second.pending_hashes.clear();
    it->second.verified_tag = tag;
    it->second.refused_tag.clear();
    changed_[id] = ++generation_;
    db_.run<void>([id, hash](store::Connection& db) { return db::finish_rotation(db, id, hash); },
                  [this, id](ocpp::Result<void> r) {
                      if (!r) {
                          log_.error("store", "storing the rotated password of " + ocpp::log_quote(id) +
                                                  " failed: " + r.error().message);
                      }
                  });
    log_.info("handshake", ocpp::log_quote(id) + " came with its new password; the old one is retired");
    if (events_.password_rotated) {
        events_.password_rotated(id);
    }
}

void HandshakeGate::downgrade_refused(const ocpp::net::HandshakeInfo& info, const GateDecision& d) {
    const std::string& id = info.chargebox_id;
    std::string how = " over plain WebSocket";
    if (info.tls) {
        how = " over TLS without a client certificate";
    } else if (info.tls_at_proxy) {
        how = " over TLS ended at the proxy " + info.peer_address +
              ", which no client certificate passes (security profile 3 needs TLS passed through to this server)";
    }
    log_.warn("handshake", "downgrade attempt: " + ocpp::log_quote(id) + " from " + info.remote_address + how);
    notices_.notify_once("downgrade:" + id, id, "downgradeAttempt",
                         "a connection below the charger's security profile was refused (" + d.why + ") from " +
                             ocpp::source_of_endpoint(info.remote_address));
}

} // namespace cs
