#pragma once
// In-memory transport: two linked Sessions on a (manual) executor, for unit tests without sockets.
#include <cstddef>
#include <memory>
#include <utility>

#include "ocpp/net/session.hpp"

namespace ocpp::net {

struct MemoryPairOptions {
    std::size_t max_queue = 256; // sent, undelivered messages per side (as ServerConfig::max_outbound_queue)
    bool check_utf8 = true;      // false lets undecodable bytes through, to test what receives them
};

// Messages sent on one side are delivered to the other through executor.post(), in order.
// The first session is the central-system side (its info() carries `server_info`), the second the charge point side.
// Each side refuses a send as a WebSocket session does: when closed, when its queue is full, when not UTF-8.
std::pair<SessionPtr, SessionPtr> make_memory_pair(Executor& executor, HandshakeInfo server_info = {},
                                                   MemoryPairOptions options = {});

} // namespace ocpp::net
