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

HandshakeDecision CentralSystem::on_handshake(const ocpp::net::HandshakeInfo& info) {
    const std::string& id = info.chargebox_id;
    auto refuse = [&](const std::string& why) {
        // Never the password: only who, from where and why.
        log_.warn("handshake", "refused \"" + id + "\" from " + info.remote_address + ": " + why);
        return HandshakeDecision::refuse(401, why);
    };
    if (id.empty()) {
        return refuse("no Chargebox ID in the URL path (expected /ocpp/<ID>)");
    }
    if (info.basic_user && *info.basic_user != id) {
        return refuse("HTTP Basic user \"" + *info.basic_user + "\" is not the Chargebox ID");
    }
    const std::string presented = info.basic_password.value_or("");
    auto it = credentials_.find(id);
    if (it == credentials_.end()) {
        if (!config_.auto_register) {
            if (config_.credentials_refresh.count() > 0) {
                look_up_credentials(id); // perhaps created on another node since the last reload
            }
            return refuse("unknown Chargebox ID");
        }
        const std::string hash = presented.empty() ? std::string() : store::hash_password(presented);
        put_credentials(id, Credentials{hash, "planned", false});
        const std::string now = now_text();
        store<bool>(
            [id, hash, now](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::auto_register(db, id, hash, now); !r) {
                    return r.error();
                }
                return true;
            },
            [this, id](ocpp::Result<bool> r) {
                if (!r) {
                    log_.error("store", "auto-registering \"" + id + "\" failed: " + r.error().message);
                }
            });
        log_.info("handshake", "auto-registered \"" + id + "\" as planned");
        return HandshakeDecision::accept();
    }
    Credentials& c = it->second;
    if (c.accept_any_password) {
        if (presented.empty()) {
            return refuse("accept-any-password is on, but no HTTP Basic password was presented");
        }
        c.password_hash = store::hash_password(presented);
        c.accept_any_password = false;
        changed_[id] = ++generation_;
        store<bool>(
            [id, hash = c.password_hash](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::capture_password(db, id, hash); !r) {
                    return r.error();
                }
                return true;
            },
            [this, id](ocpp::Result<bool> r) {
                if (!r) {
                    log_.error("store", "storing the captured password of \"" + id + "\" failed: " + r.error().message);
                }
            });
        log_.info("handshake", "captured the password of \"" + id + "\"; accept-any-password is off again");
        notify(id, "passwordCaptured", "the password presented at connection was stored; accept-any-password is off");
        return HandshakeDecision::accept();
    }
    if (c.password_hash.empty()) {
        return HandshakeDecision::accept();
    }
    if (!info.basic_password) {
        return refuse("no HTTP Basic credentials (this charger needs a password)");
    }
    if (!store::verify_password(presented, c.password_hash)) {
        return refuse("wrong password");
    }
    return HandshakeDecision::accept();
}

void CentralSystem::on_open(ocpp::net::SessionPtr session) {
    const std::string id = session->info().chargebox_id;
    ocpp::PeerConfig pc;
    pc.mode = config_.mode;
    pc.call_timeout = config_.call_timeout;
    auto peer = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
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
