#include "centralsystem/central_system.hpp"

#include "centralsystem/store.hpp"
#include "store/password.hpp"

namespace cs {

using ocpp::net::HandshakeDecision;

CentralSystem::CentralSystem(CentralConfig config, ocpp::Executor& loop, store::StoreWorker& worker,
                             const ocpp::validation::Registry& schemas, const ocpp::Logger& log)
    : config_(config)
    , loop_(loop)
    , worker_(worker)
    , schemas_(schemas)
    , log_(log) {}

CentralSystem::~CentralSystem() {
    for (auto& [id, peer] : peers_) {
        peer->set_close_handler({});
    }
}

void CentralSystem::attach(ocpp::net::Server& server) {
    server.set_handshake_hook([this](const ocpp::net::HandshakeInfo& info) { return on_handshake(info); });
    server.set_open_handler([this](ocpp::net::SessionPtr s) { on_open(std::move(s)); });
    server.set_reject_handler([this](const ocpp::net::RejectedHandshake& r) {
        // Our own refusals (401) were counted with their reason in on_handshake().
        if (r.status == 401) {
            return;
        }
        metrics_.refused(r.status == 0     ? "connection_failed"
                         : r.status == 400 ? "bad_request_or_subprotocol"
                         : r.status == 503 ? "unavailable"
                                           : "http_" + std::to_string(r.status));
    });
}

std::string CentralSystem::render_metrics(std::size_t connections) const {
    Metrics::Gauges g;
    g.chargers_connected = peers_.size();
    g.connections = connections;
    g.chargers_known = credentials_.size();
    g.store_queue = worker_.queue_depth();
    g.store_commits = worker_.commits();
    g.store_commit_latency = &worker_.commit_latency();
    g.hasher_queue = hasher_.queue_depth();
    return metrics_.render(g);
}

const Credentials* CentralSystem::credentials(const std::string& id) const {
    auto it = credentials_.find(id);
    return it == credentials_.end() ? nullptr : &it->second;
}

void CentralSystem::notify(const std::string& id, std::string kind, std::string message) {
    Notification n{now_text(), id, std::move(kind), std::move(message), 0, std::nullopt};
    store<void>([n](store::Connection& db) { return db::add_notification(db, n); },
                [this, id](ocpp::Result<void> r) {
                    if (!r) {
                        log_.warn("notifications", "not stored for \"" + id + "\": " + r.error().message);
                    }
                });
}

std::string CentralSystem::now_text() const {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(loop_.clock().wall_now());
    return ocpp::format_datetime(ocpp::DateTime{now});
}

CentralSystem::Known CentralSystem::remembered(const std::string& id, Credentials c) const {
    Known k;
    auto it = credentials_.find(id);
    if (it != credentials_.end() && it->second.password_hash == c.password_hash && !c.accept_any_password &&
        !it->second.hash_pending) {
        k.verified_tag = it->second.verified_tag;
        k.refused_tag = it->second.refused_tag;
    }
    static_cast<Credentials&>(k) = std::move(c);
    return k;
}

void CentralSystem::put_credentials(const std::string& id, Credentials c) {
    credentials_[id] = remembered(id, std::move(c));
    changed_[id] = ++generation_;
}

bool CentralSystem::password_pending(const std::string& id) const {
    auto it = credentials_.find(id);
    return it != credentials_.end() && it->second.hash_pending;
}

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
    log_.warn("handshake", "refused \"" + info.chargebox_id + "\" from " + info.remote_address + ": " + why);
    return HandshakeDecision::refuse(401, why);
}

HandshakeDecision CentralSystem::on_handshake(const ocpp::net::HandshakeInfo& info) {
    const std::string& id = info.chargebox_id;
    if (id.empty()) {
        return refuse(info, "no_chargebox_id", "no Chargebox ID in the URL path (expected /ocpp/<ID>)");
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
    // PBKDF2 only for a password not seen before: a reconnect (or a repeated wrong guess) costs one HMAC.
    const std::string tag = memo_.tag(id, presented);
    if (store::PasswordMemo::same(c.verified_tag, tag)) {
        return HandshakeDecision::accept();
    }
    if (c.hash_pending || store::PasswordMemo::same(c.refused_tag, tag) ||
        !store::verify_password(presented, c.password_hash)) {
        c.refused_tag = tag;
        return refuse(info, "wrong_password", "wrong password");
    }
    c.verified_tag = tag;
    return HandshakeDecision::accept();
}

void CentralSystem::on_open(ocpp::net::SessionPtr session) {
    const std::string id = session->info().chargebox_id;
    ocpp::PeerConfig pc;
    pc.mode = config_.mode;
    pc.call_timeout = config_.call_timeout;
    auto peer = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
    peer->set_call_observer([this](const ocpp::CallRecord& r) {
        metrics_.call(r, schemas_.find(r.action, ocpp::validation::Direction::Request) != nullptr);
    });
    add_boot_handlers(*this, *peer, id);
    add_status_handlers(*this, *peer, id);
    add_authorize_handlers(*this, *peer, id);
    add_transaction_handlers(*this, *peer, id);
    std::weak_ptr<ocpp::Peer> weak = peer;
    peer->set_close_handler([this, id, weak](const ocpp::net::CloseInfo& info) {
        auto it = peers_.find(id);
        if (it != peers_.end() && it->second == weak.lock()) {
            peers_.erase(it);
            log_.info("connection", "\"" + id + "\" disconnected (" + std::to_string(info.code) + ")");
            notify(id, "offline", "the connection closed (" + std::to_string(info.code) + ")");
        }
    });
    auto& slot = peers_[id];
    if (slot) {
        log_.info("connection", "\"" + id + "\" connected again: the older connection is closed");
        auto old = std::move(slot);
        old->set_close_handler({});
        old->close(1000, "replaced by a newer connection");
    } else {
        log_.info("connection", "\"" + id + "\" connected");
    }
    slot = std::move(peer);
}

std::shared_ptr<ocpp::Peer> CentralSystem::peer(const std::string& id) const {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second;
}

} // namespace cs
