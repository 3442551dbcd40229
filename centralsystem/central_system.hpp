#pragma once
// CentralSystem: wires the chargers' side of the central system on one event loop. The HandshakeGate decides each
// WebSocket upgrade from its credential cache (gate/), ChargerLinks holds the connected chargers (protocol/links),
// and each new connection gets a Peer with the OCPP handlers, which see only a HandlerContext (protocol/context).
// The database is reached only through the store worker. The REST API (api/) uses the few accessors below.
#include <memory>
#include <string>
#include <unordered_set>

#include "centralsystem/authlists/local_lists.hpp"
#include "centralsystem/central_config.hpp"
#include "centralsystem/cluster/forwarder.hpp"
#include "centralsystem/cluster/membership.hpp"
#include "centralsystem/db/database.hpp"
#include "centralsystem/db/records.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/metrics.hpp"
#include "centralsystem/notifier.hpp"
#include "centralsystem/operations/served_files.hpp"
#include "centralsystem/protocol/context.hpp"
#include "centralsystem/protocol/limits.hpp"
#include "centralsystem/protocol/links.hpp"
#include "centralsystem/reservations/reservations.hpp"
#include "centralsystem/security/certificate_service.hpp"
#include "centralsystem/security/jobs.hpp"
#include "centralsystem/sites/template_guard.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/util/worker_pool.hpp"
#include "store/worker.hpp"

namespace cs {

class FileStore;
namespace sites {
class LoadManager;
}

class CentralSystem {
public:
    CentralSystem(CentralConfig config, ocpp::Executor& loop, store::StoreWorker& worker,
                  const ocpp::validation::Registry& schemas, const ocpp::Logger& log);
    ~CentralSystem();
    CentralSystem(const CentralSystem&) = delete;
    CentralSystem& operator=(const CentralSystem&) = delete;

    // Sets the server's handshake hook, open and reject handlers to this object (call before listen()).
    void attach(ocpp::net::Server& server);
    // Decides an upgrade (the gate): answer runs at once, or on the loop after a password check off the loop.
    void on_handshake(const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer) {
        gate_.on_handshake(info, std::move(answer));
    }
    // Gives an accepted connection its Peer with every feature's handlers; it replaces the charger's older one.
    void on_open(ocpp::net::SessionPtr session);

    // The handshake gate's credential cache (call on the loop).
    void put_credentials(const std::string& id, Credentials c) { gate_.put_credentials(id, std::move(c)); }
    void forget_credentials(const std::string& id) { gate_.forget_credentials(id); }
    void start_credentials_refresh() { gate_.start_credentials_refresh(); }
    const Credentials* credentials(const std::string& id) const { return gate_.credentials(id); }
    bool password_pending(const std::string& id) const { return gate_.password_pending(id); }
    std::size_t known_chargers() const { return gate_.known(); }

    // The charger's current connection, or nullptr; how many chargers are connected.
    std::shared_ptr<ocpp::Peer> peer(const std::string& id) const { return links_.peer(id); }
    std::size_t connected() const { return links_.size(); }
    // Whether the charger is online anywhere: connected here, or (in a cluster) held by another live node.
    bool online(const std::string& id) const {
        return links_.peer(id) != nullptr || (cluster_ && cluster_->online_elsewhere(id));
    }

    // Joins a cluster of nodes on one shared database (cluster/); call before start_cluster(), once.
    void enable_cluster(cluster::ClusterConfig config);
    // Starts the lease (call on the loop); stop_cluster() ends it when the node stops.
    void start_cluster();
    void stop_cluster();
    // This node's part in the cluster, or nullptr on a single node.
    cluster::Membership* cluster() { return cluster_.get(); }
    // Passes requests for chargers other nodes hold to them, or nullptr (single node, or no shared secret).
    cluster::Forwarder* forwarder() { return forwarder_.get(); }

