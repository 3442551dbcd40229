#pragma once
// Keeps the chargers' local authorization lists in sync with the id-tag registry (db/local_lists.hpp). One group, the
// default one: every charger gets the same list. A sync asks the charger for its limits (LocalAuthListMaxLength,
// SendLocalListMaxLength, LocalAuthListEnabled) and its GetLocalListVersion, then sends what it lacks: the tags changed
// since its version as a Differential update when the charger holds a version this central system gave it, else the
// whole list as a Full update; a Differential answered VersionMismatch or Failed is followed by a Full one. A list
// longer than the charger takes is not sent and the result says why. Chargers sync when they boot, after every id-tag
// change, and on request. Bounded: one sync per charger at a time (a request meanwhile runs once after it), at most
// kMaxSyncsRunning at once, the rest queued once each. Everything here runs on the central system's loop.
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "centralsystem/db/database.hpp"
#include "centralsystem/db/local_lists.hpp"
#include "centralsystem/gate/gate.hpp"
#include "centralsystem/protocol/links.hpp"

namespace cs {

inline constexpr std::size_t kMaxSyncsRunning = 32;

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
    // Queues a sync of every connected charger (after an id-tag change); how many were queued is not waited for.
    void sync_all(bool full = false);
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
    void send(const std::string& id, Limits limits, db::LocalListContent content, bool differential, std::string note);
    void finish(const std::string& id, std::int64_t version, std::string result, std::string detail);

    ocpp::Executor& loop_;
    Database& db_;
    ChargerLinks& links_;
    const HandshakeGate& gate_;
    const ocpp::Logger& log_;
    std::deque<std::string> queue_;
    std::unordered_map<std::string, bool> waiting_; // queued chargers -> full asked
    std::unordered_set<std::string> running_;       // syncing now
    std::unordered_set<std::string> again_full_;    // running chargers that must then sync in full
    std::unordered_set<std::string> again_;         // running chargers that must then sync again
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace cs
