#pragma once
// SecurityJobs: bulk work over many chargers on the central system's loop — password rotation (a fresh
// AuthorizationKey per charger) and security profile upgrades (1 → 2: the root certificate and SecurityProfile=2,
// then the charger back over TLS; 2 → 3: a new charger certificate, SecurityProfile=3, then the charger back with
// it). A job runs a bounded number of chargers at once, retries offline ones, and records each charger's outcome
// (pending, sent, confirmed, rejected, offline, failed with a reason) in the store as it changes. What the chargers
// do at the handshake comes in from the gate (password_rotated, profile_raised). New passwords are hashed on the
// background pool, stored hashed, and never logged.
//
// In a cluster (jobs_cluster.cpp) the jobs live in the store and every node works the chargers connected to it: a
// node takes a charger's row of a running job (only while it is as read and fewer than the job's concurrency are
// worked by live nodes), works its steps here and records each one against its name; an offline charger's row is let
// go until its next try, and a row whose node died is taken up at the step it reached by the node the charger
// reconnects to (an AuthorizationKey already stored is never replaced by another: the charger is awaited with it).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "centralsystem/db/database.hpp"
#include "centralsystem/db/security/job_claims.hpp"
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
    // Runs a job already stored with `id` over `chargers` (each pending); in a cluster the nodes take it up from the
    // store (this one at once).
    void start(std::int64_t id, JobSpec spec, std::vector<std::string> chargers);
    // Makes this node one of a cluster's (before start_cluster): `node` is its id.
    void enable_cluster(std::string node) { node_ = std::move(node); }
    bool clustered() const { return !node_.empty(); }
    // Looks for work in the store every `every` (call on the loop, once).
    void start_cluster(std::chrono::milliseconds every = std::chrono::milliseconds(1000));
    void stop_cluster();
    // The running job the charger takes part in here (a second job for it is refused); 0 when none.
    std::int64_t job_of(const std::string& charger) const {
        auto it = owner_.find(charger);
        return it == owner_.end() ? 0 : it->second.first;
    }
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
        std::string step; // in a cluster: the step reached, as the store keeps it (job_claims.hpp)
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
        std::unordered_map<std::string, std::size_t> index; // in a cluster: charger -> its entry (entries come and go)
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
    // In a cluster: the store refused an entry's step because another node works its row now; it stops here.
    void lost_row(std::int64_t job, const std::string& id, std::uint64_t token);
    // Ends an entry's work here: done, its timer stopped, its slot in the job's concurrency given back.
    void stop_entry(Job& job, Entry& e);
    Entry* awaiting(const std::string& charger, Await what, Job** job, std::size_t* i);

    // In a cluster (jobs_cluster.cpp): a look at the store, what to take, the entries taken up.
    void cluster_tick();
    void cluster_plan(db::OpenWork work);
    void take_up(const db::JobWork& row);
    // Fails a row taken up for a charger worked here for another job (`other`), naming that job.
    void refuse_row(const db::JobWork& row, std::int64_t other);
    // Records an entry's step against this node's name; `release`: lets its row go (an offline charger).
    void record_shared(const Job& job, const Entry& e, const std::string& outcome, const std::string& reason,
                       bool release);
    void forget(Job& job, std::size_t i);   // an entry of this node's no longer worked here
    std::int64_t wall_ms() const;           // Unix milliseconds now (the store's next_at)
    void forget_job_later(std::int64_t id); // the job, once no entry is left here (a caller may still hold it)
    // The charger came back as a job asked (profile 0: with its new password) while no entry here awaited it: its
    // awaited rows are confirmed in the store, whichever node worked them (nothing on a single node).
    void confirm_shared(const std::string& charger, int profile);
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
    std::string node_;                       // this node's id in a cluster; "" on a single node
    std::unique_ptr<ocpp::Timer> ticker_;    // the cluster's look at the store
    bool ticking_ = false, stopped_ = false; // a look is under way; the node stops
    std::chrono::milliseconds every_{1000};
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