    // Runs work on the store worker and done(result) back on the loop (Database::run).
    template <class T>
    void store(std::function<ocpp::Result<T>(store::Connection&)> work, std::function<void(ocpp::Result<T>)> done) {
        db_.run<T>(std::move(work), std::move(done));
    }
    // Stores a notification stamped now (Notifier::notify); call on the loop.
    void notify(const std::string& id, std::string kind, std::string message) {
        notices_.notify(id, std::move(kind), std::move(message));
    }
    // The text /metrics answers with (call on the loop).
    std::string render_metrics(std::size_t connections) const;

    const CentralConfig& config() const { return config_; }
    ocpp::Executor& loop() { return loop_; }
    const ocpp::Logger& log() const { return log_; }
    const ocpp::validation::Registry& schemas() const { return schemas_; }
    store::StoreWorker& worker() { return db_.worker(); }
    // The certificate work (security/): the operator CA in use and CSR signing off the loop.
    security::CertificateService& certificates() { return certificates_; }
    // Starts the hourly check for charger certificates expiring within 30 days (call on the loop).
    void start_certificate_watch() {
        expiry_timer_ = loop_.make_timer();
        watch_certificate_expiry(context_, *expiry_timer_, std::chrono::hours(24 * 30), std::chrono::hours(1));
    }
    // CPU-heavy work away from the loop and the store worker (a CSV import's password hashing): one thread.
    ocpp::WorkerPool& background() { return background_; }
    // Wall time now, as stored and sent ("2026-01-31T12:00:00Z", seconds precision).
    std::string now_text() const { return cs::now_text(loop_.clock()); }
    // Bulk password rotations and security profile upgrades (security/jobs.hpp).
    SecurityJobs& security_jobs() { return jobs_; }
    // The files the central system keeps (uploaded logs); nullptr when it has none. Use it off the loop only.
    void set_files(std::unique_ptr<FileStore> files);
    FileStore* files() { return files_.get(); }
    // Load management: the sites' sharing of their limits (sites/load_manager.hpp).
    sites::LoadManager& load_manager() { return *load_; }
    // Charging-profile templates with applies on their way or being deleted (on the loop).
    sites::TemplateGuard& template_guard() { return template_guard_; }
    // Upload tokens whose upload is being stored now (on the loop): a second upload with the same token meanwhile is
    // refused. Holds only tokens found in the database, so a stranger cannot grow it.
    std::unordered_set<std::string>& uploads_in_flight() { return uploads_in_flight_; }
    // The roll-out firmware files held in memory while chargers download them (operations/served_files.hpp).
    operations::ServedFiles& served_files() { return served_files_; }
    // Reservations sent to chargers and their expiry (reservations/).
    Reservations& reservations() { return reservations_; }
    // The chargers' local authorization lists kept in sync with the id tags (authlists/).
    LocalLists& local_lists() { return local_lists_; }

private:
    CentralConfig config_;
    ocpp::Executor& loop_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    Database db_;
    Metrics metrics_;
    Notifier notices_;
    ChargerLinks links_;
    HandshakeGate gate_; // joins its hasher pool first when it goes
    security::CertificateService certificates_{loop_};
    HandlerContext context_;
    std::unique_ptr<ocpp::Timer> expiry_timer_;
    SecurityJobs jobs_;
    sites::TemplateGuard template_guard_;
    std::unique_ptr<sites::LoadManager> load_; // listens to links_'s observers, so it goes before links_
    std::unique_ptr<FileStore> files_;
    std::unordered_set<std::string> uploads_in_flight_;
    operations::ServedFiles served_files_;
    Reservations reservations_{loop_, db_, links_, gate_, log_};
    LocalLists local_lists_{loop_, db_, links_, gate_, log_};
    std::unique_ptr<cluster::Membership> cluster_; // listens to links_'s observers, so it goes before links_
    std::unique_ptr<cluster::Forwarder> forwarder_;
    ocpp::WorkerPool background_{1, 4}; // last: stopped first, while everything its jobs reach still exists
};

} // namespace cs
