#include "centralsystem/central_system.hpp"

#include "centralsystem/files/file_store.hpp"
#include "centralsystem/sites/load_manager.hpp"

namespace cs {

CentralSystem::CentralSystem(CentralConfig config, ocpp::Executor& loop, store::StoreWorker& worker,
                             const ocpp::validation::Registry& schemas, const ocpp::Logger& log)
    : config_(config)
    , loop_(loop)
    , schemas_(schemas)
    , log_(log)
    , db_(worker, loop)
    , notices_(db_, loop.clock(), log)
    , links_(log,
             [this](const std::string& id, int code) {
                 if (cluster_ && cluster_->moved_away(id)) {
                     return; // the charger moved to another node of the cluster: not offline
                 }
                 notices_.notify(id, "offline", "the connection closed (" + std::to_string(code) + ")");
             })
    , gate_(config_, loop, db_, metrics_, notices_, log)
    , context_{config_,      loop,     log,
               db_,          metrics_, notices_,
               links_,       gate_,    std::make_shared<SampleBudget>(config_.max_samples_per_minute),
               certificates_}
    , jobs_(JobsDeps{loop, db_, links_, gate_, log})
    , load_(std::make_unique<sites::LoadManager>(loop, db_, links_, log)) {
    gate_.set_events(GateEvents{[this](const std::string& id) { jobs_.password_rotated(id); },
                                [this](const std::string& id, int profile) { jobs_.profile_raised(id, profile); }});
    certificates_.on_installed([this](const std::string& id) { jobs_.certificate_installed(id); });
}

CentralSystem::~CentralSystem() = default;

void CentralSystem::set_files(std::unique_ptr<FileStore> files) {
    files_ = std::move(files);
}

void CentralSystem::enable_cluster(cluster::ClusterConfig config) {
    if (!config.secret.empty()) {
        forwarder_ = std::make_unique<cluster::Forwarder>(config.secret, config.node_id, loop_);
    }
    const std::string node = config.node_id;
    jobs_.enable_cluster(config.node_id); // the security jobs live in the store: each node works its chargers
    reservations_.keep_sweeping();        // other nodes make reservations: their expiry is swept here too
    cluster_ = std::make_unique<cluster::Membership>(std::move(config), loop_, db_, links_, log_);
    // Until load management is coordinated across nodes, each node shares its part of a site's limit, keeps the
    // parts of nodes that are gone reserved while their chargers may draw under their limits, records its own, and
    // raises only within what the others' recorded parts leave.
    load_->set_cluster(0);
    cluster_->on_view([this](std::size_t live, const cluster::Membership::GoneParts& gone,
                             const cluster::Membership::Parts& others) { load_->set_cluster(live, gone, others); });
    load_->set_part_recorder([this, node](std::int64_t site, double part_a, std::function<void(bool)> done) {
        db_.run<bool>(
            [node, site, part_a](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::record_site_part(db, node, site, part_a); !r) {
                    return r.error();
                }
                return true;
            },
            [done = std::move(done)](ocpp::Result<bool> r) { done(r.ok()); });
    });
    load_->set_takeover_marker([this, node](const std::string& id) {
        db_.run<bool>(
            [node, id](store::Connection& db) -> ocpp::Result<bool> {
                if (auto r = db::mark_limited(db, id, node); !r) {
                    return r.error();
                }
                return true;
            },
            [this, id](ocpp::Result<bool> r) {
                if (!r) {
                    log_.error("sites", "recording that \"" + id +
                                            "\" is under this node's limits failed: " + r.error().message);
                }
            });
    });
}

void CentralSystem::start_cluster() {
    if (cluster_) {
        cluster_->start();
        jobs_.start_cluster();
        local_lists_.start_cluster(cluster_->config().node_id);
    }
}

void CentralSystem::stop_cluster() {
    if (cluster_) {
        jobs_.stop_cluster();
        local_lists_.stop_cluster();
        cluster_->stop();
    }
}

void CentralSystem::attach(ocpp::net::Server& server) {
    server.set_deferred_handshake_hook([this](const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer) {
        on_handshake(info, std::move(answer));
    });
    server.set_open_handler([this](ocpp::net::SessionPtr s) { on_open(std::move(s)); });
    server.set_reject_handler([this](const ocpp::net::RejectedHandshake& r) {
        // The gate's own refusals (401, 429) were counted with their reason when it made them.
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
    const store::StoreWorker& worker = db_.worker();
    Metrics::Gauges g;
    g.chargers_connected = links_.size();
    g.connections = connections;
    g.chargers_known = gate_.known();
    g.store_queue = worker.queue_depth();
    g.store_commits = worker.commits();
    g.store_commit_latency = &worker.commit_latency();
    g.hasher_queue = gate_.hasher_queue();
    return metrics_.render(g);
}

void CentralSystem::on_open(ocpp::net::SessionPtr session) {
    const std::string id = session->info().chargebox_id;
    ocpp::PeerConfig pc;
    pc.mode = config_.mode;
    pc.call_timeout = config_.call_timeout;
    pc.rate = config_.message_rate;
    auto peer = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
    peer->set_call_observer([this, id](const ocpp::CallRecord& r) {
        metrics_.call(r, schemas_.find(r.action, ocpp::validation::Direction::Request) != nullptr);
        if (r.incoming && r.action == "BootNotification" && r.result == "ok") {
            local_lists_.sync(id); // a charger that was offline gets what changed meanwhile
        }
    });
    add_handlers(context_, *peer, id);
    links_.add(id, std::move(peer));
}

} // namespace cs
