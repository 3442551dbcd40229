#pragma once
// In a cluster, a REST request that needs a charger's own connection (a command, certificates, logs, diagnostics, a
// composite schedule) is passed to the node that holds the charger (cluster/forwarder.hpp); every other request is
// answered by the node asked, from the shared database.
#include <functional>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Takes the request when it must go to another node: answers 401 for a forwarded request with a wrong secret, or
// looks up the charger's owner and forwards to it (or runs `here` when this node holds it or nobody does). False:
// the request is not the cluster's business; answer it here.
bool pass_to_owner(CentralSystem& cs, const HttpRequest& req, Respond& respond,
                   std::function<void(const HttpRequest&, Respond)> here);

} // namespace cs::api
