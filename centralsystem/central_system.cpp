#include "centralsystem/central_system.hpp"

#include "centralsystem/db/queries.hpp"
#include "store/password.hpp"

namespace cs {

using ocpp::net::HandshakeDecision;

CentralSystem::CentralSystem(CentralConfig config, ocpp::Executor& loop, store::StoreWorker& worker,
                             const ocpp::validation::Registry& schemas, const ocpp::Logger& log)
    : config_(config)
    , loop_(loop)
    , worker_(worker)
    , schemas_(schemas)
    , log_(log)
    , id_failures_(loop.clock(), config_.id_backoff)
    , address_failures_(loop.clock(), config_.address_backoff)
    , sample_budget_(std::make_shared<SampleBudget>(config_.max_samples_per_minute)) {}

CentralSystem::~CentralSystem() {
    for (auto& [id, peer] : peers_) {
        peer->set_close_handler({});
    }
}

void CentralSystem::attach(ocpp::net::Server& server) {
    server.set_deferred_handshake_hook([this](const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer) {
        on_handshake(info, std::move(answer));
    });
    server.set_open_handler([this](ocpp::net::SessionPtr s) { on_open(std::move(s)); });
    server.set_reject_handler([this](const ocpp::net::RejectedHandshake& r) {
        // Our own refusals (401, 429) were counted with their reason in on_handshake() (handshake.cpp).
        if (r.status == 401 || r.status == 429) {
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

bool CentralSystem::notify_once(const std::string& subject, const std::string& id, std::string kind,
                                std::string message) {
    if (!notices_.allow(subject, loop_.clock().now())) {
        return false;
    }
    notify(id, std::move(kind), std::move(message));
    return true;
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

void CentralSystem::on_open(ocpp::net::SessionPtr session) {
    const std::string id = session->info().chargebox_id;
    ocpp::PeerConfig pc;
    pc.mode = config_.mode;
    pc.call_timeout = config_.call_timeout;
    pc.rate = config_.message_rate;
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

void CentralSystem::log_charger(const std::string& id, ocpp::LogLevel level, std::string_view kind,
                                std::string_view message) {
    if (auto it = peers_.find(id); it != peers_.end()) {
        it->second->warnings().log(level, kind, message);
    } else {
        log_.log(level, "peer " + id, message);
    }
}

} // namespace cs
