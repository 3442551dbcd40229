#pragma once
// HandshakeGate: who may open a charger connection. It owns the credential cache (the handshake never touches the
// disk), the password memo, the hasher pool and the back-off after failed checks. Each upgrade is decided by the pure
// decide_handshake() (decision.hpp); the gate carries out the effects that decision names (register the charger,
// start a hash, notify, answer). Runs on the central system's loop; PBKDF2 runs on the hasher pool's threads only,
// and a full pool answers 503 with Retry-After instead of hashing on the loop.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "centralsystem/central_config.hpp"
#include "centralsystem/db/database.hpp"
#include "centralsystem/gate/credentials.hpp"
#include "centralsystem/gate/decision.hpp"
#include "centralsystem/metrics.hpp"
#include "centralsystem/notifier.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/failure_backoff.hpp"
#include "ocpp/util/worker_pool.hpp"
#include "store/password_memo.hpp"

namespace cs {

// What the gate tells the security jobs (security/jobs.hpp) about chargers getting in; called on the loop.
struct GateEvents {
    std::function<void(const std::string& id)> password_rotated;            // came with a new password of a rotation
    std::function<void(const std::string& id, int profile)> profile_raised; // proved a higher security profile
};

class HandshakeGate {
public:
    HandshakeGate(const CentralConfig& config, ocpp::Executor& loop, Database& db, Metrics& metrics, Notifier& notices,
                  const ocpp::Logger& log);
    ~HandshakeGate();
    HandshakeGate(const HandshakeGate&) = delete;
    HandshakeGate& operator=(const HandshakeGate&) = delete;

    // Decides an upgrade: answer runs at once, or on the loop after a password check on the hasher pool.
    void on_handshake(const ocpp::net::HandshakeInfo& info, ocpp::net::HandshakeAnswer answer);

    // The credential cache; call on the loop. The memo tags survive only if the password hash is unchanged.
    void put_credentials(const std::string& id, Credentials c);
    const Credentials* credentials(const std::string& id) const;
    // The charger was deleted: its ID is unknown from now on.
    void forget_credentials(const std::string& id);
    // True while a password taken at the handshake (accept-any-password, --auto-register) is being hashed.
    bool password_pending(const std::string& id) const;
    std::size_t known() const { return credentials_.size(); }
    // Starts reloading the cache every config.credentials_refresh (credentials.cpp); call on the loop.
    void start_credentials_refresh();
    std::size_t hasher_queue() const { return hasher_.queue_depth(); }
    void set_events(GateEvents events) { events_ = std::move(events); }
    // A password rotation: from now on the old password and these new hashes pass (security.cpp); the caller
    // stores them. An empty list ends the rotation, keeping the old password.
    void set_pending_passwords(const std::string& id, std::vector<std::string> hashes);

private:
    struct Waiting {
        ocpp::net::HandshakeInfo info;
        ocpp::net::HandshakeAnswer answer;
    };
    // What decide_handshake() needs to know about this upgrade.
    GateInput input_for(const ocpp::net::HandshakeInfo& info, const std::string& tag) const;
    // Carries out a decision's effects and answers (CheckPassword: starts the check).
    void carry_out(const ocpp::net::HandshakeInfo& info, const std::string& tag, const GateDecision& d,
                   ocpp::net::HandshakeAnswer answer);
    ocpp::net::HandshakeDecision refusal(const ocpp::net::HandshakeInfo& info, const GateDecision& d);
    // The effects of taking a password at the handshake; false when the hasher pool is full (nothing done).
    bool capture(const ocpp::net::HandshakeInfo& info, const std::string& tag, const GateDecision& d);
    void register_charger(const std::string& id, bool with_password);
    // Stores a hash that capture() started, if the charger's credentials still wait for that password.
    void hash_ready(const std::string& id, const std::string& tag, std::string hash);
    // Queues PBKDF2 of the presented password for everyone waiting on tag; false when the pool is full.
    bool start_check(const std::string& id, const std::string& tag, const std::string& presented);
    // A PBKDF2 check of a presented password (memo tag) against hash and the pending ones of a rotation finished:
    // matched is 0 for none, 1 for hash, 1 + i for pending[i]. Answers everyone waiting for it.
    void password_checked(const std::string& tag, const std::string& hash, const std::vector<std::string>& pending,
                          std::size_t matched);
    // Accepts: raises the charger's recorded security profile to what this connection proves (security.cpp).
    ocpp::net::HandshakeDecision accepted(const ocpp::net::HandshakeInfo& info);
    // Makes pending hash `hash` the charger's password: its rotation is done, the old password retired.
    void finish_rotation(const std::string& id, const std::string& hash, const std::string& tag);
    // Logs and notifies a refused downgrade.
    void downgrade_refused(const ocpp::net::HandshakeInfo& info, const GateDecision& d);
    // Counts a failed check against the ID and the source address.
    void check_failed(const ocpp::net::HandshakeInfo& info);
    ocpp::net::HandshakeDecision busy(const ocpp::net::HandshakeInfo& info, const std::string& why);
    // The entry for c, keeping the memo tags of the current one when the password hash is the same.
    KnownCredentials remembered(const std::string& id, Credentials c) const;
    // Keeping the cache in step with a shared database (credentials.cpp).
    void refresh_credentials();
    void look_up_credentials(const std::string& id);

    const CentralConfig& config_;
    ocpp::Executor& loop_;
    Database& db_;
    Metrics& metrics_;
    Notifier& notices_;
    const ocpp::Logger& log_;
    std::unordered_map<std::string, KnownCredentials> credentials_;
    std::unordered_map<std::string, std::vector<Waiting>> checking_; // memo tag -> upgrades waiting for its PBKDF2
    std::unordered_map<std::string, std::string> checking_id_;       // Chargebox ID -> the tag of its check running
    ocpp::FailureBackoff id_failures_, address_failures_;            // failed checks by Chargebox ID, by source
    GateEvents events_;
    std::unique_ptr<ocpp::Timer> refresh_timer_;
    std::uint64_t generation_ = 0;                                      // counts local changes to the cache
    std::unordered_map<std::string, std::uint64_t> changed_;            // id -> generation of its last local change
    std::unordered_map<std::string, ocpp::Clock::TimePoint> looked_up_; // recent cache-miss lookups
    int lookups_in_flight_ = 0;
    store::PasswordMemo memo_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // hasher results are taken only while this lives
    // Password hashing and checking; joined before the members above go.
    ocpp::WorkerPool hasher_;
};

} // namespace cs
