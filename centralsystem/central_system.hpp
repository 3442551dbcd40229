#pragma once
// CentralSystem: the chargers' connections on one event loop. It decides each WebSocket upgrade from an in-memory
// cache of credentials (the handshake never touches the disk), gives each connection a Peer with the OCPP handlers,
// replaces a charger's older connection by its newer one, and reaches the database only through the store worker.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "centralsystem/background.hpp"
#include "centralsystem/db/records.hpp"
#include "centralsystem/metrics.hpp"
#include "centralsystem/protocol/limits.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/util/failure_backoff.hpp"
#include "ocpp/util/worker_pool.hpp"
#include "ocpp/v16/types.hpp"
#include "store/password_memo.hpp"
#include "store/worker.hpp"

namespace cs {

// The back-off after failed password checks: from the threshold-th failure on, 1 s doubling up to 5 minutes.
inline ocpp::BackoffConfig password_backoff(int threshold) {
    ocpp::BackoffConfig b;
    b.threshold = threshold;
    return b;
}

struct CentralConfig {
    int heartbeat_interval = 300; // seconds, sent in BootNotification
    bool auto_register = false;   // unknown chargers are registered as planned instead of refused
    ocpp::validation::Mode mode = ocpp::validation::Mode::Strict;
    ocpp::Clock::Duration call_timeout = std::chrono::seconds(30);
    ocpp::MessageRateLimit message_rate; // per charger connection
    // How often the credential cache is reloaded from the database; 0: never (the cache is the only writer's).
    // Set when several nodes share one PostgreSQL database: each then sees the chargers, passwords and switches
    // the others change, and an unknown Chargebox ID is also looked up (refused now, accepted at its next try).
    ocpp::Clock::Duration credentials_refresh{0};
    // Meter samples stored per transaction per minute (MeterValues and a stop's transactionData); 0: no limit.
    int max_samples_per_minute = 600;
    // Back-off after failed password checks at the handshake (handshake.cpp): per Chargebox ID, and per source
    // address (a higher threshold there: many chargers may share one address behind NAT).
    ocpp::BackoffConfig id_backoff = password_backoff(3);
    ocpp::BackoffConfig address_backoff = password_backoff(10);
};

// What the handshake needs to know about a charger; kept in step with the store by whoever changes it.
struct Credentials {
    std::string password_hash; // "" = no HTTP Basic auth
    std::string status = "planned";
    bool accept_any_password = false;
};

class CentralSystem {
public:
    CentralSystem(CentralConfig config, ocpp::Executor& loop, store::StoreWorker& worker,
                  const ocpp::validation::Registry& schemas, const ocpp::Logger& log);
    ~CentralSystem();
    CentralSystem(const CentralSystem&) = delete;
    CentralSystem& operator=(const CentralSystem&) = delete;

    // Sets the server's handshake hook, open and reject handlers to this object (call before listen()).
    void attach(ocpp::net::Server& server);
    // Decides an upgrade (handshake.cpp): answer runs at once, or on the loop after a password check off the loop.
    void on_handshake(const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer);
    void on_open(ocpp::net::SessionPtr session);

    // The credential cache; call on the loop. The memo tags survive only if the password hash is unchanged.
    void put_credentials(const std::string& id, Credentials c);
    // Starts reloading the cache every config().credentials_refresh (credentials.cpp); call on the loop.
    void start_credentials_refresh();
    const Credentials* credentials(const std::string& id) const;
    // True while a password taken at the handshake (accept-any-password, --auto-register) is being hashed.
    bool password_pending(const std::string& id) const;
    std::size_t known_chargers() const { return credentials_.size(); }

    // The charger's current connection, or nullptr.
    std::shared_ptr<ocpp::Peer> peer(const std::string& id) const;
    // A line about something one charger caused, within its connection's log budget (kind: a plural noun for the
    // summary, "unknown transactions"); call on the loop.
    void log_charger(const std::string& id, ocpp::LogLevel level, std::string_view kind, std::string_view message);
    std::size_t connected() const { return peers_.size(); }

    // Runs work on the store worker and done(result) back on the loop; a full queue is an error result at once.
    template <class T>
    void store(std::function<ocpp::Result<T>(store::Connection&)> work, std::function<void(ocpp::Result<T>)> done) {
        if (!worker_.submit<T>(std::move(work), loop_, done)) {
            loop_.post([done] { done(ocpp::make_error("the store queue is full; try again")); });
        }
    }

    // Stores a notification (offline, faulted, claimRedeemed, passwordCaptured) stamped now, through the store
    // worker (GET /api/v1/notifications reads them back); call on the loop.
    void notify(const std::string& id, std::string kind, std::string message);
    // The same, at most once a minute per subject (a charger repeating itself does not flood the list); true when
    // it was stored.
    bool notify_once(const std::string& subject, const std::string& id, std::string kind, std::string message);
    // The stored-sample budget; use it only inside store jobs (the store worker's thread), see limits.hpp.
    const std::shared_ptr<SampleBudget>& sample_budget() { return sample_budget_; }

