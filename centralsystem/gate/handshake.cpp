// The handshake gate carrying out decide_handshake()'s decisions: answering (a refusal is counted by its reason and
// logged without the password), auto-registering, hashing passwords taken at the handshake, and checking a password
// not seen since this process started with PBKDF2 on the hasher pool (the loop serves other chargers meanwhile, and
// the server holds the upgrade's answer until then). A full pool answers 503 with Retry-After.
#include <thread>

#include "centralsystem/db/queries.hpp"
#include "centralsystem/gate/gate.hpp"
#include "ocpp/log/log_text.hpp"
#include "store/password.hpp"

namespace cs {

using ocpp::net::HandshakeDecision;

namespace {

unsigned hasher_threads(unsigned configured) {
    return configured > 0 ? configured : std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

HandshakeGate::HandshakeGate(const CentralConfig& config, ocpp::Executor& loop, Database& db, Metrics& metrics,
                             Notifier& notices, const ocpp::Logger& log)
    : config_(config)
    , loop_(loop)
    , db_(db)
    , metrics_(metrics)
    , notices_(notices)
    , log_(log)
    , id_failures_(loop.clock(), config.id_backoff)
    , address_failures_(loop.clock(), config.address_backoff)
    , hasher_(hasher_threads(config.hasher_threads), config.hasher_queue, 10) {}

HandshakeGate::~HandshakeGate() = default;

GateInput HandshakeGate::input_for(const ocpp::net::HandshakeInfo& info, const std::string& tag) const {
    GateInput in;
    in.info = &info;
    in.tag = tag;
    if (auto it = credentials_.find(info.chargebox_id); it != credentials_.end()) {
        in.known = &it->second;
    }
    in.source = ocpp::source_of_endpoint(info.remote_address);
    in.id_blocked = id_failures_.blocked(info.chargebox_id);
    in.address_blocked = address_failures_.blocked(in.source);
    if (auto running = checking_id_.find(info.chargebox_id); running != checking_id_.end()) {
        const auto waiting = checking_.find(running->second);
        in.running = RunningCheck{store::PasswordMemo::same(running->second, tag),
                                  waiting == checking_.end() ? kMaxWaitingPerCheck : waiting->second.size()};
    }
    in.auto_register = config_.auto_register;
    in.shared_database = config_.credentials_refresh.count() > 0;
    return in;
}

void HandshakeGate::on_handshake(const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer) {
    const std::string tag = memo_.tag(info.chargebox_id, info.basic_password.value_or(""));
    carry_out(info, tag, decide_handshake(input_for(info, tag)), std::move(answer));
}

void HandshakeGate::carry_out(const ocpp::net::HandshakeInfo& info, const std::string& tag, const GateDecision& d,
                              ocpp::net::HandshakeAnswer answer) {
    const std::string& id = info.chargebox_id;
    if (d.look_up) {
        look_up_credentials(id);
    }
    if (d.remember_refused) {
        credentials_[id].refused_tag = tag;
    }
    if (d.capture_password && !capture(info, tag, d)) {
        return answer(busy(info, "too many passwords are being hashed; try again shortly"));
    }
    if (d.register_charger) {
        register_charger(id, d.capture_password);
    }
    switch (d.answer) {
    case HandshakeAnswerKind::Accept:
        if (d.notify_captured) {
            log_.info("handshake", "captured the password of \"" + id + "\"; accept-any-password is off again");
            notices_.notify(id, "passwordCaptured",
                            "the password presented at connection was stored; accept-any-password is off");
        }
        return answer(accepted(info));
    case HandshakeAnswerKind::CheckPassword: {
        auto& waiting = checking_[tag];
        waiting.push_back(Waiting{info, std::move(answer)});
        if (waiting.size() > 1) {
            return; // this very password is being checked already (the charger retried): one PBKDF2 answers both
        }
        checking_id_[id] = tag;
        if (!start_check(id, tag, info.basic_password.value_or(""))) {
            checking_id_.erase(id);
            auto refused = std::move(checking_[tag]);
            checking_.erase(tag);
            for (auto& w : refused) {
                w.answer(busy(w.info, "too many password checks are waiting; try again shortly"));
            }
        }
        return;
    }
    default:
        if (d.downgrade) {
            downgrade_refused(info, d);
        }
        return answer(refusal(info, d));
    }
}

HandshakeDecision HandshakeGate::refusal(const ocpp::net::HandshakeInfo& info, const GateDecision& d) {
    metrics_.refused(d.reason);
    switch (d.answer) {
    case HandshakeAnswerKind::InvalidId:
        // The problem is printable whatever the ID holds, so the log line shows it rather than the ID.
        log_.warn("handshake", "refused a connection from " + info.remote_address +
                                   ": the Chargebox ID in the URL path: " + d.detail);
        return HandshakeDecision::refuse(400, d.why);
    case HandshakeAnswerKind::Throttled:
        log_.debug("handshake", "refused \"" + info.chargebox_id + "\" from " + info.remote_address + ": " + d.why);
        return HandshakeDecision::refuse(429, d.why, whole_seconds(d.wait));
    default:
        // Never the password: only who, from where and why.
        log_.warn("handshake", "refused " + ocpp::log_quote(info.chargebox_id) + " from " + info.remote_address +
                                   (info.peer_address.empty() || info.peer_address == info.remote_address
                                        ? std::string()
                                        : " (via " + info.peer_address + ")") +
                                   ": " + d.why);
        return HandshakeDecision::refuse(401, d.why);
    }
}

HandshakeDecision HandshakeGate::busy(const ocpp::net::HandshakeInfo& info, const std::string& why) {
    metrics_.refused("hasher_busy");
    log_.warn("handshake", ocpp::log_quote(info.chargebox_id) + " asked to wait: " + why);
    return HandshakeDecision::refuse(503, why, 1);
}

bool HandshakeGate::capture(const ocpp::net::HandshakeInfo& info, const std::string& tag, const GateDecision& d) {
    const std::string id = info.chargebox_id;
    std::weak_ptr<bool> alive = alive_;
    auto job = [this, password = info.basic_password.value_or(""), id, tag, alive, &loop = loop_]() {
        std::string hash = store::hash_password(password);
        loop.post([this, id, tag, hash = std::move(hash), alive]() mutable {
            if (alive.lock()) {
                hash_ready(id, tag, std::move(hash));
            }
        });
    };
    if (!hasher_.submit(std::move(job))) {
        return false;
    }
    metrics_.hashed("store");
    if (d.register_charger) {
        put_credentials(id, Credentials{});
    }
    KnownCredentials& c = credentials_[id];
    c.accept_any_password = false;
    changed_[id] = ++generation_;
    c.hash_pending = true;
    c.refused_tag.clear();
    c.verified_tag = tag;
    return true;
}

void HandshakeGate::register_charger(const std::string& id, bool with_password) {
    if (!with_password) {
        put_credentials(id, Credentials{});
    }
    db_.run<bool>(
        [id, now = now_text(loop_.clock()), with_password](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = db::auto_register(db, id, "", now); !r) {
                return r.error();
            }
            if (with_password) {
                db::ChargerPatch p;
                p.accept_any_password = true;
                if (auto r = db::patch_charger(db, id, p); !r) {
                    return r.error();
                }
            }
            return true;
        },
        [this, id](ocpp::Result<bool> r) {
            if (!r) {
                log_.error("store", "auto-registering \"" + id + "\" failed: " + r.error().message);
            }
        });
    log_.info("handshake", "auto-registered \"" + id + "\" as planned");
}

void HandshakeGate::hash_ready(const std::string& id, const std::string& tag, std::string hash) {
    auto it = credentials_.find(id);
    if (it == credentials_.end() || !it->second.hash_pending ||
        !store::PasswordMemo::same(it->second.verified_tag, tag)) {
        return; // replaced meanwhile (e.g. through the API)
    }
    it->second.password_hash = hash;
    it->second.hash_pending = false;
    changed_[id] = ++generation_;
    db_.run<void>([id, hash = std::move(hash)](store::Connection& db) { return db::capture_password(db, id, hash); },
                  [this, id](ocpp::Result<void> r) {
                      if (!r) {
                          log_.error("store", "storing the password of \"" + id + "\" failed: " + r.error().message);
                      }
                  });
}

bool HandshakeGate::start_check(const std::string& id, const std::string& tag, const std::string& presented) {
    std::weak_ptr<bool> alive = alive_;
    const KnownCredentials& c = credentials_.at(id);
    auto job = [this, &loop = loop_, alive, tag, presented, hash = c.password_hash, pending = c.pending_hashes]() {
        std::size_t matched = !hash.empty() && store::verify_password(presented, hash) ? 1 : 0;
        for (std::size_t i = 0; matched == 0 && i < pending.size(); ++i) {
            matched = store::verify_password(presented, pending[i]) ? 2 + i : 0;
        }
        loop.post([this, alive, tag, hash, pending, matched] {
            if (alive.lock()) {
                password_checked(tag, hash, pending, matched);
            }
        });
    };
    if (!hasher_.submit(std::move(job))) {
        return false;
    }
    metrics_.hashed("check");
    return true;
}

void HandshakeGate::password_checked(const std::string& tag, const std::string& hash,
                                     const std::vector<std::string>& pending, std::size_t matched) {
    auto node = checking_.extract(tag);
    if (node.empty()) {
        return;
    }
    if (!node.mapped().empty()) {
        checking_id_.erase(node.mapped().front().info.chargebox_id);
    }
    bool counted = false;
    for (auto& w : node.mapped()) {
        auto it = credentials_.find(w.info.chargebox_id);
        if (it == credentials_.end() || it->second.password_hash != hash || it->second.pending_hashes != pending ||
            it->second.hash_pending || it->second.accept_any_password) {
            on_handshake(w.info, std::move(w.answer)); // changed while the check ran: decide on what is there now
        } else if (matched > 1) {
            finish_rotation(w.info.chargebox_id, pending[matched - 2], tag);
            w.answer(accepted(w.info));
        } else if (matched == 1 || hash.empty()) {
            // The old password still passes while a rotation is pending (an interrupted one must not lock the
            // charger out); a charger without a password, which gets its first one, passes as before.
            if (matched == 1) {
                it->second.verified_tag = tag;
            }
            w.answer(accepted(w.info));
        } else {
            it->second.refused_tag = tag;
            if (!counted) {
                counted = true; // one check, one failure, however many waited for it
                check_failed(w.info);
            }
            GateDecision d;
            d.answer = HandshakeAnswerKind::Unauthorized;
            d.reason = "wrong_password";
            d.why = "wrong password";
            w.answer(refusal(w.info, d));
        }
    }
}

void HandshakeGate::check_failed(const ocpp::net::HandshakeInfo& info) {
    const std::string source = ocpp::source_of_endpoint(info.remote_address);
    const auto id_delay = id_failures_.failed(info.chargebox_id);
    const auto address_delay = address_failures_.failed(source);
    if (id_delay) {
        log_.warn("handshake", "password checks for \"" + info.chargebox_id + "\" held off for " +
                                   std::to_string(whole_seconds(*id_delay)) + " s after " +
                                   std::to_string(id_failures_.failures(info.chargebox_id)) + " failed ones");
    }
    if (address_delay) {
        log_.warn("handshake", "password checks from " + source + " held off for " +
                                   std::to_string(whole_seconds(*address_delay)) + " s after " +
                                   std::to_string(address_failures_.failures(source)) + " failed ones");
    }
}

} // namespace cs
