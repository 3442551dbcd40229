#pragma once
// LoadManager: load management on the central system's loop. It keeps each site's running sessions (from the
// ChargerObservers), shares the site's limit among them (allocation.hpp) and sends each session whose limit changed a
// TxProfile: lowerings first, raises only when the limits the chargers confirmed leave room, so that the sum of the
// limits in force never exceeds the site's limit. A large site keeps some room free (start_headroom) so that a new
// session's limit goes out in the same pass as the others' lowerings, and a session lowered again before its last
// limit was answered gets the next one queued behind it (kPipelined). Each charger of a site gets the fail-safe
// TxDefaultProfile when it boots. A refused or unanswered profile is retried with backoff and shown per session and
// charger. The sending side is in load_manager_send.cpp.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "centralsystem/db/database.hpp"
#include "centralsystem/db/sites/profile_templates.hpp"
#include "centralsystem/db/sites/sites.hpp"
#include "centralsystem/protocol/links.hpp"
#include "centralsystem/sites/allocation.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/util/executor.hpp"

namespace cs::sites {

// The TxProfile and TxDefaultProfile ids load management installs (other ids are the operator's).
inline constexpr int kTxProfileId = 160001;
inline constexpr int kFailsafeProfileId = 160000;
// Each connector's session gets its own TxProfile id: a charger replaces a profile of the same id on every
// connector, so one shared id would let a second session's limit remove the first's (connector 1: kTxProfileId).
constexpr int tx_profile_id(int connector) {
    return kTxProfileId - 1 + (connector < 1 ? 1 : connector > 9999 ? 9999 : connector); // no overflow
}
// A charging-profile template's chargingProfileId is this plus the template's id (below load management's ids).
inline constexpr std::int64_t kTemplateProfileIdBase = 100000;
static_assert(kTemplateProfileIdBase + db::kMaxProfileTemplateId < kFailsafeProfileId,
              "template profile ids must stay below load management's");
// At most this many sessions of one charger are shared at once (one per registered connector in any case).
inline constexpr std::size_t kMaxSessionsPerCharger = 16;
// At most this many limits of one session on their way at once (queued on the charger's connection behind the one
// in flight): a session lowered again before its last lowering was answered need not wait for that answer.
inline constexpr std::size_t kPipelined = 4;

class LoadManager {
public:
    LoadManager(ocpp::Executor& loop, Database& db, ChargerLinks& links, const ocpp::Logger& log);
    ~LoadManager();
    LoadManager(const LoadManager&) = delete;
    LoadManager& operator=(const LoadManager&) = delete;

    // Loads the sites and their chargers' maximums from the store (call on the loop, after the migrations).
    void start();
    // The API stored a site (new or changed, chargers included) or deleted one: the sharing follows.
    void site_saved(const db::SiteRow& site);
    void site_deleted(std::int64_t id);
    // In a cluster: how many nodes are live now (0: not known yet), and for each site what the chargers that nodes no
    // longer live steered may still draw (their recorded parts while such a charger is not taken over). Each node
    // then shares only its part of every site's limit (node_budget), so that nodes that each see only their own
    // sessions never exceed it together, not even while a dead node's chargers keep its last limits. `others_a`: per
    // site what the other live nodes recorded (their parts, or more while their lowerings are on their way); a raise
    // stays within what those and the gone nodes' parts leave of the limit, so a node that joins (or comes back)
    // raises only as the others come down.
    void set_cluster(std::size_t live_nodes, std::map<std::int64_t, double> gone_a = {},
                     std::map<std::int64_t, double> others_a = {});
    // Records in the store the most this node's chargers on a site may draw (at least its part); `done(true)` once
    // stored. A raise above the last recorded part waits for it, so the other nodes never reserve too little for
    // this node's chargers if it dies. Without a recorder a part counts as recorded at once.
    using PartRecorder = std::function<void(std::int64_t site, double part_a, std::function<void(bool)> done)>;
    void set_part_recorder(PartRecorder recorder) { record_part_ = std::move(recorder); }
    // Records in the store that a charger that connected here is under this node's limits now: every running session
    // of it accepted a limit of this node (or it had none). Until then the node that steered it before keeps its
    // part reserved on the other nodes, if it is gone.
    using TakeoverMarker = std::function<void(const std::string& charger)>;
    void set_takeover_marker(TakeoverMarker marker) { mark_taken_ = std::move(marker); }

