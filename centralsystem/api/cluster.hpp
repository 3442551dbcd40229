#pragma once
// In a cluster, a REST request that needs a charger's own connection (a command, certificates, logs, diagnostics, a
// composite schedule) is passed to the node that holds the charger (cluster/forwarder.hpp); every other request is
// answered by the node asked, from the shared database. Work of one request over many chargers (a charging-profile
// template applied) reaches those held elsewhere one command each through relay_to_owner.
#include <functional>
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

} // namespace cs::api