    // Counters for /metrics (call on the loop), and the text /metrics answers with.
    Metrics& metrics() { return metrics_; }
    std::string render_metrics(std::size_t connections) const;

    const CentralConfig& config() const { return config_; }
    ocpp::Executor& loop() { return loop_; }
    const ocpp::Logger& log() const { return log_; }
    const ocpp::validation::Registry& schemas() const { return schemas_; }
    store::StoreWorker& worker() { return worker_; }
    // CPU-heavy work away from the loop and the store worker (bulk password hashing).
    Background& background() { return background_; }
    // Wall time now, as stored and sent ("2026-01-31T12:00:00Z", seconds precision).
    std::string now_text() const;

private:
    // A cache entry: the credentials, plus memo tags (store::PasswordMemo) of the last password that passed and the
    // last one that failed PBKDF2, dropped whenever the hash changes.
    struct Known : Credentials {
        std::string verified_tag, refused_tag;
        bool hash_pending = false; // only verified_tag passes until the hash is there
    };
    // The entry for c, keeping the memo tags of the current one when the password hash is the same.
    Known remembered(const std::string& id, Credentials c) const;
    // Hashes a newly taken password on the hasher pool, then runs done(hash) on the loop (if this still exists).
    void hash_later(std::string password, std::function<void(std::string)> done);
    // Stores a hash that hash_later() produced, if the charger's credentials still wait for that password.
    void hash_ready(const std::string& id, const std::string& tag, std::string hash);
    ocpp::net::HandshakeDecision refuse(const ocpp::net::HandshakeInfo& info, const char* key, const std::string& why);
    // A refusal without a password check (429 with Retry-After): the ID or the address is backing off, or another
    // check of this ID is running.
    ocpp::net::HandshakeDecision throttle(const ocpp::net::HandshakeInfo& info, const char* key, const std::string& why,
                                          ocpp::Clock::Duration wait);
    // The refusal while the ID or the source address backs off after failed checks; nullopt when neither does.
    std::optional<ocpp::net::HandshakeDecision> backing_off(const ocpp::net::HandshakeInfo& info);
    // Counts a failed check against the ID and the source address.
    void check_failed(const ocpp::net::HandshakeInfo& info);
    // The decision when the cache and the memo suffice; nullopt when the password needs PBKDF2.
    std::optional<ocpp::net::HandshakeDecision> decide_now(const ocpp::net::HandshakeInfo& info);
    // A PBKDF2 check of a presented password (memo tag) against hash finished: answers everyone waiting for it.
    void password_checked(const std::string& tag, const std::string& hash, bool ok);
    struct Waiting {
        ocpp::net::HandshakeInfo info;
        ocpp::net::HandshakeAnswer answer;
    };

    CentralConfig config_;
    ocpp::Executor& loop_;
    store::StoreWorker& worker_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    std::unordered_map<std::string, Known> credentials_;
    std::unordered_map<std::string, std::shared_ptr<ocpp::Peer>> peers_;
    std::unordered_map<std::string, std::vector<Waiting>> checking_; // memo tag -> upgrades waiting for its PBKDF2
    std::unordered_map<std::string, std::string> checking_id_;       // Chargebox ID -> the tag of its check running
    ocpp::FailureBackoff id_failures_, address_failures_;            // failed checks by Chargebox ID, by source
    // Keeping the cache in step with a shared database (credentials.cpp).
    void refresh_credentials();
    void look_up_credentials(const std::string& id);
    std::unique_ptr<ocpp::Timer> refresh_timer_;
    std::uint64_t generation_ = 0;                                      // counts local changes to the cache
    std::unordered_map<std::string, std::uint64_t> changed_;            // id -> generation of its last local change
    std::unordered_map<std::string, ocpp::Clock::TimePoint> looked_up_; // recent cache-miss lookups
    int lookups_in_flight_ = 0;
    Metrics metrics_;
    NoticeThrottle notices_;
    std::shared_ptr<SampleBudget> sample_budget_;
    store::PasswordMemo memo_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // hash_later() answers only while this lives
    // Password hashing and checking, one thread per core; joined before the members above go.
    ocpp::WorkerPool hasher_{std::max(1u, std::thread::hardware_concurrency()), 20000, 10};
    Background background_; // last: stopped first, while everything its jobs reach still exists
};

// Each adds the handlers of one feature to a charger's Peer (one file each).
void add_boot_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id);
void add_status_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id);
void add_authorize_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id);
void add_transaction_handlers(CentralSystem& cs, ocpp::Peer& peer, const std::string& id);
// The idTagInfo of an Authorize or StartTransaction answer for a registry entry (nullopt: unknown tag).
ocpp::v16::IdTagInfo id_tag_info(const std::optional<IdTag>& tag, const std::string& now);

} // namespace cs
