#pragma once
// In-memory transport: two linked Sessions on a (manual) executor, for unit tests without sockets.
#include <memory>
#include <utility>

#include "ocpp/net/session.hpp"

namespace ocpp::net {

// Messages sent on one side are delivered to the other through executor.post(), in order.
// The first session is the central-system side (its info() carries `server_info`), the second the charge point side.
std::pair<SessionPtr, SessionPtr> make_memory_pair(Executor& executor, HandshakeInfo server_info = {});

} // namespace ocpp::net
