// Deciding a charger's WebSocket upgrade: from the credential cache and the password memo at once, or, for a password
// not checked since this process started, after PBKDF2 on the hasher pool (the loop serves other chargers meanwhile,
// and the server holds the upgrade's answer until then). Guessing is bounded: at most one check runs per Chargebox ID,
// and after a few failed checks the ID and the source address back off (429 at once, no PBKDF2); a password the memo
// knows passes first, so a charger that got in once is never held up by guesses. Also hashing passwords taken at the
// handshake.
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "ocpp/log/log_text.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "store/password.hpp"

namespace cs {

using ocpp::net::HandshakeDecision;

namespace {

// Upgrades that may wait for one running check of the same password (a charger retrying); more are refused at once.
constexpr std::size_t kMaxWaitingPerCheck = 8;

int whole_seconds(ocpp::Clock::Duration d) {
    const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
    return static_cast<int>(std::max<decltype(s)>(1, s));
}

} // namespace

void CentralSystem::hash_later(std::string password, std::function<void(std::string)> done) {
    std::weak_ptr<bool> alive = alive_;
    auto job = [password = std::move(password), done, alive, &loop = loop_]() mutable {
        std::string hash = store::hash_password(password);
        loop.post([hash = std::move(hash), done = std::move(done), alive]() mutable {
            if (alive.lock()) {
                done(std::move(hash));
            }
        });
    };
    metrics_.hashed("store");
    if (!hasher_.submit(job)) {
        job(); // the pool is saturated: hash here rather than lose the password
    }
}

void CentralSystem::hash_ready(const std::string& id, const std::string& tag, std::string hash) {
    auto it = credentials_.find(id);
    if (it == credentials_.end() || !it->second.hash_pending ||
        !store::PasswordMemo::same(it->second.verified_tag, tag)) {
        return; // replaced meanwhile (e.g. through the API)
    }
    it->second.password_hash = hash;
    it->second.hash_pending = false;
    changed_[id] = ++generation_;
    store<bool>(
        [id, hash = std::move(hash)](store::Connection& db) -> ocpp::Result<bool> {
            if (auto r = db::capture_password(db, id, hash); !r) {
                return r.error();
            }
            return true;
        },
        [this, id](ocpp::Result<bool> r) {
            if (!r) {
                log_.error("store", "storing the password of \"" + id + "\" failed: " + r.error().message);
            }
        });
}

HandshakeDecision CentralSystem::refuse(const ocpp::net::HandshakeInfo& info, const char* key, const std::string& why) {
    metrics_.refused(key);
    // Never the password: only who, from where and why.
    log_.warn("handshake",
              "refused " + ocpp::log_quote(info.chargebox_id) + " from " + info.remote_address + ": " + why);
    return HandshakeDecision::refuse(401, why);
}

HandshakeDecision CentralSystem::throttle(const ocpp::net::HandshakeInfo& info, const char* key, const std::string& why,
                                          ocpp::Clock::Duration wait) {
    metrics_.refused(key);
    log_.debug("handshake", "refused \"" + info.chargebox_id + "\" from " + info.remote_address + ": " + why);
    return HandshakeDecision::refuse(429, why, whole_seconds(wait));
}

std::optional<HandshakeDecision> CentralSystem::backing_off(const ocpp::net::HandshakeInfo& info) {
    const auto by_id = id_failures_.blocked(info.chargebox_id);
    const std::string source = ocpp::source_of_endpoint(info.remote_address);
    const auto by_address = address_failures_.blocked(source);
    if (!by_id && !by_address) {
        return std::nullopt;
    }
    const bool id_longer = by_id && (!by_address || *by_id >= *by_address);
    const auto wait = id_longer ? *by_id : *by_address;
    const std::string what = id_longer ? "for this Chargebox ID" : "from " + source;
    return throttle(info, "throttled",
                    "too many failed password checks " + what + "; try again in " +
                        std::to_string(whole_seconds(wait)) + " s",
                    wait);
}

void CentralSystem::check_failed(const ocpp::net::HandshakeInfo& info) {
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

std::optional<HandshakeDecision> CentralSystem::decide_now(const ocpp::net::HandshakeInfo& info) {
    const std::string& id = info.chargebox_id;
    if (id.empty()) {
        return refuse(info, "no_chargebox_id", "no Chargebox ID in the URL path (expected /ocpp/<ID>)");
    }
    if (auto problem = ocpp::check_chargebox_id(id)) {
        // The REST API's rule: nothing is looked up or auto-registered for an ID it would refuse. The problem is
        // printable whatever the ID holds, so the log line shows it rather than the ID.
        metrics_.refused("invalid_chargebox_id");
        log_.warn("handshake", "refused a connection from " + info.remote_address +
                                   ": the Chargebox ID in the URL path: " + problem->message);
        return HandshakeDecision::refuse(400, "invalid Chargebox ID in the URL path: " + problem->message);
    }
    if (info.basic_user && *info.basic_user != id) {
        return refuse(info, "user_mismatch", "HTTP Basic user \"" + *info.basic_user + "\" is not the Chargebox ID");
    }
    const std::string presented = info.basic_password.value_or("");
    auto it = credentials_.find(id);
    if (it == credentials_.end()) {
        if (!config_.auto_register) {
            if (config_.credentials_refresh.count() > 0) {
                look_up_credentials(id); // perhaps created on another node since the last reload
            }
            return refuse(info, "unknown_chargebox_id", "unknown Chargebox ID");
        }
        // Registered at once with accept-any-password on; the presented password is hashed off the loop and then
        // captured. Until then only this very password passes (and a restart in between captures it again).
        put_credentials(id, Credentials{"", "planned", false});
        Known& c = credentials_[id];
        const bool with_password = !presented.empty();
        const std::string now = now_text();
        store<bool>(
            [id, now, with_password](store::Connection& db) -> ocpp::Result<bool> {
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
        if (with_password) {
            c.hash_pending = true;
            c.verified_tag = memo_.tag(id, presented);
            hash_later(presented,
                       [this, id, tag = c.verified_tag](std::string hash) { hash_ready(id, tag, std::move(hash)); });
        }
        log_.info("handshake", "auto-registered \"" + id + "\" as planned");
        return HandshakeDecision::accept();
    }
    Known& c = it->second;
    if (c.accept_any_password) {
        if (presented.empty()) {
            return refuse(info, "no_password", "accept-any-password is on, but no HTTP Basic password was presented");
        }
        c.accept_any_password = false;
        changed_[id] = ++generation_;
        c.hash_pending = true;
        c.refused_tag.clear();
        c.verified_tag = memo_.tag(id, presented);
        hash_later(presented,
                   [this, id, tag = c.verified_tag](std::string hash) { hash_ready(id, tag, std::move(hash)); });
        log_.info("handshake", "captured the password of \"" + id + "\"; accept-any-password is off again");
        notify(id, "passwordCaptured", "the password presented at connection was stored; accept-any-password is off");
        return HandshakeDecision::accept();
    }
    if (c.password_hash.empty() && !c.hash_pending) {
        return HandshakeDecision::accept();
    }
    if (!info.basic_password) {
        return refuse(info, "no_password", "no HTTP Basic credentials (this charger needs a password)");
    }
    // PBKDF2 only for a password not seen before: a reconnect (or a repeated wrong guess) costs one HMAC. A password
    // that passed before passes whatever else is going on, so guesses never lock the charger out.
    const std::string tag = memo_.tag(id, presented);
    if (store::PasswordMemo::same(c.verified_tag, tag)) {
        return HandshakeDecision::accept();
    }
    if (auto refusal = backing_off(info)) {
        return refusal;
    }
    if (c.hash_pending || store::PasswordMemo::same(c.refused_tag, tag)) {
        c.refused_tag = tag;
        return refuse(info, "wrong_password", "wrong password");
    }
    if (auto running = checking_id_.find(id); running != checking_id_.end()) {
        const auto waiting = checking_.find(running->second);
        const bool join = store::PasswordMemo::same(running->second, tag) && waiting != checking_.end() &&
                          waiting->second.size() < kMaxWaitingPerCheck;
        if (!join) {
            return throttle(info, "check_in_progress",
                            "a password check for this Chargebox ID is running; try again shortly",
                            std::chrono::seconds(1));
        }
    }
    return std::nullopt;
}

void CentralSystem::on_handshake(const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer) {
    if (auto decision = decide_now(info)) {
        answer(std::move(*decision));
        return;
    }
    const std::string& id = info.chargebox_id;
    const std::string presented = info.basic_password.value_or("");
    const std::string tag = memo_.tag(id, presented);
    auto& waiting = checking_[tag];
    waiting.push_back(Waiting{info, std::move(answer)});
    if (waiting.size() > 1) {
        return; // this very password is being checked already (the charger retried): one PBKDF2 answers both
    }
    checking_id_[id] = tag;
    std::weak_ptr<bool> alive = alive_;
    auto job = [this, &loop = loop_, alive, tag, presented, hash = credentials_.at(id).password_hash]() {
        const bool ok = store::verify_password(presented, hash);
        loop.post([this, alive, tag, hash, ok] {
            if (alive.lock()) {
                password_checked(tag, hash, ok);
            }
        });
    };
    if (hasher_.submit(std::move(job))) {
        metrics_.hashed("check");
    } else {
        checking_id_.erase(id);
        auto busy = std::move(checking_[tag]);
        checking_.erase(tag);
        for (auto& w : busy) {
            log_.warn("handshake",
                      ocpp::log_quote(w.info.chargebox_id) + " asked to wait: too many password checks queued");
            w.answer(HandshakeDecision::refuse(503, "too many password checks are waiting; try again shortly", 1));
        }
    }
}

void CentralSystem::password_checked(const std::string& tag, const std::string& hash, bool ok) {
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
        if (it == credentials_.end() || it->second.password_hash != hash || it->second.hash_pending ||
            it->second.accept_any_password) {
            on_handshake(w.info, std::move(w.answer)); // changed while the check ran: decide on what is there now
        } else if (ok) {
            it->second.verified_tag = tag;
            w.answer(HandshakeDecision::accept());
        } else {
            it->second.refused_tag = tag;
            if (!counted) {
                counted = true; // one check, one failure, however many waited for it
                check_failed(w.info);
            }
            w.answer(refuse(w.info, "wrong_password", "wrong password"));
        }
    }
}

} // namespace cs