    // What the API and the portal show of one site now.
    struct SessionView {
        std::string charger;
        int connector = 0;
        std::int64_t transaction = 0;
        double max_a = 0, target_a = 0;
        std::optional<double> limit_a; // the TxProfile limit the charger accepted last (none yet: its fail-safe)
        std::string state;             // "ok", "sending", "failed", "offline"
        std::string error;
        std::optional<double> power_w;
    };
    struct ChargerView {
        std::string id;
        bool online = false;
        std::string failsafe; // "", "sending", "installed", "failed"
        std::string error;
    };
    // How long it took from a change (a session started or stopped, a charger gone or back, the site edited) until
    // the last new limit it caused was sent, over the last kLatencies changes (ms).
    struct Latency {
        std::size_t count = 0;
        double p50_ms = 0, p99_ms = 0, max_ms = 0;
    };
    static constexpr std::size_t kLatencies = 10000;
    struct SiteView {
        double limit_a = 0, power_w = 0, limit_w = 0;
        double part_a = 0;                              // what this node shares of limit_a (all of it on a single node)
        double limits_sum_a = 0;                        // the accepted TxProfile limits together
        double peak_limits_sum_a = 0, peak_power_w = 0; // since the central system started
        Latency latency;
        std::vector<SessionView> sessions;
        std::vector<ChargerView> chargers;
    };
    std::optional<SiteView> view(std::int64_t site) const;
    // The site whose load management steers this charger, if any.
    std::optional<std::int64_t> site_of_charger(const std::string& id) const;

private:
    struct Session {
        std::string charger;
        int connector = 0;
        std::int64_t transaction = 0;
        double max_a = 0;
        double target_a = 0;
        double confirmed_a = 0;   // what the charger is held to now (the fail-safe until it accepts ours)
        bool has_profile = false; // it accepted a TxProfile of ours
        struct Sent {
            std::uint64_t call = 0;
            double limit_a = 0;
        };
        std::vector<Sent> in_flight; // limits sent and not yet answered, oldest first (at most kPipelined)
        std::uint64_t calls = 0;     // numbers the calls; an answer whose call is no longer in flight is stale
        bool offline = false;        // its charger is gone: its limit stays reserved
        bool adopted = false;        // its charger connected here in a cluster: no limit of ours accepted since
        int failures = 0;
        std::string error;
        ocpp::Clock::TimePoint retry_at{}; // after a failure, not before
        std::optional<double> power_w;
        // The newest limit sent and not answered, if any.
        std::optional<double> last_sent() const;
        // The highest limit sent and not answered (0: none): the charger may already be held to it.
        double highest_in_flight() const;
    };
    struct Site {
        db::SiteRow row;
        SiteRules rules;
        std::map<std::int64_t, Session> sessions; // by transaction id
        double peak_sum_a = 0, power_w = 0, peak_power_w = 0;
        std::optional<ocpp::Clock::TimePoint> changed_at; // a change whose limits are not all sent yet
        std::vector<double> latencies_ms;                 // ring of kLatencies
        std::size_t next_latency = 0;
        std::unique_ptr<ocpp::Timer> timer; // the next retry or time-of-day change
        bool rebalance_posted = false;      // answers arriving together re-balance once
        // In a cluster: the part recorded in the store, and the one being recorded (one at a time).
        std::optional<double> recorded_a, recording_a;
    };
    struct ChargerState {
        std::string failsafe, error;
        int failures = 0;
        std::unique_ptr<ocpp::Timer> retry; // the one pending retry of the fail-safe (restarted, never added)
        bool adopting = false;              // its open sessions are being read from the store
    };

    void on_started(const std::string& id, int connector, std::int64_t transaction);
    void on_stopped(const std::string& id, std::int64_t transaction);
    void on_power(const std::string& id, std::int64_t transaction, double watts);
    void on_booted(const std::string& id);
    void on_gone(const std::string& id);
    // The charger is back (with or without a BootNotification): its sessions can be steered again.
    void on_connected(const std::string& id);
    void load_maxima(std::int64_t site_id);
    // In a cluster, a charger that connects may have sessions another node steered: they join the sharing here.
    void adopt_sessions(const std::string& id);
    // Marks the charger as under this node's limits once none of its sessions waits for its first limit of ours.
    void mark_if_taken(const Site& site, const std::string& id);
    // This node's part of the site's limit (the whole limit on a single node).
    double part_of(std::int64_t site_id, double site_limit) const;
    // The most raises may reach: the part, but not above what the store has recorded nor above what the other
    // nodes' recorded parts leave of the site's limit (the whole limit on one node).
    double raise_cap(const Site& site, double part, double site_limit) const;
    // Records max(part, held) when it differs from what is recorded (in a cluster, one write at a time).
    void record(Site& site, double part, double held);
    void send_failsafe(const std::string& id);
    // Shares the limit anew and sends what may go now; arms the timer for what must wait.
    void rebalance(std::int64_t site_id, bool changed = false);
    void send_limit(Site& site, Session& s, double limit);
    // Re-balances on a later turn of the loop (once for all answers that arrive together, never from inside a pass).
    void post_rebalance(std::int64_t site_id);
    int minute_of_day() const;
    Site* site_of(const std::string& charger);
    // A registered connector's maximum (the site's limit when commissioning gave none); nullopt: not registered.
    std::optional<double> connector_max(const Site& site, const std::string& charger, int connector) const;

    ocpp::Executor& loop_;
    Database& db_;
    ChargerLinks& links_;
    const ocpp::Logger& log_;
    std::map<std::int64_t, Site> sites_;
    std::unordered_map<std::string, std::int64_t> charger_site_;
    std::map<std::pair<std::string, int>, double> connector_max_; // commissioned maximum, A per phase
    std::unordered_map<std::string, ChargerState> chargers_;
    std::optional<std::size_t> live_nodes_;   // set in a cluster: the limit is divided among the live nodes
    std::map<std::int64_t, double> gone_a_;   // per site: reserved for the chargers of nodes that are gone
    std::map<std::int64_t, double> others_a_; // per site: recorded by the other live nodes
    PartRecorder record_part_;
    TakeoverMarker mark_taken_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // store answers after teardown do nothing
};

} // namespace cs::sites
