#pragma once
// ChargerLinks: the chargers connected now, one Peer per Chargebox ID, on the central system's loop. A newer
// connection of a charger replaces its older one (which is closed without counting as the charger going away);
// calls to a charger go through its current Peer.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "centralsystem/protocol/observers.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/peer/peer.hpp"

namespace cs {

class ChargerLinks {
public:
    // gone(id, close code) runs on the loop when a charger's current connection closes.
    using GoneHandler = std::function<void(const std::string& id, int code)>;
    ChargerLinks(const ocpp::Logger& log, GoneHandler gone)
        : log_(log)
        , gone_(std::move(gone)) {}
    ~ChargerLinks(); // forgets the peers' close handlers: nobody hears of connections closed by the teardown
    ChargerLinks(const ChargerLinks&) = delete;
    ChargerLinks& operator=(const ChargerLinks&) = delete;

    // Makes peer the charger's current connection, closing an older one.
    void add(const std::string& id, std::shared_ptr<ocpp::Peer> peer);
    // The charger's current connection, or nullptr.
    std::shared_ptr<ocpp::Peer> peer(const std::string& id) const;
    // Sends a call to the charger; false (and nothing sent) when it is not connected.
    template <class Req, class Done> bool call(const std::string& id, const Req& req, Done done) {
        auto p = peer(id);
        if (!p) {
            return false;
        }
        p->call(req, std::move(done));
        return true;
    }
    // A line about something one charger caused, within its connection's log budget (kind: a plural noun for the
    // summary, "unknown transactions").
    void log_charger(const std::string& id, ocpp::LogLevel level, std::string_view kind, std::string_view message);
    std::size_t size() const { return peers_.size(); }
    // Who hears of sessions, boots and chargers going away (protocol/observers.hpp); `gone` is told here.
    ChargerObservers& observers() { return observers_; }
    // The Chargebox IDs connected now.
    std::vector<std::string> ids() const {
        std::vector<std::string> out;
        out.reserve(peers_.size());
        for (const auto& [id, peer] : peers_) {
            out.push_back(id);
        }
        return out;
    }

private:
    const ocpp::Logger& log_;
    GoneHandler gone_;
    ChargerObservers observers_;
    std::unordered_map<std::string, std::shared_ptr<ocpp::Peer>> peers_;
};

} // namespace cs
