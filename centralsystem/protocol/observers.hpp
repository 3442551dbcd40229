#pragma once
// ChargerObservers: what other parts of the central system may hear about chargers and their sessions, without the
// protocol handlers knowing who listens (load management listens). Lists of callbacks, called on the loop in the
// order they were added; a listener must not block.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cs {

struct ChargerObservers {
    // A session the central system accepted started (after its StartTransaction was stored).
    std::vector<std::function<void(const std::string& id, int connector, std::int64_t transaction)>> session_started;
    // The charger's StopTransaction for one of its own sessions was stored.
    std::vector<std::function<void(const std::string& id, std::int64_t transaction)>> session_stopped;
    // The charger sent MeterValues for a session: the Power.Active.Import it reported (W, the sum of its phases).
    std::vector<std::function<void(const std::string& id, std::int64_t transaction, double watts)>> power_metered;
    // The charger's BootNotification was accepted.
    std::vector<std::function<void(const std::string& id)>> booted;
    // The charger's current connection closed.
    std::vector<std::function<void(const std::string& id)>> gone;
    // The charger connected (a new connection, before any BootNotification).
    std::vector<std::function<void(const std::string& id)>> connected;

    template <class List, class... Args> static void tell(const List& list, const Args&... args) {
        for (const auto& f : list) {
            f(args...);
        }
    }
};

} // namespace cs
