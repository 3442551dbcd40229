#pragma once
// In a cluster, a REST request that needs a charger's own connection (a command, certificates, logs, diagnostics, a
// composite schedule) is passed to the node that holds the charger (cluster/forwarder.hpp); every other request is
// answered by the node asked, from the shared database. Work of one request over many chargers (a charging-profile
// template applied) reaches those held elsewhere one command each through relay_to_owner, paced by a RelayPacer.
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Takes the request when it must go to another node: answers 401 for a forwarded request with a wrong secret, or
// looks up the charger's owner and forwards to it (or runs `here` when this node holds it or nobody does). False:
// the request is not the cluster's business; answer it here.
bool pass_to_owner(CentralSystem& cs, const HttpRequest& req, Respond& respond,
                   std::function<void(const HttpRequest&, Respond)> here);

// The caller's credentials (Authorization, Cookie, X-CSRF-Token) for a command relayed on its behalf.
std::vector<std::pair<std::string, std::string>> caller_credentials(const HttpRequest& req);
// In a cluster: sends `action` with `payload` to a charger another live node holds, through that node's command route
// with the caller's credentials (its permissions are checked there), and calls done(status, error) on the loop with
// the "status" the charger answered, or "not connected"/"failed" and why. False (nothing sent, done not called) on a
// single node or when no other live node holds the charger.
bool relay_to_owner(CentralSystem& cs, const std::vector<std::pair<std::string, std::string>>& credentials,
                    const std::string& charger, const std::string& action, std::string payload,
                    std::function<void(std::string status, std::string error)> done);

// The relays of one request over many chargers (a template applied or cleared), at most kInFlight at once: the next
// goes out as an answer comes back, so a request over more chargers of other nodes than the forwarder queues
// (cluster::Forwarder::kMaxQueue) reaches every one of them, and each waits in the forwarder's queue only briefly
// (its command's timeout starts when it is sent). Lives on the loop, as long as relays of it are waiting or on
// their way.
class RelayPacer : public std::enable_shared_from_this<RelayPacer> {
public:
    static constexpr std::size_t kInFlight = 16; // twice the forwarder's threads: they never wait for the next one

    // Made with std::make_shared (its relays hold it); `credentials` as for relay_to_owner.
    RelayPacer(CentralSystem& cs, std::vector<std::pair<std::string, std::string>> credentials);

    // True when another live node holds the charger now (relay() then reaches it, or says why not).
    static bool held_elsewhere(CentralSystem& cs, const std::string& charger);
    // Queues relay_to_owner of `action` to `charger`; done(status, error) is called once, on the loop, with its
    // outcome, or "not connected" when no other live node holds the charger by the time its turn comes.
    void relay(std::string charger, std::string action, std::string payload,
               std::function<void(std::string status, std::string error)> done);

private:
    struct Waiting {
        std::string charger, action, payload;
        std::function<void(std::string, std::string)> done;
    };
    void pump();

    CentralSystem& cs_;
    std::vector<std::pair<std::string, std::string>> credentials_;
    std::deque<Waiting> waiting_;
    std::size_t in_flight_ = 0;
    bool pumping_ = false;
};

} // namespace cs::api
