#pragma once
// SecurityJobs: bulk work over many chargers on the central system's loop — password rotation (a fresh
// AuthorizationKey per charger) and security profile upgrades (1 → 2: the root certificate and SecurityProfile=2,
// then the charger back over TLS; 2 → 3: a new charger certificate, SecurityProfile=3, then the charger back with
// it). A job runs a bounded number of chargers at once, retries offline ones, and records each charger's outcome
// (pending, sent, confirmed, rejected, offline, failed with a reason) in the store as it changes. What the chargers
// do at the handshake comes in from the gate (password_rotated, profile_raised). New passwords are hashed on the
// background pool, stored hashed, and never logged.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "centralsystem/db/database.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/protocol/links.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace cs {

enum class JobKind { PasswordRotation, ProfileUpgrade };
// "passwordRotation", "profileUpgrade" (the API's and the store's words).
const char* to_string(JobKind kind);

struct JobSpec {
    JobKind kind = JobKind::PasswordRotation;
    int target_profile = 0;                    // ProfileUpgrade: 2 or 3
    int concurrency = 10;                      // chargers worked on at once
    int max_attempts = 3;                      // tries per charger while it is offline
    std::chrono::seconds retry_after{30};      // between tries of an offline charger
    std::chrono::seconds confirm_timeout{120}; // how long a charger may take to come back as asked
};

// What a job needs of the central system; all of it lives on the loop.
struct JobsDeps {
    ocpp::Executor& loop;
    Database& db;
    ChargerLinks& links;
    HandshakeGate& gate;
    const ocpp::Logger& log;
};

// A fresh AuthorizationKey (hex) and the passwords a charger may present for it (jobs_keys.cpp).
std::string new_authorization_key();
std::vector<std::string> passwords_for_key(const std::string& key);

class SecurityJobs {
public:
    explicit SecurityJobs(JobsDeps deps);
    ~SecurityJobs();
    SecurityJobs(const SecurityJobs&) = delete;
    SecurityJobs& operator=(const SecurityJobs&) = delete;

    // The root certificate (PEM) installed on chargers moving to profile 2; "" when there is none.
    void set_root_certificate(std::function<std::string()> source) { root_ = std::move(source); }
    std::string root_certificate() const { return root_ ? root_() : std::string(); }
    // The operator's CpoName, set on a charger (ChangeConfiguration CpoName) before it is asked for a CSR, so that
    // the CSR's organizationName is what the CA checks; empty: not set.
    void set_cpo_name(std::function<std::string()> source) { cpo_name_ = std::move(source); }
    // Runs a job already stored with `id` over `chargers` (each pending).
    void start(std::int64_t id, JobSpec spec, std::vector<std::string> chargers);
    // True when the charger takes part in a running job (a second job for it is refused).
    bool busy(const std::string& charger) const { return owner_.count(charger) > 0; }
    std::size_t running() const { return jobs_.size(); }

    // From the gate: the charger came with a new password of its rotation; it proved a higher profile.
    void password_rotated(const std::string& charger);
    void profile_raised(const std::string& charger, int profile);
    // From the certificate authority: the charger accepted a newly signed certificate (2 → 3 goes on).
    void certificate_installed(const std::string& charger);

private:
    enum class Await { Nothing, Password, Certificate, Profile };
    struct Entry {
        std::string id;
        int attempts = 0;
        bool active = false, done = false;
        Await await = Await::Nothing;
        std::uint64_t token = 0; // changes at every step: a late callback of an earlier one is ignored
        std::unique_ptr<ocpp::Timer> timer;
    };
    struct Job {
        std::int64_t id = 0;
        JobSpec spec;
        std::vector<Entry> entries;
        std::vector<std::size_t> queue; // entries to begin, front first
        std::size_t next = 0;           // queue position
        int in_flight = 0;
        std::size_t left = 0; // entries not done
        bool pumping = false; // inside pump(): a charger settled meanwhile does not pump again (no deep recursion)
    };
    using Ref = std::pair<std::int64_t, std::size_t>; // job id, entry index

    void pump(Job& job);
    void begin(Job& job, std::size_t i);
    // The charger is not connected: retried later, or offline for good after max_attempts.
    void offline(Job& job, std::size_t i);
    // Records a step that is not the end; settle() records the end and lets the next charger begin.
    void progress(Job& job, std::size_t i, const std::string& outcome, const std::string& reason);
    void settle(Job& job, std::size_t i, const std::string& outcome, const std::string& reason);
    void record(const Job& job, const Entry& e, const std::string& outcome, const std::string& reason);
    // Waits for the charger to come back as asked; after confirm_timeout the entry fails (timed_out()).
    void await(Job& job, std::size_t i, Await what, const std::string& reason);
    void timed_out(Job& job, std::size_t i);
    // Runs fn(job, i) later when the entry is still at this step; nothing when it moved on or the job went.
    std::function<void(std::function<void(Job&, std::size_t)>)> later(Job& job, std::size_t i);
    Job* find(std::int64_t job);
    Entry* awaiting(const std::string& charger, Await what, Job** job, std::size_t* i);

    // Password rotation (jobs_rotation.cpp).
    void rotate(Job& job, std::size_t i);
    void send_key(Job& job, std::size_t i, const std::string& key, std::vector<std::string> hashes);
    void key_answered(Job& job, std::size_t i, const ocpp::RawOutcome& out);
    // Ends a rotation that did not happen: the charger keeps its old password only.
    void drop_pending(const std::string& charger);
    // Profile upgrades (jobs_upgrade.cpp).
    void upgrade(Job& job, std::size_t i);
    void set_profile(Job& job, std::size_t i);
    void ask_certificate(Job& job, std::size_t i); // 2 -> 3: CpoName, then ExtendedTriggerMessage
    // Sends a call to the charger; then(outcome) runs when it is answered and the entry is still at this step.
    void call(Job& job, std::size_t i, const std::string& action, std::string payload,
              std::function<void(Job&, std::size_t, const ocpp::RawOutcome&)> then);

    JobsDeps deps_;
    std::function<std::string()> root_;
    std::function<std::string()> cpo_name_;
    std::map<std::int64_t, std::unique_ptr<Job>> jobs_;
    std::unordered_map<std::string, Ref> owner_; // charger -> its entry in a running job
    std::uint64_t tokens_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    // New passwords are hashed here, one thread at low priority (a job's concurrency bounds what is queued); last
    // member: joined first, and what it posts back checks alive_.
    ocpp::WorkerPool hasher_{1, 1024, 10};
};

// What went wrong with a call, in words ("no answer within 30 s", "CALLERROR NotSupported: ...").
std::string describe_failure(const std::string& action, const ocpp::RawOutcome& out);
// The same for a typed call's outcome.
template <class Conf> std::string describe_failure(const std::string& action, const ocpp::CallOutcome<Conf>& out) {
    ocpp::RawOutcome raw;
    raw.status = out.status;
    raw.error_code = out.error_code;
    raw.error_description = out.error_description;
    return describe_failure(action, raw);
}
// The "status" of a CALLRESULT payload, or "".
std::string answer_status(const ocpp::RawOutcome& out);

} // namespace cs
