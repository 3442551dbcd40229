#pragma once
// Keeps the chargers' local authorization lists in sync with the id-tag registry (db/local_lists.hpp): each charger
// gets the list of its group (db/list_groups.hpp), a charger that moved to another group the whole new one. A sync asks
// the charger for its limits (LocalAuthListMaxLength, SendLocalListMaxLength, LocalAuthListEnabled) and its
// GetLocalListVersion, then sends what it lacks: the tags changed since its version as a Differential update when the
// charger holds a version this central system gave it, else the whole list as a Full update (tags taken out of a
// group's list are Differential entries without idTagInfo, which removes them); a Differential answered VersionMismatch
// or Failed is followed by a Full one. More tags than SendLocalListMaxLength go in pieces (the update with the first,
// Differential updates with the rest, one version apart, the last at the list's version, recorded once it is accepted);
// a list longer than LocalAuthListMaxLength is not sent and the result says why. Chargers sync when they boot, on
// request, and after the list's version rose (debounced: one sync of the changed groups' connected chargers
// kListChangeDelay after the first change, however many edits came meanwhile; chargers whose lists are disabled or
// unsupported are left out until they boot or are synced on request). Bounded: one sync per charger at a time (a
// request meanwhile runs once after it), at most kMaxSyncsRunning at once, the rest queued once each. Everything here
// runs on the central system's loop.
//
// In a cluster (local_lists_cluster.cpp) an edit through one node must reach the chargers of every node: each node
// reads the groups' versions every second and syncs its own connected chargers of every group whose version rose
// (debounced as above), and syncs those of its chargers moved to another group since their last sync: a look reads a
// page of them (kMovedPerLook) from where the last look stopped, so every one is tried however many fail; one tried
// for its group is not tried again before kMovedRetryFirst, and each further failure doubles the wait (at most
// kMovedRetryMost).
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "centralsystem/db/authlists/local_lists.hpp"
#include "centralsystem/db/database.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/protocol/links.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

inline constexpr std::size_t kMaxSyncsRunning = 32;
// How long id-tag changes gather before the connected chargers are synced.
inline constexpr std::chrono::seconds kListChangeDelay{3};
// In a cluster: the moved chargers one look reads, and how long one tried waits for its next try.
inline constexpr std::int64_t kMovedPerLook = 200;
inline constexpr std::chrono::seconds kMovedRetryFirst{60};
inline constexpr std::chrono::seconds kMovedRetryMost{960};

class LocalLists {
public:
    LocalLists(ocpp::Executor& loop, Database& db, ChargerLinks& links, const HandshakeGate& gate,
               const ocpp::Logger& log)
        : loop_(loop)
        , db_(db)
        , links_(links)
        , gate_(gate)
        , log_(log) {}
    LocalLists(const LocalLists&) = delete;
    LocalLists& operator=(const LocalLists&) = delete;
    ~LocalLists() { *alive_ = false; }

    // Queues a sync of one connected charger in operation (full: send the whole list whatever it holds); false when it
    // is not connected or planned (nobody charges at a planned charger).
    bool sync(const std::string& id, bool full = false);
    // Queues a sync of every connected charger of a group now (on request), also of those whose lists were disabled.
    void sync_group(const std::string& group, bool full = false);
    // These groups' versions rose: syncs their connected chargers that keep lists once, kListChangeDelay from the
    // first change on.
    void list_changed(const std::vector<std::string>& groups);
    // Makes this node one of a cluster's and starts looking at the store every `every`, reading up to
    // `moved_per_look` (at least 1) moved chargers each time (call on the loop, once).
    void start_cluster(std::string node, std::chrono::milliseconds every = std::chrono::milliseconds(1000),
                       std::int64_t moved_per_look = kMovedPerLook);
    void stop_cluster();
    // Whether a sync of this charger is queued or running.
    bool syncing(const std::string& id) const { return running_.count(id) > 0 || waiting_.count(id) > 0; }

private:
    struct Limits {
        std::int64_t list_max = db::kMaxLocalListTags, send_max = db::kMaxLocalListTags;
        bool enabled = true;
    };
    void pump();
    void run(const std::string& id, bool full);
    void decide(const std::string& id, bool full, Limits limits, int charger_version);
    // Syncs the connected ones of these chargers (only those that keep lists unless `all`).
    void sync_chargers(const std::vector<std::string>& ids, bool full, bool all);
    // What one sync sends: a group's entries, in pieces of per_piece, at versions first_version .. version.
    struct Batch {
        std::string group;
        std::vector<ocpp::v16::AuthorizationData> entries;
        std::int64_t version = 0, first_version = 0, pieces = 1, per_piece = 1;
        bool differential = false;
        std::string note;
    };
    void send(const std::string& id, const std::string& group, Limits limits, db::LocalListContent content,
              bool differential, std::string note);
    void send_piece(const std::string& id, Limits limits, std::shared_ptr<Batch> b, std::int64_t index);
    // version -2 keeps the stored version and group; otherwise `group` is the group the version is of.
    void finish(const std::string& id, std::int64_t version, std::string result, std::string detail,
                std::string group = {});

    ocpp::Executor& loop_;
    Database& db_;
    ChargerLinks& links_;
    const HandshakeGate& gate_;
    const ocpp::Logger& log_;
    std::deque<std::string> queue_;
    std::unordered_map<std::string, bool> waiting_;  // queued chargers -> full asked
    std::unordered_set<std::string> running_;        // syncing now
    std::unordered_set<std::string> again_full_;     // running chargers that must then sync in full
    std::unordered_set<std::string> again_;          // running chargers that must then sync again
    std::unordered_set<std::string> no_list_;        // chargers whose last answer: lists disabled or not supported
    std::unique_ptr<ocpp::Timer> change_timer_;      // armed while list changes gather
    std::unordered_set<std::string> changed_groups_; // groups whose versions rose while the timer is armed
    bool change_armed_ = false;
    // In a cluster: this node's id, the look at the store, the groups' versions as last read (empty before the first
    // look), and the moved chargers: where the next look reads on from, and those tried for their new group.
    struct MovedTry {
        std::string group;             // the group it was tried for
        ocpp::Clock::TimePoint next{}; // not tried again before
        std::chrono::seconds wait{};   // the wait set at the last try
        std::uint64_t pass = 0;        // the pass through the moved chargers that read it last
    };
    void cluster_look();
    void try_moved(const std::vector<std::pair<std::string, std::string>>& moved);
    std::string node_;
    std::unique_ptr<ocpp::Timer> look_timer_;
    bool looking_ = false, looked_ = false, stopped_ = false;
    std::chrono::milliseconds look_every_{1000};
    std::unordered_map<std::string, std::int64_t> versions_;
    std::int64_t moved_per_look_ = kMovedPerLook;
    std::string moved_after_; // the next look reads the moved chargers after this Chargebox ID ("": from the first)
    std::uint64_t moved_pass_ = 0;
    std::unordered_map<std::string, MovedTry> moved_tried_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace cs
